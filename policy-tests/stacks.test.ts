/**
 * The pack over the real program (SPEC X3): every stack's harness record passes with zero mandatory violations
 * (advisory ones are printed), and the same record with one bad resource injected fails, so the self-check can fail.
 */
import * as aws from "@pulumi/aws";
import { platformStacks, runStack, stacks, type StackRun } from "../offline/run";
import { broken, good } from "./fixtures";
import { formatViolations, runPolicies } from "../policy/runner";

const runs: Record<string, StackRun> = {};

beforeAll(async () => {
  for (const stack of stacks) runs[stack] = await runStack(stack);
});

describe.each(stacks)("the %s stack", (stack) => {
  it("passes the pack with zero mandatory violations", async () => {
    const run = runs[stack];
    expect(run.error).toBeUndefined();
    expect(run.resources.length).toBeGreaterThan(20);
    const result = await runPolicies(run.resources);
    if (result.advisory.length)
      console.log(`${stack}: ${result.advisory.length} advisory\n${formatViolations(result.advisory)}`);
    expect(formatViolations(result.mandatory)).toBe("");
    expect(result.passed).toBe(true);
    // Nothing was skipped for unknowns: every policy could see what it checks.
    expect(result.violations.filter((v) => /can't run/.test(v.message))).toEqual([]);
  });
});

it("fails a stack record with an unencrypted RDS instance injected", async () => {
  const bad = {
    ...broken(good.rdsInstance(), { storageEncrypted: false, kmsKeyId: undefined }),
    urn: "urn:pulumi:prod::qualisys::aws:rds/instance:Instance::injected",
  };
  const result = await runPolicies([...runs.prod.resources, bad]);
  expect(result.passed).toBe(false);
  expect(new Set(result.mandatory.map((v) => `${v.policyName} ${v.urn}`))).toEqual(
    new Set([`rds-storage-encrypted ${bad.urn}`]),
  );
});

it("fails a program that declares an open security group and a wildcard policy (through runStack's program option)", async () => {
  const run = await runStack("dev", {
    program: async () => {
      const sg = new aws.ec2.SecurityGroup("ssh", { name: "qualisys-dev-ssh", description: "ssh" });
      new aws.vpc.SecurityGroupIngressRule("ssh-world", {
        securityGroupId: sg.id,
        cidrIpv4: "0.0.0.0/0",
        ipProtocol: "tcp",
        fromPort: 22,
        toPort: 22,
      });
      new aws.iam.Policy("admin", {
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }),
      });
    },
  });
  expect(run.error).toBeUndefined();
  const result = await runPolicies(run.resources);
  expect(result.mandatory.map((v) => v.policyName).sort()).toEqual([
    "iam-no-star-resource-on-write",
    "iam-no-unscoped-passrole",
    "iam-no-wildcard-actions",
    "sg-no-world-ingress",
  ]);
});

// The EKS creator's implicit cluster admin stays by design (docs/access.md: the setting is ForceNew, so
// turning it off would replace existing clusters); the pack must keep reporting it, as an advisory, on every stack
// that creates a cluster.
it.each(platformStacks)("the %s stack's implicit cluster admin is reported as advisory", async (stack) => {
  const result = await runPolicies(runs[stack].resources);
  const reported = result.violations.filter((v) => v.policyName === "eks-no-implicit-cluster-admin");
  expect(reported.map((v) => [v.resourceType, v.enforcementLevel])).toEqual([["eks:index:Cluster", "advisory"]]);
});

describe("prod rules come from the pack, not from the program's config", () => {
  // What \`qualisys:environment: dev\` in Pulumi.prod.yaml would have produced (config now refuses it): the dev
  // stack's choices under the prod stack's name. The pack still holds it to production rules.
  it("the dev stack's record, renamed prod, fails the prod-only rules on every stateful resource and the CI trust", async () => {
    const asProd = runs.dev.resources.map((r) => ({
      ...r,
      urn: r.urn.replace(/^urn:pulumi:dev::/, "urn:pulumi:prod::"),
      parent: r.parent?.replace(/^urn:pulumi:dev::/, "urn:pulumi:prod::") ?? null,
    }));
    const result = await runPolicies(asProd);
    const failed = (policy: string) =>
      result.mandatory.filter((v) => v.policyName === policy).map((v) => v.resourceType);
    expect(new Set(failed("prod-stateful-protected"))).toEqual(
      new Set([
        "aws:rds/instance:Instance",
        "aws:elasticache/replicationGroup:ReplicationGroup",
        "aws:kms/key:Key",
        "aws:ecr/repository:Repository",
        "aws:secretsmanager/secret:Secret",
        // dev's cluster is protected while it hosts tenants (qualisys:tenants); in prod it must be anyway.
      ]),
    );
    expect(runs.dev.resources.find((r) => r.type === "eks:index:Cluster")?.options.protect).toBe(true);
    expect(failed("prod-nat-per-az")).toEqual(["awsx:ec2:Vpc"]);
    expect(failed("prod-ci-through-environment")).toEqual(["aws:iam/role:Role"]);
  });

  it("a stack tag marks a stack as production whatever its name", async () => {
    const result = await runPolicies(runs.dev.resources, { stackTags: new Map([["environment", "production"]]) });
    expect(result.mandatory.some((v) => v.policyName === "prod-stateful-protected")).toBe(true);
    expect((await runPolicies(runs.dev.resources)).passed).toBe(true);
  });
});

describe("a planted mistake in a real role policy of the prod record fails the pack", () => {
  const plant = (statement: Record<string, unknown>) => {
    const cicd = runs.prod.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && /cicd/.test(r.name))!;
    const doc = JSON.parse(String(cicd.inputs.policy));
    doc.Statement.push(statement);
    const planted = { ...cicd, inputs: { ...cicd.inputs, policy: JSON.stringify(doc) } };
    return { planted, records: runs.prod.resources.map((r) => (r === cicd ? planted : r)) };
  };

  it("an unknown action: iam-actions-exist names the document and the action", async () => {
    const { planted, records } = plant({ Effect: "Allow", Action: "ecr:PushImages", Resource: "*" });
    const result = await runPolicies(records);
    expect(result.mandatory.map((v) => [v.policyName, v.urn])).toEqual([["iam-actions-exist", planted.urn]]);
    expect(result.mandatory[0].message).toMatch(
      new RegExp(`^${planted.name} policy statement #\\d+ names ecr:PushImages, which is not an action`),
    );
  });

  it('Action "*": the wildcard, write-on-every-resource and PassRole policies fail', async () => {
    const { planted, records } = plant({ Effect: "Allow", Action: "*", Resource: "*" });
    const result = await runPolicies(records);
    expect(result.mandatory.map((v) => [v.policyName, v.urn]).sort()).toEqual([
      ["iam-no-star-resource-on-write", planted.urn],
      ["iam-no-unscoped-passrole", planted.urn],
      ["iam-no-wildcard-actions", planted.urn],
    ]);
  });
});
