/**
 * The deployment runner (SPEC P3): the host that runs Pulumi Deployments inside the VPC holds the credentials
 * that rewrite the account, so it is private (no public address), keeps its instance credentials from the
 * containers it runs (IMDSv2, one hop) and its role is assumable by EC2 alone. The runner is recognised by its
 * `purpose` tag (configurable); a public IP on any EC2 instance or launch template is flagged regardless.
 */
import { resourcePolicy } from "../lib/define";
import { documentsOf } from "../lib/documents";
import { list, path, prop, Unknown } from "../lib/values";
import { T } from "./types";

const runnerConfig = {
  properties: {
    runnerTag: {
      type: "object" as const,
      description: "The tag (key and value) that marks the deployment runner's role, instances and launch templates.",
      default: { key: "purpose", value: "deployment-runner" },
    },
  },
};

const isRunner = (props: Record<string, unknown>, config: Record<string, unknown>) => {
  const tag = config.runnerTag as { key: string; value: string };
  return path(props, "tags", tag.key) === tag.value;
};
const truthy = (v: unknown) => v === true || v === "true";

export const runnerNoPublicIp = resourcePolicy({
  name: "deployment-runner-no-public-ip",
  description:
    "EC2 instances and launch templates get no public IP address; the deployment runner says so explicitly (associatePublicIpAddress false), so a public subnet's default cannot give it one.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediation:
    "set associatePublicIpAddress: false (instance, or every network interface of the launch template) and use the private subnets.",
  coverage: [{ control: "exposure", types: [T.instance, T.launchTemplate], checkov: ["CKV_AWS_88"] }],
  types: [T.instance, T.launchTemplate],
  configSchema: runnerConfig,
  check: ({ type, props }, config) => {
    const runner = isRunner(props, config);
    if (type === T.instance) {
      const v = prop(props, "associatePublicIpAddress");
      if (truthy(v)) return ["The instance gets a public IP address."];
      return runner && v !== false && v !== "false" && v !== Unknown
        ? ["The runner instance does not set associatePublicIpAddress: false."]
        : [];
    }
    const nics = list(prop(props, "networkInterfaces")).filter((n) => n !== Unknown);
    if (nics.some((n) => truthy(prop(n, "associatePublicIpAddress"))))
      return ["The launch template gives instances a public IP address."];
    if (
      runner &&
      (!nics.length || nics.some((n) => !["false", false].includes(prop(n, "associatePublicIpAddress") as string)))
    )
      return ["The runner's launch template does not set associatePublicIpAddress: false on its network interfaces."];
    return [];
  },
});

export const runnerImdsOneHop = resourcePolicy({
  name: "deployment-runner-imdsv2-one-hop",
  description:
    "The deployment runner requires IMDSv2 with a hop limit of 1, so the deployment containers it runs cannot read the host's instance credentials.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation: "metadataOptions { httpTokens: 'required', httpPutResponseHopLimit: 1 }.",
  coverage: [
    {
      control: "exposure",
      types: [T.instance, T.launchTemplate],
      checkov: ["CKV_AWS_79", "CKV_AWS_341"],
      cis: ["aws-5.0:5.7"],
    },
  ],
  types: [T.instance, T.launchTemplate],
  configSchema: runnerConfig,
  check: ({ props }, config) => {
    if (!isRunner(props, config)) return [];
    const tokens = path(props, "metadataOptions", "httpTokens");
    const hops = path(props, "metadataOptions", "httpPutResponseHopLimit");
    const out: string[] = [];
    if (tokens !== Unknown && tokens !== "required") out.push("IMDSv1 is allowed (httpTokens is not 'required').");
    if (hops !== Unknown && hops !== 1 && hops !== "1")
      out.push(`The metadata hop limit is ${String(hops ?? "unset (the AMI's default)")}, not 1.`);
    return out;
  },
});

export const runnerRoleEc2Only = resourcePolicy({
  name: "deployment-runner-role-ec2-only",
  description:
    "The deployment runner's role is assumable only by EC2 (its instance profile): no other principal, no other action.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediation:
    'assumeRolePolicy: one statement, Effect Allow, Principal { Service: "ec2.amazonaws.com" }, Action "sts:AssumeRole".',
  coverage: [{ control: "identity", types: [T.role] }],
  types: [T.role],
  configSchema: runnerConfig,
  check: ({ type, props }, config) => {
    if (!isRunner(props, config)) return [];
    const out: string[] = [];
    for (const doc of documentsOf(type, props).filter((d) => d.kind === "trust")) {
      if (doc.error) {
        out.push(`assumeRolePolicy ${doc.error}.`);
        continue;
      }
      for (const s of doc.statements!) {
        if (s.effect !== "Allow") continue;
        const { aws, federated, canonical, star, service } = s.principals;
        const others = [...aws, ...federated, ...canonical, ...service.filter((p) => p !== "ec2.amazonaws.com")];
        if (star) others.push("*");
        if (others.length) out.push(`The runner's role is also assumable by ${others.join(", ")}.`);
        const actions = s.actions.filter((a) => a !== "sts:AssumeRole");
        if (actions.length || s.notActions)
          out.push(`The trust allows ${[...actions, ...(s.notActions ?? [])].join(", ")}.`);
      }
    }
    return out;
  },
});

export const runnerPolicies = [runnerNoPublicIp, runnerImdsOneHop, runnerRoleEc2Only];
