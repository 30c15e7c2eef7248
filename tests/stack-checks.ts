/**
 * The checks that depend on a stack's sizes, as functions of its record and its expectations (./expectations), so
 * the per-stack tests and tests/personal-stacks.test.ts run the same assertions: the first over every stack file
 * of the project, the second over personal stacks of other sizes that it makes itself.
 */
import { byId, jsonInput, named, ofType, type StackRun } from "../offline/record";
import type { StackExpectations } from "./expectations";

const one = (run: StackRun, type: string) => {
  const found = ofType(run, type);
  expect([type, found.length]).toEqual([type, 1]);
  return found[0];
};

/** The VPC: its address space, its AZs, its NAT strategy and one subnet per AZ in each tier; none when hosted. */
export function checkNetwork(run: StackRun, e: StackExpectations): void {
  const vpcs = ofType(run, "awsx:ec2:Vpc");
  if (!e.network) {
    expect(vpcs).toEqual([]);
    return;
  }
  const [vpc] = vpcs;
  expect(vpc.inputs.cidrBlock).toBe(e.network.cidr);
  if (e.network.availabilityZones) expect(vpc.inputs.availabilityZoneNames).toEqual(e.network.availabilityZones);
  else expect(vpc.inputs.numberOfAvailabilityZones).toBe(e.network.azCount);
  expect((vpc.inputs.natGateways as { strategy: string }).strategy).toBe(e.network.natGateways);
  const specs = vpc.inputs.subnetSpecs as { type: string; cidrBlocks: string[] }[];
  expect(specs.map((s) => [s.type, s.cidrBlocks.length])).toEqual(
    ["Public", "Private", "Isolated"].map((tier) => [tier, e.network!.azCount]),
  );
}

/** Both node pools (types, capacity, scaling bounds, root volume) and the warm placeholders; none when hosted. */
export function checkPools(run: StackRun, e: StackExpectations): void {
  const groups = ofType(run, "eks:index:ManagedNodeGroup");
  if (!e.pools) {
    expect(groups).toEqual([]);
    return;
  }
  for (const [name, pool] of Object.entries(e.pools)) {
    const group = groups.find((g) => (g.inputs.labels as Record<string, string> | undefined)?.pool === name);
    expect([name, group !== undefined]).toEqual([name, true]);
    expect({
      name,
      instanceTypes: group!.inputs.instanceTypes,
      capacityType: group!.inputs.capacityType,
      minSize: (group!.inputs.scalingConfig as { minSize: number }).minSize,
      maxSize: (group!.inputs.scalingConfig as { maxSize: number }).maxSize,
    }).toEqual({
      name,
      instanceTypes: pool.instanceTypes,
      capacityType: pool.capacityType,
      minSize: pool.minSize,
      maxSize: pool.maxSize,
    });
    const template = byId(run, (group!.inputs.launchTemplate as { id: string }).id)!;
    const [root] = template.inputs.blockDeviceMappings as { ebs: { volumeSize: number } }[];
    expect([name, root.ebs.volumeSize]).toEqual([name, pool.diskSizeGb]);
  }
  const placeholders = ofType(run, "kubernetes:apps/v1:Deployment").filter(
    (d) => (d.inputs.metadata as { namespace?: string }).namespace === "playwright-pool",
  );
  expect(placeholders.map((d) => (d.inputs.spec as { replicas: number }).replicas)).toEqual([
    e.pools.playwright.warmPlaceholders,
  ]);
}

/** Every log group the stack declares keeps its logs the stack's retention. */
export function checkLogRetention(run: StackRun, e: StackExpectations): void {
  const groups = ofType(run, "aws:cloudwatch/logGroup:LogGroup");
  expect(groups.length).toBeGreaterThan(0);
  for (const group of groups)
    expect([group.name, group.inputs.retentionInDays]).toEqual([group.name, e.logRetentionDays]);
}

/** `protect` on every key, database, cache and repository, and on the cluster when it has one (or hosts tenants). */
export function checkProtection(run: StackRun, e: StackExpectations): void {
  const stateful = [
    "aws:kms/key:Key",
    "aws:rds/instance:Instance",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:ecr/repository:Repository",
  ].flatMap((type) => ofType(run, type));
  expect(stateful.length).toBeGreaterThan(0);
  for (const r of stateful) expect([r.name, r.options.protect]).toEqual([r.name, e.protect]);
  for (const r of ofType(run, "eks:index:Cluster"))
    expect([r.name, r.options.protect]).toEqual([r.name, e.protectPlatform]);
}

/** The RDS instance's class, major, Multi-AZ and storage, and its parameter group's family and connections. */
export function checkDatabase(run: StackRun, e: StackExpectations): void {
  const db = one(run, "aws:rds/instance:Instance");
  expect(db.inputs).toMatchObject({
    engineVersion: String(e.database.engineMajor),
    instanceClass: e.database.instanceClass,
    multiAz: e.database.multiAz,
    allocatedStorage: e.database.allocatedStorageGb,
  });
  const params = one(run, "aws:rds/parameterGroup:ParameterGroup");
  expect(params.inputs.family).toBe(`postgres${e.database.engineMajor}`);
  const maxConnections = (params.inputs.parameters as { name: string; value: string }[]).find(
    (p) => p.name === "max_connections",
  );
  expect(maxConnections?.value).toBe(String(e.database.maxConnections));
}

/** The replication group's engine, version, node type and shape, and its parameter group's family. */
export function checkCache(run: StackRun, e: StackExpectations): void {
  const redis = one(run, "aws:elasticache/replicationGroup:ReplicationGroup");
  expect(redis.inputs).toMatchObject({
    engine: e.cache.engine,
    engineVersion: e.cache.engineVersion,
    nodeType: e.cache.nodeType,
    numNodeGroups: e.cache.shards,
    replicasPerNodeGroup: e.cache.replicasPerShard,
  });
  // ElastiCache names families by engine and major version: redis7, valkey8.
  const family = `${e.cache.engine}${e.cache.engineVersion.split(".")[0]}`;
  expect(one(run, "aws:elasticache/parameterGroup:ParameterGroup").inputs.family).toBe(family);
}

/** The app_user and monitor passwords are generated from the stack's rotation date. */
export function checkRolePasswords(run: StackRun, e: StackExpectations): void {
  const passwords = ofType(run, "random:index/randomPassword:RandomPassword").filter((p) =>
    /(app-user|monitor)-password$/.test(p.name),
  );
  expect(passwords.map((p) => p.inputs.keepers)).toEqual([
    { rotatedOn: e.database.rolePasswordsRotatedOn },
    { rotatedOn: e.database.rolePasswordsRotatedOn },
  ]);
}

/** The AWS Budget: the stack's amount (the account's, or its own tag's costs). */
export function checkBudget(run: StackRun, e: StackExpectations): void {
  const budget = one(run, "aws:budgets/budget:Budget");
  expect(budget.inputs.limitAmount).toBe(e.budget.awsBudgetUsd.toFixed(2));
  expect(budget.inputs.costFilters).toEqual(
    e.budget.costTag === undefined
      ? undefined
      : [{ name: "TagKeyValue", values: [`user:environment$${e.budget.costTag}`] }],
  );
}

/** The alarms: RDS CPU and ALB 5xx at the stack's thresholds, Redis memory on every node of its shape. */
export function checkAlarms(run: StackRun, e: StackExpectations): void {
  const alarms = ofType(run, "aws:cloudwatch/metricAlarm:MetricAlarm");
  const prefix = `qualisys-${run.stack}`;
  expect(named(run, "aws:cloudwatch/metricAlarm:MetricAlarm", `${prefix}-rds-cpu`).inputs).toMatchObject({
    threshold: e.alerting.rdsCpuPercent,
    evaluationPeriods: e.alerting.rdsCpuPeriods,
  });
  const redis = alarms.filter((a) => a.inputs.metricName === "DatabaseMemoryUsagePercentage");
  // ElastiCache names a cluster-mode node <group>-<shard, 4 digits>-<node, 3 digits>.
  const nodes = Array.from({ length: e.cache.shards }, (_, s) =>
    Array.from(
      { length: 1 + e.cache.replicasPerShard },
      (_, n) => `${prefix}-redis-${String(s + 1).padStart(4, "0")}-${String(n + 1).padStart(3, "0")}`,
    ),
  ).flat();
  expect(redis.map((a) => (a.inputs.dimensions as Record<string, string>).CacheClusterId).sort()).toEqual(nodes);
  for (const a of redis)
    expect(a.inputs).toMatchObject({
      threshold: e.alerting.redisMemoryPercent,
      evaluationPeriods: e.alerting.redisMemoryPeriods,
    });
  const alb = alarms.filter((a) => a.name === `${prefix}-alb-5xx`);
  // A stack on another's platform has no ALB: its ingresses join the host's, which the host alarms on.
  expect(alb.map((a) => [a.inputs.threshold, a.inputs.evaluationPeriods])).toEqual(
    e.host === undefined ? [[e.alerting.alb5xxPerFiveMinutes, e.alerting.alb5xxPeriods]] : [],
  );
}

/** The cicd role accepts exactly the stack's GitHub subjects of its repository. */
export function checkCicdSubjects(run: StackRun, e: StackExpectations, repository = "qualisys/platform"): void {
  const role = named(run, "aws:iam/role:Role", `qualisys-${run.stack}-cicd`);
  const subjects = jsonInput(role, "assumeRolePolicy").Statement[0].Condition.StringEquals[
    "token.actions.githubusercontent.com:sub"
  ];
  expect(subjects).toEqual(e.cicdSubjects.map((s) => `repo:${repository}:${s}`));
}

/** Every check above, by name: what tests/personal-stacks.test.ts runs on each stack it makes. */
export const stackChecks = {
  checkNetwork,
  checkPools,
  checkLogRetention,
  checkProtection,
  checkDatabase,
  checkCache,
  checkRolePasswords,
  checkBudget,
  checkAlarms,
  checkCicdSubjects,
};
