/**
 * The one instance catalogue: every EC2 node type, RDS class and ElastiCache node type the program accepts, with
 * what the rest of the program needs to know about it (a node's vCPUs, memory and architecture for quotas,
 * placeholders and the AMI type; an on-demand price for the offline estimate). The allow-lists in config are this
 * catalogue's keys, so a class is allowed exactly when it is described and priced here; a typo (`t3.meduim`) fails
 * validation before a preview.
 *
 * EC2: core/instance-types.json, extracted by `npm run instances:extract` (core/instance-types-extract.ts) from
 * Karpenter's tables generated from the AWS Price List API and EC2 DescribeInstanceTypes: every type listed for the
 * region, with its Linux on-demand price (us-east-1 today; the date is {@link EC2_PRICES_AS_OF}).
 *
 * RDS and ElastiCache: us-east-1 (N. Virginia), on-demand, no free tier, no reservations, compiled 2026-11-22 from
 * the AWS pricing pages (aws.amazon.com/rds/postgresql/pricing, aws.amazon.com/elasticache/pricing) as known to the
 * author. No published, machine-readable dataset of them was reachable offline, so these two lists stay by hand:
 * check the AWS Pricing Calculator before quoting a number, and update {@link DATA_TIER_PRICES_AS_OF}.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

type Row = [number, number, string, string, number];
/** The EC2 instance data (generated; its shape: core/instance-types-extract.ts). */
const instanceTypes = JSON.parse(readFileSync(join(__dirname, "instance-types.json"), "utf8")) as {
  source: string;
  pricesAsOf: string;
  ec2: Record<string, Record<string, Row>>;
};

/** The region whose EC2 prices the estimate uses (and the only region the data file holds today). */
export const PRICE_REGION = "us-east-1";

/** Date of the EC2 price table; printed with every estimate. */
export const EC2_PRICES_AS_OF = instanceTypes.pricesAsOf;
/** Date the RDS and ElastiCache prices below were compiled. */
export const DATA_TIER_PRICES_AS_OF = "2026-11-22";
/** Printed with every estimate: the oldest of the two. */
export const PRICES_AS_OF = [EC2_PRICES_AS_OF, DATA_TIER_PRICES_AS_OF].sort()[0];

/** Where the figures come from; printed with every estimate. */
export const PRICE_SOURCE = `EC2: AWS Price List API via ${instanceTypes.source.split(":")[0]} (${EC2_PRICES_AS_OF}); RDS, ElastiCache: AWS pricing pages compiled ${DATA_TIER_PRICES_AS_OF} (see core/instances.ts)`;

export interface NodeInstance {
  /** vCPUs. */
  vcpu: number;
  /** Memory in GiB. */
  memoryGiB: number;
  /** CPU architecture, as Kubernetes names it: the node group's AMI type must match. */
  arch: "amd64" | "arm64";
  /** EC2 instance category (`c` compute, `m` general, `r` memory, `t` burstable, …). */
  category: string;
  /** USD per hour, EC2 on-demand Linux (EKS managed node groups run these). */
  hourlyUsd: number;
}

const rows = (region: string) => (Object.hasOwn(instanceTypes.ec2, region) ? instanceTypes.ec2[region] : undefined);

/** The EC2 types the data lists for `region`, or undefined when the data file has no such region. */
export function regionInstances(region: string): Record<string, NodeInstance> | undefined {
  const table = rows(region);
  if (!table) return undefined;
  return Object.fromEntries(
    Object.entries(table).map(([type, [vcpu, memoryGiB, arch, category, hourlyUsd]]) => [
      type,
      { vcpu, memoryGiB, arch: arch as NodeInstance["arch"], category, hourlyUsd },
    ]),
  );
}

/**
 * Why `type` cannot launch in `region` according to the data (EC2 refuses a type a region does not offer), or
 * undefined when it can, or when the data has no list for that region (then nothing is claimed).
 */
export function regionOfferProblem(
  type: string,
  region: string,
  regions: Record<string, Record<string, unknown>> = instanceTypes.ec2,
): string | undefined {
  if (!Object.hasOwn(regions, region) || Object.hasOwn(regions[region], type)) return undefined;
  return `${type} is not offered in ${region} (aws:region) according to the instance data (${instanceTypes.source.split(":")[0]}, ${EC2_PRICES_AS_OF})`;
}

/** Regions the EC2 data covers. */
export const instanceDataRegions = Object.keys(instanceTypes.ec2);

/** EC2 instance types for EKS node groups, in the priced region. */
export const nodeInstances: Record<string, NodeInstance> = regionInstances(PRICE_REGION) ?? {};

/** The EKS managed node group AMI type (AL2023, standard) for a node's architecture. */
export const amiTypeFor = (arch: NodeInstance["arch"]) =>
  arch === "arm64" ? ("AL2023_ARM_64_STANDARD" as const) : ("AL2023_x86_64_STANDARD" as const);

/** RDS for PostgreSQL classes; USD per hour on-demand, Single-AZ (Multi-AZ is twice this: a standby instance). */
export const databaseInstances = {
  "db.t3.micro": { hourlyUsd: 0.018 },
  // Graviton burstable classes (PostgreSQL 17 runs on them), added 2026-11-29, same source and caveat as above.
  "db.t4g.micro": { hourlyUsd: 0.016 },
  "db.t4g.small": { hourlyUsd: 0.032 },
  "db.t3.small": { hourlyUsd: 0.036 },
  "db.t3.medium": { hourlyUsd: 0.072 },
  "db.t3.large": { hourlyUsd: 0.145 },
  "db.t4g.medium": { hourlyUsd: 0.065 },
  "db.t4g.large": { hourlyUsd: 0.129 },
  "db.m5.large": { hourlyUsd: 0.178 },
  "db.m5.xlarge": { hourlyUsd: 0.356 },
  "db.m6i.large": { hourlyUsd: 0.178 },
  "db.m6i.xlarge": { hourlyUsd: 0.356 },
  "db.m6g.large": { hourlyUsd: 0.159 },
  "db.r5.large": { hourlyUsd: 0.25 },
  "db.r5.xlarge": { hourlyUsd: 0.5 },
  "db.r5.2xlarge": { hourlyUsd: 1 },
  "db.r6g.large": { hourlyUsd: 0.225 },
  "db.r6g.xlarge": { hourlyUsd: 0.45 },
  "db.r6i.large": { hourlyUsd: 0.25 },
  "db.r6i.xlarge": { hourlyUsd: 0.5 },
} as const satisfies Record<string, { hourlyUsd: number }>;

/** ElastiCache node types; USD per hour per node, Redis OSS on-demand (Valkey: see {@link valkeyDiscount}). */
export const cacheNodes = {
  "cache.t3.micro": { hourlyUsd: 0.017 },
  "cache.t3.small": { hourlyUsd: 0.034 },
  "cache.t3.medium": { hourlyUsd: 0.068 },
  "cache.t4g.micro": { hourlyUsd: 0.016 },
  "cache.t4g.small": { hourlyUsd: 0.032 },
  "cache.t4g.medium": { hourlyUsd: 0.065 },
  "cache.m5.large": { hourlyUsd: 0.156 },
  "cache.m6g.large": { hourlyUsd: 0.149 },
  "cache.r5.large": { hourlyUsd: 0.216 },
  "cache.r5.xlarge": { hourlyUsd: 0.431 },
  "cache.r6g.large": { hourlyUsd: 0.206 },
  "cache.r6g.xlarge": { hourlyUsd: 0.411 },
  "cache.r7g.large": { hourlyUsd: 0.219 },
} as const satisfies Record<string, { hourlyUsd: number }>;

/**
 * Spot capacity (managed node groups with `capacityType: SPOT`): the estimate prices a Spot node at this fraction of
 * the On-Demand price of the dearest type the pool may launch.
 *
 * Source: Spot prices move with supply and demand; AWS publishes each type's recent "savings over On-Demand" per
 * region in the Spot Instance Advisor (aws.amazon.com/ec2/spot/instance-advisor) and says Spot saves "up to 90%"
 * (aws.amazon.com/ec2/spot). Neither page was reachable from the machine that wrote this on 2026-11-29, so the figure
 * below is an assumption, not a reading: 50%, a deliberately conservative discount for 4-vCPU compute-optimised
 * x86 types in us-east-1 (below what the author recalls the Advisor showing for them). Re-check the Advisor and
 * update {@link SPOT_ASSUMED_ON} before relying on it; an interruption costs a CI retry, never data.
 */
export const spotPriceFraction = 0.5;

/** When the Spot assumption was last set; printed with every estimate that prices Spot. */
export const SPOT_ASSUMED_ON = "2026-11-29";

/** Printed with every Spot line. */
export const SPOT_SOURCE = `assumed ${Math.round((1 - spotPriceFraction) * 100)}% below On-Demand (conservative; AWS Spot Instance Advisor not reachable, ${SPOT_ASSUMED_ON}; see core/instances.ts)`;

/** ElastiCache for Valkey node-based price relative to Redis OSS (AWS prices Valkey nodes 20% lower). */
export const valkeyDiscount = 0.8;

/**
 * The data-tier sizes the seed epic (001, stories 0.4 and 0.5, AC2) names for staging and prod. Prod runs them;
 * staging runs them only with `qualisys:prodParity` (the seed's $500 dev + staging target cannot hold with them).
 */
export const seedDataTierSizes = {
  databaseInstanceClass: "db.r5.large",
  cacheNodeType: "cache.r5.large",
} as const satisfies { databaseInstanceClass: keyof typeof databaseInstances; cacheNodeType: keyof typeof cacheNodes };

const keys = <T extends object>(table: T) => Object.keys(table) as [keyof T & string, ...(keyof T & string)[]];

/** The allow-lists config validates against. */
export const nodeInstanceTypes = Object.keys(nodeInstances);
export const databaseInstanceClasses = keys(databaseInstances);
export const cacheNodeTypes = keys(cacheNodes);

/** The catalogue entry of a node type, or undefined for one the program does not know. */
export function nodeInstance(type: string): NodeInstance | undefined {
  return Object.hasOwn(nodeInstances, type) ? nodeInstances[type] : undefined;
}

/**
 * What a Spot pool of `type` may launch, `type` first: the catalogue's types of exactly its shape (vCPUs, memory),
 * architecture (one AMI type) and category, that cost no more on demand. An interruption in one capacity pool is
 * refilled from another without changing what fits a node, and the estimate, which prices the dearest, does not
 * rise by diversifying.
 */
export function sameShapeTypes(type: string): string[] {
  const node = nodeInstance(type);
  if (!node) return [type];
  const others = Object.entries(nodeInstances)
    .filter(
      ([name, n]) =>
        name !== type &&
        n.vcpu === node.vcpu &&
        n.memoryGiB === node.memoryGiB &&
        n.arch === node.arch &&
        n.category === node.category &&
        n.hourlyUsd <= node.hourlyUsd,
    )
    .map(([name]) => name)
    .sort();
  return [type, ...others];
}

/** Parses a Kubernetes CPU quantity ("3", "3500m") to cores. */
export function cpuCores(quantity: string): number {
  return quantity.endsWith("m") ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);
}

/** Parses a Kubernetes memory quantity ("5Gi", "5120Mi") to GiB. */
export function memoryGiB(quantity: string): number {
  return quantity.endsWith("Gi") ? Number(quantity.slice(0, -2)) : Number(quantity.slice(0, -2)) / 1024;
}

/**
 * Whether a pod requesting `cpu` and `memory` can be scheduled on one node of `type`: strictly less than the
 * node's capacity, since the kubelet, the OS and the DaemonSets reserve part of every node.
 */
export function fitsOnNode(type: string, cpu: string, memory: string): boolean {
  const node = nodeInstance(type);
  return node !== undefined && cpuCores(cpu) < node.vcpu && memoryGiB(memory) < node.memoryGiB;
}
