/**
 * The deployment runner from the record of every stack with its own platform (SPEC P3, P4): host, role, traffic. Its
 * pool, the pool's token and the Deployments settings are the organisation stack's (tests/organization.test.ts); a
 * stack on another's platform deploys on the host's runner (tests/hosted.test.ts).
 */
import { jsonInput, named, ofType } from "../offline/record";
import { privateRanges } from "../components/deployment-runner/plan";
import { overlaps, parseCidr, type Cidr } from "../core/cidr";
import { platformStacks, readStackFile, runStack, type StackRun } from "../offline/run";
import { runPolicies } from "../policy/runner";

const runs: Record<string, StackRun> = {};
beforeAll(async () => {
  for (const stack of platformStacks) runs[stack] = await runStack(stack);
});

describe.each(platformStacks)("stack %s", (stack) => {
  const prefix = `qualisys-${stack}`;
  const get = (type: string, name: string) => named(runs[stack], type, name);

  it("holds no pool, no pool token and no Deployments settings: those are the organisation stack's", () => {
    expect(runs[stack].resources.filter((r) => r.type.startsWith("pulumiservice:"))).toEqual([]);
    expect(Object.keys(runs[stack].outputs.deploymentRunner as object).sort()).toEqual([
      "autoScalingGroupName",
      "securityGroupId",
    ]);
    // The runner reads its token at boot from the secret the organisation stack keeps in this account.
    const template = get("aws:ec2/launchTemplate:LaunchTemplate", `${prefix}-runner-template`);
    const userData = Buffer.from(String(template.inputs.userData), "base64").toString("utf8");
    expect(userData).toContain(`--secret-id pulumi-deployments/${prefix}/agent-pool-token `);
  });

  it("runs the runner in the private subnets only: no public IP, egress HTTPS and DNS only, no ingress", () => {
    const outputs = runs[stack].outputs as Record<string, string[]>;
    const asg = get("aws:autoscaling/group:Group", `${prefix}-runner-asg`);
    expect(asg.inputs).toMatchObject({ minSize: 1, maxSize: 1, desiredCapacity: 1 });
    // No instance refresh: the deployment that changes the template runs on this instance and must not kill it.
    expect(asg.inputs.instanceRefresh).toBeUndefined();
    expect(asg.inputs.vpcZoneIdentifiers).toEqual(outputs.privateSubnetIds);
    for (const id of [...outputs.publicSubnetIds, ...outputs.databaseSubnetIds])
      expect(asg.inputs.vpcZoneIdentifiers).not.toContain(id);

    const template = get("aws:ec2/launchTemplate:LaunchTemplate", `${prefix}-runner-template`);
    expect(template.inputs.networkInterfaces).toEqual([expect.objectContaining({ associatePublicIpAddress: "false" })]);
    expect(template.inputs.metadataOptions).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1 });
    expect(template.inputs.blockDeviceMappings).toEqual([
      expect.objectContaining({ ebs: expect.objectContaining({ encrypted: "true" }) }),
    ]);
    expect(template.inputs.imageId).toBe(
      "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
    );
    const userData = Buffer.from(String(template.inputs.userData), "base64").toString("utf8");
    expect(userData).toContain(
      "/pulumi/customer-managed-workflow-agent/releases/download/v2.2.0/customer-managed-workflow-agent-v2.2.0-linux-x64.tar.gz",
    );
    expect(userData).toMatch(/sha256sum --check --strict -\ntar -xzf /);
    expect(userData).not.toMatch(/pul-[0-9a-f]{40}/);

    const group = get("aws:ec2/securityGroup:SecurityGroup", `${prefix}-runner-sg`);
    expect(group.inputs.ingress ?? []).toEqual([]);
    const egress = group.inputs.egress as {
      protocol: string;
      fromPort: number;
      toPort: number;
      cidrBlocks: string[];
    }[];
    expect(egress.map((e) => `${e.protocol}/${e.fromPort}-${e.toPort}`).sort()).toEqual([
      "tcp/443-443",
      "tcp/443-443",
      "tcp/53-53",
      "udp/53-53",
    ]);
    // Nothing private but the private subnets (the EKS endpoint) and the VPC's DNS server: no database subnet,
    // no other VPC, no on-premises range. AWS counts every CIDR as a rule: at most 60 outbound by default.
    const cidrs = egress.flatMap((e) => e.cidrBlocks);
    const config = readStackFile(stack).config["qualisys:network"] as { cidr: string };
    const privateOnes = cidrs.filter((c) =>
      privateRanges.some((r) => overlaps(parseCidr(c) as Cidr, parseCidr(r) as Cidr)),
    );
    expect(privateOnes.length).toBeGreaterThan(0);
    expect(privateOnes.every((c) => overlaps(parseCidr(c) as Cidr, parseCidr(config.cidr) as Cidr))).toBe(true);
    expect(cidrs.length).toBeLessThanOrEqual(60);
    const groupIngress = ofType(runs[stack], "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
      (r) => r.inputs.referencedSecurityGroupId === group.id || r.inputs.securityGroupId === group.id,
    );
    // The only rule naming the runner's group admits it to the cluster API on 443; nothing reaches the runner.
    expect(groupIngress.map((r) => [r.name, r.inputs.fromPort, r.inputs.securityGroupId === group.id])).toEqual([
      [`${prefix}-api-from-runner`, 443, false],
    ]);
  });

  it("gives the runner a role EC2 alone can assume, which may read its pool token and assume nothing", () => {
    const role = get("aws:iam/role:Role", `${prefix}-runner`);
    expect(jsonInput(role, "assumeRolePolicy").Statement).toEqual([
      {
        Sid: "Ec2InstanceProfile",
        Effect: "Allow",
        Principal: { Service: "ec2.amazonaws.com" },
        Action: "sts:AssumeRole",
      },
    ]);
    expect(
      ofType(runs[stack], "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter(
        (a) => a.inputs.role === role.inputs.name,
      ),
    ).toEqual([]);
    const policies = ofType(runs[stack], "aws:iam/rolePolicy:RolePolicy").filter(
      (p) => p.inputs.role === role.inputs.name,
    );
    expect(policies).toHaveLength(1);
    const statements = jsonInput(policies[0], "policy").Statement as { Action: string; Resource: string }[];
    expect(statements.map((s) => s.Action)).toEqual(["secretsmanager:GetSecretValue", "kms:Decrypt"]);
    const profile = get("aws:iam/instanceProfile:InstanceProfile", `${prefix}-runner-profile`);
    expect(profile.inputs.role).toBe(role.inputs.name);

    // No role trusts the runner: the deploy role trusts Pulumi OIDC alone (tests/reach.test.ts simulates it).
    for (const other of ofType(runs[stack], "aws:iam/role:Role"))
      expect([other.name, JSON.stringify(jsonInput(other, "assumeRolePolicy"))]).toEqual([
        other.name,
        expect.not.stringContaining(`role/${prefix}-runner`),
      ]);
  });

  it("leaves the deploy role to EKS's creator entry by default (on the bootstrap route it creates the cluster)", () => {
    const cluster = ofType(runs[stack], "eks:index:Cluster")[0];
    expect(Object.keys(cluster.inputs.accessEntries as object).sort()).toEqual(["cicd", "developer", "devops"]);
  });

  it("passes the pack's runner policies", async () => {
    const result = await runPolicies(runs[stack].resources, {});
    const runnerViolations = result.violations.filter((v) => v.policyName.startsWith("deployment-runner-"));
    expect(runnerViolations).toEqual([]);
  });
});

describe("a cluster someone else created (cluster.deployRoleAccessEntry: true)", () => {
  it("maps the deploy role as cluster admin with its own access entry", async () => {
    const file = readStackFile("dev");
    const cluster = { ...(file.config["qualisys:cluster"] as object), deployRoleAccessEntry: true };
    const run = await runStack("dev", { config: { ...file.config, "qualisys:cluster": cluster } });
    expect(run.error).toBeUndefined();
    const entries = ofType(run, "eks:index:Cluster")[0].inputs.accessEntries as Record<string, any>;
    expect(entries.deploy.principalArn).toMatch(/:role\/qualisys-dev-deploy$/);
    expect(JSON.stringify(entries.deploy.accessPolicies)).toContain("AmazonEKSClusterAdminPolicy");
  });
});

describe("the pack on a widened runner", () => {
  it("catches a runner with a public IP and an API endpoint left open to 0.0.0.0/0", async () => {
    const widened = structuredClone(runs.dev.resources).map((r) => {
      if (r.type === "aws:ec2/launchTemplate:LaunchTemplate" && r.name.endsWith("-runner-template"))
        r.inputs.networkInterfaces = [{ associatePublicIpAddress: "true", securityGroups: ["sg-1"] }];
      if (r.type === "eks:index:Cluster")
        Object.assign(r.inputs, { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] });
      return r;
    });
    const { violations } = await runPolicies(widened, {});
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policyName);
    expect(mandatory).toEqual(
      expect.arrayContaining([
        "deployment-runner-no-public-ip",
        "eks-nodes-no-public-ip",
        "eks-public-endpoint-restricted",
      ]),
    );
  });
});
