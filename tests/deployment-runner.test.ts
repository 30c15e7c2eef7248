/**
 * The deployment runner from the record of every stack with its own platform (SPEC P3): pool, host, role, settings,
 * token. A stack on another's platform deploys on the host's runner: tests/hosted.test.ts.
 */
import { jsonInput, named, ofType } from "../offline/record";
import { platformStacks, readStackFile, runStack, SECRET, type StackRun } from "../offline/run";
import { runPolicies } from "../policy/runner";

const runs: Record<string, StackRun> = {};
beforeAll(async () => {
  for (const stack of platformStacks) runs[stack] = await runStack(stack);
});

describe.each(platformStacks)("stack %s", (stack) => {
  const prefix = `qualisys-${stack}`;
  const get = (type: string, name: string) => named(runs[stack], type, name);

  it("creates one agent pool in the stack's Pulumi organisation, its token a secret in the record and outputs", () => {
    const pools = ofType(runs[stack], "pulumiservice:index:AgentPool");
    expect(pools).toHaveLength(1);
    expect(pools[0].inputs).toMatchObject({ organizationName: "qualisys", name: `${prefix}-runner` });
    expect(pools[0].outputs.tokenValue).toBe(SECRET);
    expect(pools[0].secretOutputs).toContain("tokenValue");
    const version = get("aws:secretsmanager/secretVersion:SecretVersion", `${prefix}-runner-token`);
    expect(version.inputs.secretString).toBe(SECRET);
    expect(version.secretInputs).toContain("secretString");
    const secret = get("aws:secretsmanager/secret:Secret", `${prefix}-runner-token`);
    expect(secret.inputs.kmsKeyId).toMatch(/^arn:aws:kms:/);
    expect(runs[stack].secretOutputs).toContain("deploymentRunner.agentPoolToken");
    expect((runs[stack].outputs.deploymentRunner as Record<string, unknown>).agentPoolToken).toBe(SECRET);
    // Nowhere in the record is the token in plain text.
    expect(JSON.stringify(runs[stack])).not.toMatch(/pul-[0-9a-f]{40}/);
  });

  it("names the pool in the stack's Deployments settings", () => {
    const [pool] = ofType(runs[stack], "pulumiservice:index:AgentPool");
    const settings = ofType(runs[stack], "pulumiservice:index:DeploymentSettings");
    expect(settings).toHaveLength(1);
    expect(settings[0].inputs).toMatchObject({ organization: "qualisys", project: "qualisys", stack });
    expect(settings[0].inputs.agentPoolId).toBe(pool.outputs.agentPoolId);
    expect(settings[0].inputs.agentPoolId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it("runs the runner in the private subnets only: no public IP, egress 443 and DNS only, no ingress", () => {
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
    expect(userData).toContain("/releases/download/v1.4.1/customer-managed-deployment-agent-v1.4.1-linux-x64.tar.gz");
    expect(userData).not.toMatch(/pul-[0-9a-f]{40}/);

    const group = get("aws:ec2/securityGroup:SecurityGroup", `${prefix}-runner-sg`);
    expect(group.inputs.ingress ?? []).toEqual([]);
    const egress = (group.inputs.egress as { protocol: string; fromPort: number; toPort: number }[]).map(
      (e) => `${e.protocol}/${e.fromPort}-${e.toPort}`,
    );
    expect(egress.sort()).toEqual(["tcp/443-443", "tcp/53-53", "udp/53-53"]);
    const groupIngress = ofType(runs[stack], "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
      (r) => r.inputs.referencedSecurityGroupId === group.id || r.inputs.securityGroupId === group.id,
    );
    // The only rule naming the runner's group admits it to the cluster API on 443; nothing reaches the runner.
    expect(groupIngress.map((r) => [r.name, r.inputs.fromPort, r.inputs.securityGroupId === group.id])).toEqual([
      [`${prefix}-api-from-runner`, 443, false],
    ]);
  });

  it("gives the runner a role EC2 alone can assume, which may assume the deploy role and read its token, nothing else", () => {
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
    const secretArn = get("aws:secretsmanager/secret:Secret", `${prefix}-runner-token`).outputs.arn;
    const deployArn = get("aws:iam/role:Role", `${prefix}-deploy`).outputs.arn;
    expect(statements.map((s) => [s.Action, s.Resource])).toEqual([
      ["sts:AssumeRole", deployArn],
      ["secretsmanager:GetSecretValue", secretArn],
      ["kms:Decrypt", expect.stringMatching(/^arn:aws:kms:/)],
    ]);
    const profile = get("aws:iam/instanceProfile:InstanceProfile", `${prefix}-runner-profile`);
    expect(profile.inputs.role).toBe(role.inputs.name);

    // The deploy role trusts Pulumi OIDC of this stack and the runner's role, by ARN.
    const trust = jsonInput(get("aws:iam/role:Role", `${prefix}-deploy`), "assumeRolePolicy").Statement;
    expect(trust.map((s: { Sid: string }) => s.Sid)).toEqual(["PulumiDeploymentsOidc", "DeploymentRunner"]);
    expect(trust[1]).toEqual({
      Sid: "DeploymentRunner",
      Effect: "Allow",
      Principal: { AWS: role.outputs.arn },
      Action: "sts:AssumeRole",
    });
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
