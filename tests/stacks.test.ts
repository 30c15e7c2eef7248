/** The whole program, per stack, under the mock runtime with the real stack files. */
import { hostOf, platformStacks, runStack, shippedStacks, stacks, type StackRun } from "../offline/run";
import { jsonInput, named, ofType } from "../offline/record";
import { expectationsOf } from "./expectations";
import { checkLogRetention, checkNetwork, checkProtection } from "./stack-checks";

const runs: Record<string, StackRun> = {};
beforeAll(async () => {
  for (const stack of stacks) runs[stack] = await runStack(stack);
});

describe.each(stacks)("stack %s", (stack) => {
  it("runs without errors and declares resources only inside components", () => {
    const run = runs[stack];
    expect(run.error).toBeUndefined();
    expect(run.resources.length).toBeGreaterThan(40);
    const root = `urn:pulumi:${stack}::qualisys::pulumi:pulumi:Stack::qualisys-${stack}`;
    const atRoot = run.resources.filter((r) => r.parent === root);
    // Besides components, only reads (a StackReference to the host, for a stack on another's platform).
    expect(atRoot.filter((r) => !r.type.startsWith("qualisys:") && !r.read).map((r) => r.type)).toEqual([]);
  });

  it("keeps every log group the stack's retention, and protects its stateful resources exactly when it should", () => {
    checkLogRetention(runs[stack], expectationsOf(stack));
    checkProtection(runs[stack], expectationsOf(stack));
  });

  it("creates a rotating customer-managed key per data domain (EKS secrets only with a cluster of its own)", () => {
    const keys = ofType(runs[stack], "aws:kms/key:Key");
    const domains = ["ecr", "eks", "elasticache", "logs", "rds", "secrets", "sns"];
    expect(keys.map((k) => k.name.replace(`qualisys-${stack}-`, "")).sort()).toEqual(
      hostOf(stack) === undefined ? domains : domains.filter((d) => d !== "eks"),
    );
    for (const key of keys) {
      expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
      const principals = jsonInput(key, "policy").Statement.map((s: { Principal: unknown }) => s.Principal);
      expect(JSON.stringify(principals)).not.toMatch(/"\*"/);
    }
  });
});

// A stack on another's platform has no network of its own (tests/hosted.test.ts).
describe.each(platformStacks)("the network of stack %s", (stack) => {
  it("lays out three subnet tiers, one subnet per AZ, over the stack's CIDR and AZs, with a non-legacy strategy", () => {
    const vpc = ofType(runs[stack], "awsx:ec2:Vpc")[0];
    expect(vpc.remote).toBe(true);
    expect(vpc.inputs.subnetStrategy).toBe("Auto");
    checkNetwork(runs[stack], expectationsOf(stack));
  });

  it("sends VPC flow logs to a KMS-encrypted log group with the stack's retention", () => {
    const run = runs[stack];
    const group = named(run, "aws:cloudwatch/logGroup:LogGroup", `qualisys-${stack}-flow-logs`);
    expect(group.inputs.kmsKeyId).toEqual(named(run, "aws:kms/key:Key", `qualisys-${stack}-logs`).outputs.arn);
    expect(group.inputs.retentionInDays).toBe(expectationsOf(stack).logRetentionDays);
    const flowLog = ofType(run, "aws:ec2/flowLog:FlowLog")[0];
    expect(flowLog.inputs).toMatchObject({ logDestinationType: "cloud-watch-logs", trafficType: "ALL" });
    expect(flowLog.inputs.logDestination).toEqual(group.outputs.arn);
  });
});

// Determinism is the program's, not a stack's: one stack (prod, the largest) is enough to run twice.
it("is deterministic: a second run, in another process, records the same thing", async () => {
  // runs.prod comes from jest's global setup; this run is afresh, in another process (offline/record-service).
  const again = await runStack("prod", { cached: false });
  expect(JSON.stringify(again)).toEqual(JSON.stringify(runs.prod));
});

// NAT gateways, retention, protection and address space per stack: tests/expectations.test.ts (the SPEC's rules over
// the shipped table) and the per-stack checks above (each record against the table).
describe("differences between stacks", () => {
  it("gives prod a platform of its own and runs staging on dev's (docs/shared-platform.md)", () => {
    expect(shippedStacks.map((s) => hostOf(s))).toEqual([undefined, "dev", undefined]);
    expect(ofType(runs.staging, "awsx:ec2:Vpc")).toEqual([]);
    expect(ofType(runs.staging, "eks:index:Cluster")).toEqual([]);
  });

  it("lets developers pull images outside prod only, and push nowhere (only CI pushes)", () => {
    const policy = (stack: string) =>
      JSON.stringify(
        jsonInput(named(runs[stack], "aws:iam/rolePolicy:RolePolicy", `qualisys-${stack}-developer-scoped`), "policy"),
      );
    expect(shippedStacks.map((stack) => policy(stack).includes("ecr:BatchGetImage"))).toEqual([true, true, false]);
    expect(shippedStacks.map((stack) => policy(stack).includes("ecr:PutImage"))).toEqual([false, false, false]);
  });
});
