/** Network exposure and trust, read from the harness record of every stack (SPEC N2, I1, I2). */
import {
  accountOf,
  hostOf,
  platformStacks,
  runStack,
  stacks,
  type RecordedResource,
  type StackRun,
} from "../offline/run";
import { byId, jsonInput, named, ofType } from "../offline/record";
import { expectationsOf } from "./expectations";
import { checkCicdSubjects } from "./stack-checks";

const runs: Record<string, StackRun> = {};
beforeAll(async () => {
  for (const stack of stacks) runs[stack] = await runStack(stack);
});

/** Which security group (by its short name) a rule belongs to or references. */
function groupName(run: StackRun, id: unknown): string | undefined {
  const group = byId(run, id);
  // The cluster security group is created by EKS (an output of the remote eks.Cluster), not declared here.
  if (!group && ofType(run, "eks:index:Cluster").some((c) => c.outputs.clusterSecurityGroupId === id)) return "cluster";
  return group?.inputs.name ? String(group.inputs.name).replace(`qualisys-${run.stack}-`, "") : undefined;
}

function ingress(run: StackRun) {
  return ofType(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((rule) => ({
    group: groupName(run, rule.inputs.securityGroupId),
    from: rule.inputs.cidrIpv4 ?? rule.inputs.cidrIpv6 ?? groupName(run, rule.inputs.referencedSecurityGroupId),
    protocol: rule.inputs.ipProtocol,
    port: rule.inputs.fromPort,
    toPort: rule.inputs.toPort,
  }));
}

describe.each(platformStacks)("the network of stack %s", (stack) => {
  it("resolves every rule to a group of this stack", () => {
    expect(ingress(runs[stack]).length).toBeGreaterThan(0);
    for (const rule of ingress(runs[stack])) {
      expect(rule.group).toBeDefined();
      expect(rule.from).toBeDefined();
    }
  });

  it("lets the database and the cache be reached only from the nodes, on their port", () => {
    const rules = ingress(runs[stack]);
    expect(rules.filter((r) => r.group === "database")).toEqual([
      { group: "database", from: "nodes", protocol: "tcp", port: 5432, toPort: 5432 },
    ]);
    expect(rules.filter((r) => r.group === "cache")).toEqual([
      { group: "cache", from: "nodes", protocol: "tcp", port: 6379, toPort: 6379 },
    ]);
  });

  it("opens 0.0.0.0/0 ingress only on the load balancer, only on 80 and 443", () => {
    const open = ingress(runs[stack]).filter((r) => r.from === "0.0.0.0/0" || r.from === "::/0");
    expect(open.map((r) => [r.group, r.port, r.toPort]).sort()).toEqual([
      ["loadBalancer", 443, 443],
      ["loadBalancer", 80, 80],
    ]);
    const groups = ofType(runs[stack], "aws:ec2/securityGroup:SecurityGroup");
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) expect(group.inputs.ingress ?? []).toEqual([]);
  });

  it("puts a network ACL on the database subnets that admits only the node subnets and the tier itself", () => {
    const run = runs[stack];
    const acl = ofType(run, "aws:ec2/networkAcl:NetworkAcl")[0];
    const vpc = ofType(run, "awsx:ec2:Vpc")[0];
    expect(acl.inputs.subnetIds).toEqual(vpc.outputs.isolatedSubnetIds);
    const specs = vpc.inputs.subnetSpecs as { type: string; cidrBlocks: string[] }[];
    const allowed = new Set(specs.filter((s) => s.type !== "Public").flatMap((s) => s.cidrBlocks));
    const rules = acl.inputs.ingress as { cidrBlock: string; action: string }[];
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.action).toBe("allow");
      expect(allowed.has(rule.cidrBlock)).toBe(true);
    }
  });
});

// A stack on another's platform (staging) declares no network: its data tier joins the host's groups (data.test.ts).
it.each(stacks.filter((stack) => hostOf(stack) !== undefined))(
  "stack %s declares no security group or rule",
  (stack) => {
    expect(ofType(runs[stack], "aws:ec2/securityGroup:SecurityGroup")).toEqual([]);
    expect(ingress(runs[stack])).toEqual([]);
    expect(ofType(runs[stack], "aws:ec2/networkAcl:NetworkAcl")).toEqual([]);
  },
);

describe.each(stacks)("stack %s", (stack) => {
  const role = (name: string): RecordedResource => named(runs[stack], "aws:iam/role:Role", `qualisys-${stack}-${name}`);

  it.each(["devops", "developer"])("lets humans assume %s only with recent MFA", (name) => {
    const trust = jsonInput(role(name), "assumeRolePolicy");
    expect(trust.Statement.length).toBeGreaterThan(0);
    for (const statement of trust.Statement) {
      expect(statement.Effect).toBe("Allow");
      expect(statement.Principal).toEqual({ AWS: `arn:aws:iam::${accountOf(stack)}:root` });
      expect(statement.Condition.Bool).toEqual({ "aws:MultiFactorAuthPresent": "true" });
      expect(Number(statement.Condition.NumericLessThan["aws:MultiFactorAuthAge"])).toBeLessThanOrEqual(3600);
    }
  });

  it.each(["cicd", "ci-preview"])("scopes the %s role to the repository, with no wildcard", (name) => {
    const [statement, ...rest] = jsonInput(role(name), "assumeRolePolicy").Statement;
    expect(rest).toEqual([]);
    expect(statement.Principal.Federated).toBe(
      `arn:aws:iam::${accountOf(stack)}:oidc-provider/token.actions.githubusercontent.com`,
    );
    expect(statement.Action).toBe("sts:AssumeRoleWithWebIdentity");
    expect(Object.keys(statement.Condition)).toEqual(["StringEquals"]);
    expect(statement.Condition.StringEquals["token.actions.githubusercontent.com:aud"]).toBe("sts.amazonaws.com");
    const subjects: string[] = statement.Condition.StringEquals["token.actions.githubusercontent.com:sub"];
    expect(subjects.length).toBeGreaterThan(0);
    for (const subject of subjects) {
      expect(subject).toMatch(/^repo:qualisys\/platform:/);
      expect(subject).not.toContain("*");
    }
  });

  it("lets the CI deploy role in for exactly the stack's GitHub subjects; in prod, only through a GitHub Environment", () => {
    const expected = expectationsOf(stack);
    checkCicdSubjects(runs[stack], expected);
    if (expected.environment === "prod")
      expect(expected.cicdSubjects.filter((s) => !s.startsWith("environment:"))).toEqual([]);
  });

  it("lets Pulumi Deployments assume the deploy role only for this stack, and never for a preview", () => {
    const [statement] = jsonInput(role("deploy"), "assumeRolePolicy").Statement;
    expect(statement.Principal.Federated).toBe(`arn:aws:iam::${accountOf(stack)}:oidc-provider/api.pulumi.com/oidc`);
    expect(statement.Condition.StringLike).toBeUndefined();
    const subject = (operation: string) =>
      `pulumi:deploy:org:qualisys:project:qualisys:stack:${stack}:operation:${operation}:scope:write`;
    expect(statement.Condition.StringEquals).toEqual({
      "api.pulumi.com/oidc:aud": "qualisys",
      "api.pulumi.com/oidc:sub": ["update", "refresh", "detect-drift", "remediate-drift"].map(subject),
    });
  });

  it("puts every human group behind the MFA policy and attaches nothing to users", () => {
    const run = runs[stack];
    const groups = ofType(run, "aws:iam/group:Group");
    expect(groups).toHaveLength(2);
    for (const group of groups) {
      const mfa = named(run, "aws:iam/groupPolicy:GroupPolicy", `${group.name}-mfa`);
      const deny = jsonInput(mfa, "policy").Statement.find((s: { Effect: string }) => s.Effect === "Deny");
      expect(deny.Condition).toEqual({ BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } });
    }
    expect(run.resources.filter((r) => /^aws:iam\/user/.test(r.type))).toEqual([]);
    expect(ofType(run, "aws:iam/accessKey:AccessKey")).toEqual([]);
  });

  it("sets a strong account password policy, unless it shares the account of the stack that does", () => {
    const policies = ofType(runs[stack], "aws:iam/accountPasswordPolicy:AccountPasswordPolicy");
    // The policy is account-wide: in the shared non-production account dev's stack sets it (Pulumi.staging.yaml).
    expect(policies).toHaveLength(hostOf(stack) === undefined ? 1 : 0);
    if (!policies.length) return;
    const [policy] = policies;
    expect(policy.inputs).toMatchObject({
      minimumPasswordLength: 14,
      requireSymbols: true,
      passwordReusePrevention: 24,
    });
  });
});

describe("secrets", () => {
  // A recognisable value set as secret config: it must never appear in plain text in the record.
  const sentinel = "https://hooks.slack.com/services/TSENTINEL/BSENTINEL/sentinel-value-never-plain";

  // Every stack declares the same components; one run with the sentinel set (prod, the largest) proves the value
  // travels as a secret, and every stack's own record is checked for credential-named inputs in plain text.
  it("never appear in plain text in the record or outputs", async () => {
    const run = await runStack("prod", { secrets: { "qualisys:slackWebhookUrl": sentinel } });
    expect(run.error).toBeUndefined();
    expect(JSON.stringify(run)).not.toContain("SENTINEL");
  });

  it.each(stacks)("%s: every credential-named input arrives as a secret", (stack) => {
    let credentials = 0;
    for (const resource of runs[stack].resources) {
      for (const [key, value] of Object.entries(resource.inputs)) {
        // Any string input named like a credential must arrive as a secret (references to a secret — its id, ARN,
        // name or key — and settings such as `authTokenUpdateStrategy` are not credentials).
        const credential = /password|secret|token|privateKey/i.test(key) && !/(Id|Arn|Name|Strategy)$/.test(key);
        if (typeof value === "string" && credential) {
          credentials++;
          expect([resource.name, key, value]).toEqual([resource.name, key, "[secret]"]);
        }
      }
    }
    // The Redis auth token and the secret versions at least: the check saw credentials to judge.
    expect(credentials).toBeGreaterThan(0);
  });
});
