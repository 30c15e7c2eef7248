/**
 * What each stack should create, in one place: a table written by hand for the three shipped stacks, and for any
 * other stack file (a personal or review stack) the same facts derived from that stack's own parsed config. Tests
 * read sizes, classes, counts and budgets from here, never from literals of their own, so a stack file with other
 * sizes passes every test, while a change to a shipped stack file (or to what the program makes of it) fails
 * against the table. tests/expectations.test.ts proves the derivation gives the table for the shipped files.
 */
import { nodeInstances } from "../core/instances";
import { parseStackConfig, type StackConfig } from "../config/schema";
import { engineConfig, readStackFile, shippedStacks, type StackConfigFile } from "../offline/run";

export interface PoolExpectations {
  /** What the node group launches, the configured type first. */
  instanceTypes: string[];
  capacityType: "ON_DEMAND" | "SPOT";
  minSize: number;
  maxSize: number;
  diskSizeGb: number;
}

export interface StackExpectations {
  /** The stack whose platform this one runs on; undefined for a stack with its own. */
  host: string | undefined;
  region: string;
  environment: "dev" | "staging" | "prod";
  /** The application namespaces this stack owns (on its own cluster, or on the host's). */
  namespaces: string[];
  /** Its own network; undefined on a host's platform. */
  network:
    | {
        cidr: string;
        azCount: number;
        /** Pinned AZ names; undefined when the first `azCount` zones AWS lists are taken. */
        availabilityZones: string[] | undefined;
        /** The awsx NAT gateway strategy. */
        natGateways: "Single" | "OnePerAz";
      }
    | undefined;
  /** Its own node pools; undefined on a host's platform. */
  pools: { general: PoolExpectations; playwright: PoolExpectations & { warmPlaceholders: number } } | undefined;
  logRetentionDays: number;
  /** `protect` on keys, databases, caches and repositories. */
  protect: boolean;
  /** `protect` on the network and cluster: a stack's own protection, or hosting tenants (they run on them). */
  protectPlatform: boolean;
  /** The preview's limit, and the AWS Budget's amount and filter. */
  budget: { monthlyUsd: number; awsBudgetUsd: number; costTag: string | undefined };
  database: {
    engineMajor: number;
    instanceClass: string;
    multiAz: boolean;
    allocatedStorageGb: number;
    maxConnections: number;
    rolePasswordsRotatedOn: string;
  };
  cache: { engine: string; engineVersion: string; nodeType: string; shards: number; replicasPerShard: number };
  alerting: {
    rdsCpuPercent: number;
    rdsCpuPeriods: number;
    redisMemoryPercent: number;
    redisMemoryPeriods: number;
    alb5xxPerFiveMinutes: number;
    alb5xxPeriods: number;
  };
  /** The GitHub OIDC subjects (after `repo:<repository>:`) the cicd role accepts. */
  cicdSubjects: string[];
}

/** The alarm thresholds every shipped stack keeps (config/observability.ts's defaults; SPEC O3). */
const shippedAlerting = {
  rdsCpuPercent: 80,
  rdsCpuPeriods: 3,
  redisMemoryPercent: 80,
  redisMemoryPeriods: 2,
  alb5xxPerFiveMinutes: 50,
  alb5xxPeriods: 2,
};

/**
 * What a Spot c5.xlarge pool launches: c5.xlarge, then every listed type of its shape (4 vCPU, 8 GiB), architecture
 * (x86) and category (c) no dearer on demand ($0.17/h), by name (core/instance-types.json: c7i.xlarge at $0.1785/h
 * is dearer, c6g.xlarge is arm64).
 */
const c5xlargeShape = ["c5.xlarge", "c5a.xlarge", "c6a.xlarge", "c6i.xlarge", "c7i-flex.xlarge"];

/** The shipped stacks, by hand (their stack files, read as a reviewer would). */
export const shippedExpectations: Record<(typeof shippedStacks)[number], StackExpectations> = {
  dev: {
    host: undefined,
    region: "us-east-1",
    environment: "dev",
    namespaces: ["dev"],
    network: {
      cidr: "10.10.0.0/16",
      azCount: 2,
      availabilityZones: ["us-east-1a", "us-east-1b"],
      natGateways: "Single",
    },
    pools: {
      general: { instanceTypes: ["t3.medium"], capacityType: "ON_DEMAND", minSize: 2, maxSize: 10, diskSizeGb: 20 },
      playwright: {
        instanceTypes: c5xlargeShape,
        capacityType: "SPOT",
        minSize: 0,
        maxSize: 5,
        diskSizeGb: 50,
        warmPlaceholders: 1,
      },
    },
    logRetentionDays: 14,
    protect: false,
    protectPlatform: true,
    budget: { monthlyUsd: 405, awsBudgetUsd: 500, costTag: undefined },
    database: {
      engineMajor: 17,
      instanceClass: "db.t4g.small",
      multiAz: false,
      allocatedStorageGb: 50,
      maxConnections: 200,
      rolePasswordsRotatedOn: "2026-11-01",
    },
    cache: { engine: "redis", engineVersion: "7.1", nodeType: "cache.t4g.micro", shards: 2, replicasPerShard: 1 },
    alerting: shippedAlerting,
    cicdSubjects: ["environment:dev", "ref:refs/heads/main"],
  },
  staging: {
    host: "dev",
    region: "us-east-1",
    environment: "staging",
    namespaces: ["staging"],
    network: undefined,
    pools: undefined,
    logRetentionDays: 30,
    protect: false,
    protectPlatform: false,
    budget: { monthlyUsd: 95, awsBudgetUsd: 95, costTag: "staging" },
    database: {
      engineMajor: 17,
      instanceClass: "db.t4g.small",
      multiAz: false,
      allocatedStorageGb: 20,
      maxConnections: 200,
      rolePasswordsRotatedOn: "2026-11-01",
    },
    cache: { engine: "redis", engineVersion: "7.1", nodeType: "cache.t4g.micro", shards: 2, replicasPerShard: 1 },
    alerting: shippedAlerting,
    cicdSubjects: ["environment:staging", "ref:refs/heads/main"],
  },
  prod: {
    host: undefined,
    region: "us-east-1",
    environment: "prod",
    namespaces: ["production"],
    network: {
      cidr: "10.0.0.0/16",
      azCount: 2,
      availabilityZones: ["us-east-1a", "us-east-1b"],
      natGateways: "OnePerAz",
    },
    pools: {
      general: { instanceTypes: ["t3.medium"], capacityType: "ON_DEMAND", minSize: 2, maxSize: 10, diskSizeGb: 50 },
      playwright: {
        instanceTypes: ["c5.xlarge"],
        capacityType: "ON_DEMAND",
        minSize: 5,
        maxSize: 20,
        diskSizeGb: 50,
        warmPlaceholders: 5,
      },
    },
    logRetentionDays: 90,
    protect: true,
    protectPlatform: true,
    budget: { monthlyUsd: 6000, awsBudgetUsd: 6000, costTag: undefined },
    database: {
      engineMajor: 17,
      instanceClass: "db.r5.large",
      multiAz: true,
      allocatedStorageGb: 50,
      maxConnections: 200,
      rolePasswordsRotatedOn: "2026-11-01",
    },
    cache: { engine: "redis", engineVersion: "7.1", nodeType: "cache.r5.large", shards: 2, replicasPerShard: 1 },
    alerting: shippedAlerting,
    cicdSubjects: ["environment:production"],
  },
};

/**
 * What a Spot pool of `type` may launch, read straight off the catalogue table (written here rather than calling
 * the program's `sameShapeTypes`, so the test does not take the code under test's word for it).
 */
function sameShape(type: string): string[] {
  const node = nodeInstances[type];
  const twins = Object.entries(nodeInstances)
    .filter(
      ([t, n]) =>
        t !== type &&
        n.vcpu === node.vcpu &&
        n.memoryGiB === node.memoryGiB &&
        n.arch === node.arch &&
        n.category === node.category &&
        n.hourlyUsd <= node.hourlyUsd,
    )
    .map(([t]) => t)
    .sort();
  return [type, ...twins];
}

type PoolConfig = {
  instanceType: string;
  capacity: "onDemand" | "spot";
  minSize: number;
  maxSize: number;
  diskSizeGb: number;
};
const poolOf = (pool: PoolConfig): PoolExpectations => ({
  instanceTypes: pool.capacity === "spot" ? sameShape(pool.instanceType) : [pool.instanceType],
  capacityType: pool.capacity === "spot" ? "SPOT" : "ON_DEMAND",
  minSize: pool.minSize,
  maxSize: pool.maxSize,
  diskSizeGb: pool.diskSizeGb,
});

/** The expectations a stack's own parsed config implies (any stack file). */
export function derivedExpectations(config: StackConfig): StackExpectations {
  const cluster = config.cluster;
  return {
    host: config.platform?.stack,
    region: config.region,
    environment: config.environment,
    namespaces: config.platform ? [config.platform.namespaces.app] : [...config.cluster.namespaces],
    network: config.network && {
      cidr: config.network.cidr,
      azCount: config.network.azCount,
      availabilityZones: config.network.availabilityZones,
      natGateways: config.network.natGateways === "single" ? "Single" : "OnePerAz",
    },
    pools: cluster && {
      general: poolOf(cluster.generalNodes),
      playwright: { ...poolOf(cluster.playwrightNodes), warmPlaceholders: cluster.playwrightNodes.warmPlaceholders },
    },
    logRetentionDays: config.logRetentionDays,
    protect: config.protect,
    protectPlatform: config.protect || (!config.platform && config.tenants.length > 0),
    budget: {
      monthlyUsd: config.monthlyBudgetUsd,
      awsBudgetUsd: config.budget.limitUsd,
      costTag: config.budget.costTag?.value,
    },
    database: {
      engineMajor: config.database.engineMajor,
      instanceClass: config.database.instanceClass,
      multiAz: config.database.multiAz,
      allocatedStorageGb: config.database.allocatedStorageGb,
      maxConnections: config.database.maxConnections,
      rolePasswordsRotatedOn: config.database.rolePasswordsRotatedOn,
    },
    cache: {
      engine: config.cache.engine,
      engineVersion: config.cache.engineVersion,
      nodeType: config.cache.nodeType,
      shards: config.cache.shards,
      replicasPerShard: config.cache.replicasPerShard,
    },
    alerting: { ...config.alerting },
    cicdSubjects: [...config.identity.githubSubjects],
  };
}

/** A stack file's config as the program sees it (validated, defaults applied). */
export function parsedConfig(stack: string, file: StackConfigFile = readStackFile(stack)): StackConfig {
  const { values, secretKeys } = engineConfig(file.config);
  return parseStackConfig({ project: "qualisys", stack, values, secretKeys });
}

/** The table's entry for a shipped stack; for any other stack file, what its own config implies. */
export function expectationsOf(stack: string, file?: StackConfigFile): StackExpectations {
  return stack in shippedExpectations && !file
    ? shippedExpectations[stack as keyof typeof shippedExpectations]
    : derivedExpectations(parsedConfig(stack, file));
}
