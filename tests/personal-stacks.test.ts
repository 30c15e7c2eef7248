/**
 * SPEC C4, U2: a stack file a user adds, with sizes of its own, passes what `npm test` checks per stack. This test
 * makes two, in a folder of its own (never the project root, where every other test file would pick them up):
 * `dev-alice`, made the documented way (a copy of Pulumi.dev.yaml turned into a tenant of dev's platform), and
 * `review-7…`, a non-production stack with a platform of its own and the longest name the config allows; both
 * with other node, database and cache sizes, retention, budget, subjects and thresholds. It runs the program on each (dev's record answers alice's
 * StackReference) and then the size-dependent checks every stack gets (tests/stack-checks.ts, against what each
 * stack's own config implies), the policy pack and the budget, in this process.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, parseDocument } from "yaml";
import { projectRoot, readStackFile, runStack, type StackConfigFile, type StackRun } from "../offline/run";
import { ofType } from "../offline/record";
import { runPolicies, formatViolations } from "../policy/runner";
import { estimateCost } from "../tools/preview/cost";
import { maxPrefixLength } from "../config/aws-names";
import { expectationsOf, shippedExpectations, type StackExpectations } from "./expectations";
import { stackChecks } from "./stack-checks";
import { newStackFile } from "../tools/stack-new/plan";

/**
 * What `npm run stack:new -- dev-alice` writes (a tenant of dev's platform: its namespaces, dev's account, none of
 * the account-wide singletons, its own environment tag), then other sizes than dev's.
 */
function aliceFile(): string {
  const dev = parse(readFileSync(join(projectRoot, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
  const doc = parseDocument(newStackFile("dev-alice", "dev", dev.config));
  const config = (path: string[], value: unknown) => doc.setIn(["config", ...path], value);
  config(["qualisys:identity", "githubSubjects"], doc.createNode(["ref:refs/heads/alice"]));
  config(["qualisys:logRetentionDays"], 7);
  config(["qualisys:monthlyBudgetUsd"], 150);
  config(["qualisys:database", "instanceClass"], "db.t4g.micro");
  config(["qualisys:database", "allocatedStorageGb"], 20);
  config(["qualisys:database", "maxConnections"], 100);
  config(["qualisys:database", "rolePasswordsRotatedOn"], "2026-12-01");
  config(["qualisys:cache", "nodeType"], "cache.t4g.small");
  config(["qualisys:cache", "shards"], 1);
  config(["qualisys:cache", "replicasPerShard"], 2);
  config(["qualisys:alerting"], doc.createNode({ rdsCpuPercent: 70, redisMemoryPeriods: 4 }));
  return doc.toString();
}

/** A review stack with a platform of its own: three AZs, Spot general nodes, a bigger on-demand Playwright pool. */
function reviewFile(): string {
  const doc = parseDocument(readFileSync(join(projectRoot, "Pulumi.dev.yaml"), "utf8"));
  const config = (path: string[], value: unknown) => doc.setIn(["config", ...path], doc.createNode(value));
  config(["aws:allowedAccountIds"], ["111122223333"]);
  config(["aws:defaultTags", "tags", "environment"], "review");
  config(["qualisys:environment"], "staging");
  doc.deleteIn(["config", "qualisys:accountBudgetUsd"]);
  doc.deleteIn(["config", "qualisys:tenants"]);
  config(["qualisys:logRetentionDays"], 60);
  config(["qualisys:monthlyBudgetUsd"], 2500);
  config(["qualisys:network"], {
    cidr: "10.30.0.0/16",
    azCount: 3,
    availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
    natGateways: "onePerAz",
  });
  config(["qualisys:identity", "githubSubjects"], ["environment:review", "ref:refs/heads/review-7"]);
  config(["qualisys:cluster", "generalNodes"], {
    instanceType: "t3.large",
    capacity: "spot",
    minSize: 1,
    maxSize: 4,
    diskSizeGb: 40,
  });
  config(["qualisys:cluster", "playwrightNodes"], {
    instanceType: "c5.2xlarge",
    minSize: 1,
    maxSize: 3,
    warmPlaceholders: 2,
  });
  config(["qualisys:database", "instanceClass"], "db.t4g.medium");
  config(["qualisys:database", "multiAz"], true);
  config(["qualisys:database", "allocatedStorageGb"], 100);
  config(["qualisys:database", "rolePasswordsRotatedOn"], "2026-11-15");
  config(["qualisys:cache"], { engine: "valkey", engineVersion: "8.0", nodeType: "cache.t4g.small", shards: 3 });
  config(["qualisys:alerting"], { alb5xxPerFiveMinutes: 20, alb5xxPeriods: 3 });
  return doc.toString();
}

/** The review stack carries the longest stack name the config allows, so its record shows every name at its longest. */
const review = "review-7".padEnd(maxPrefixLength - "qualisys-".length, "x");
/**
 * AWS's length limits on the names this program sets, where a stack's name can make them long: IAM role names 64
 * (IAM and STS quotas, IAM User Guide), ElastiCache replication group ids 40 (CreateReplicationGroup), RDS
 * instance identifiers 63 (CreateDBInstance), EKS node group names 63 (@pulumi/aws eks/nodeGroup.d.ts), EKS cluster
 * names 100 (CreateCluster); the ALB's 32 (@pulumi/aws lb/loadBalancer.d.ts) is checked on the ingress annotation.
 */
const nameLimits = [
  { type: "aws:iam/role:Role", field: "name", limit: 64 },
  { type: "aws:elasticache/replicationGroup:ReplicationGroup", field: "replicationGroupId", limit: 40 },
  { type: "aws:rds/instance:Instance", field: "identifier", limit: 63 },
  { type: "eks:index:ManagedNodeGroup", field: "nodeGroupName", limit: 63 },
  { type: "eks:index:Cluster", field: "name", limit: 100 },
];

const personal = { "dev-alice": aliceFile, [review]: reviewFile };
const files: Record<string, StackConfigFile> = {};
const runs: Record<string, StackRun> = {};
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "qualisys-personal-"));
  for (const [stack, make] of Object.entries(personal)) {
    writeFileSync(join(dir, `Pulumi.${stack}.yaml`), make());
    files[stack] = readStackFile(stack, dir);
    runs[stack] = await runStack(stack, { config: files[stack].config });
  }
  // Two fresh program runs: a few seconds on an idle machine, much longer when other suites share its cores.
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(Object.keys(personal))("personal stack %s", (stack) => {
  const expected = () => expectationsOf(stack, files[stack]);

  it("differs from every shipped stack in its sizes, and is hosted or not as intended", () => {
    const sizes = (e: StackExpectations) => [e.logRetentionDays, e.budget, e.database, e.cache, e.pools, e.alerting];
    for (const shipped of Object.values(shippedExpectations)) expect(sizes(expected())).not.toEqual(sizes(shipped));
    expect(expected().host).toBe(stack === "dev-alice" ? "dev" : undefined);
  });

  it("runs the program without errors, on the host's record when it has one", () => {
    expect(runs[stack].error).toBeUndefined();
    expect(runs[stack].host?.stack).toBe(expected().host);
  });

  it.each(Object.keys(stackChecks))("passes %s against what its own config implies", (check) => {
    stackChecks[check as keyof typeof stackChecks](runs[stack], expected());
  });

  it("passes the policy pack with zero mandatory violations", async () => {
    const result = await runPolicies(runs[stack].resources);
    expect(formatViolations(result.mandatory)).toBe("");
    expect(result.passed).toBe(true);
  });

  it("gives every physical name with an AWS length limit a name within it", () => {
    const run = runs[stack];
    const names = nameLimits.flatMap(({ type, field, limit }) =>
      ofType(run, type).map((r) => ({ name: String(r.inputs[field]), limit })),
    );
    const alb = (run.outputs.ingressAnnotations as Record<string, string> | undefined)?.[
      "alb.ingress.kubernetes.io/load-balancer-name"
    ];
    if (alb !== undefined) names.push({ name: alb, limit: 32 });
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((n) => n.name.length > n.limit)).toEqual([]);
  });

  it("is estimated within its own monthlyBudgetUsd", () => {
    const estimate = estimateCost(runs[stack].resources, expected().budget.monthlyUsd);
    expect(estimate.total).toBeGreaterThan(0);
    expect(estimate.overBudget).toBe(false);
  });
});

it("fails the size checks when a personal stack is held to another stack's expectations (so they can fail)", () => {
  const wrong = shippedExpectations.prod;
  const failing = Object.entries(stackChecks)
    .filter(([, check]) => {
      try {
        check(runs[review], wrong);
        return false;
      } catch {
        return true;
      }
    })
    .map(([name]) => name);
  expect(failing.sort()).toEqual(Object.keys(stackChecks).sort());
});
