/**
 * The one instance catalogue: every EC2 node type, RDS class and ElastiCache node type the program accepts, with
 * what the rest of the program needs to know about it (a node's vCPUs and memory for quotas and placeholders, an
 * on-demand price for the offline estimate). The allow-lists in config are this table's keys, so a class is
 * allowed exactly when it is described and priced here; a typo (`t3.meduim`) fails validation before a preview.
 *
 * Prices: us-east-1 (N. Virginia), on-demand, Linux, no free tier, no Savings Plans or reservations, compiled
 * 2026-11-22 from the AWS public price list (aws.amazon.com/<service>/pricing) as known to the author; no AWS
 * Price List API was reachable from the machine that wrote this file, so every figure is a documented estimate:
 * check the AWS Pricing Calculator before quoting a number, and update {@link PRICES_AS_OF} when you change one.
 * vCPU and memory: the EC2 instance type pages (aws.amazon.com/ec2/instance-types).
 */

/** Date the prices were compiled; printed with every estimate. */
export const PRICES_AS_OF = "2026-11-22";

/** Where the figures come from; printed with every estimate. */
export const PRICE_SOURCE = "AWS public on-demand price list, us-east-1 (see core/instances.ts)";

export interface NodeInstance {
  /** vCPUs. */
  vcpu: number;
  /** Memory in GiB. */
  memoryGiB: number;
  /** USD per hour, EC2 on-demand Linux (EKS managed node groups run these). */
  hourlyUsd: number;
}

/** EC2 instance types for EKS node groups (x86_64, EKS-optimised AL2023 AMIs). */
export const nodeInstances = {
  "t3.small": { vcpu: 2, memoryGiB: 2, hourlyUsd: 0.0208 },
  "t3.medium": { vcpu: 2, memoryGiB: 4, hourlyUsd: 0.0416 },
  "t3.large": { vcpu: 2, memoryGiB: 8, hourlyUsd: 0.0832 },
  "t3.xlarge": { vcpu: 4, memoryGiB: 16, hourlyUsd: 0.1664 },
  "t3.2xlarge": { vcpu: 8, memoryGiB: 32, hourlyUsd: 0.3328 },
  "m5.large": { vcpu: 2, memoryGiB: 8, hourlyUsd: 0.096 },
  "m5.xlarge": { vcpu: 4, memoryGiB: 16, hourlyUsd: 0.192 },
  "m5.2xlarge": { vcpu: 8, memoryGiB: 32, hourlyUsd: 0.384 },
  "m6i.large": { vcpu: 2, memoryGiB: 8, hourlyUsd: 0.096 },
  "m6i.xlarge": { vcpu: 4, memoryGiB: 16, hourlyUsd: 0.192 },
  "m6i.2xlarge": { vcpu: 8, memoryGiB: 32, hourlyUsd: 0.384 },
  "m7i.large": { vcpu: 2, memoryGiB: 8, hourlyUsd: 0.1008 },
  "m7i.xlarge": { vcpu: 4, memoryGiB: 16, hourlyUsd: 0.2016 },
  "c5.large": { vcpu: 2, memoryGiB: 4, hourlyUsd: 0.085 },
  "c5.xlarge": { vcpu: 4, memoryGiB: 8, hourlyUsd: 0.17 },
  "c5.2xlarge": { vcpu: 8, memoryGiB: 16, hourlyUsd: 0.34 },
  "c5.4xlarge": { vcpu: 16, memoryGiB: 32, hourlyUsd: 0.68 },
  "c6i.large": { vcpu: 2, memoryGiB: 4, hourlyUsd: 0.085 },
  "c6i.xlarge": { vcpu: 4, memoryGiB: 8, hourlyUsd: 0.17 },
  "c6i.2xlarge": { vcpu: 8, memoryGiB: 16, hourlyUsd: 0.34 },
  "c7i.xlarge": { vcpu: 4, memoryGiB: 8, hourlyUsd: 0.1785 },
  // AMD siblings of c5/c6i.xlarge, added 2026-11-29 (same source and caveat as above) so a Spot pool has more
  // capacity pools of the same shape to draw from.
  "c5a.xlarge": { vcpu: 4, memoryGiB: 8, hourlyUsd: 0.154 },
  "c6a.xlarge": { vcpu: 4, memoryGiB: 8, hourlyUsd: 0.153 },
  "r5.large": { vcpu: 2, memoryGiB: 16, hourlyUsd: 0.126 },
  "r5.xlarge": { vcpu: 4, memoryGiB: 32, hourlyUsd: 0.252 },
} as const satisfies Record<string, NodeInstance>;

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
export const nodeInstanceTypes = keys(nodeInstances);
export const databaseInstanceClasses = keys(databaseInstances);
export const cacheNodeTypes = keys(cacheNodes);

/** The catalogue entry of a node type, or undefined for one the program does not know. */
export function nodeInstance(type: string): NodeInstance | undefined {
  return (nodeInstances as Record<string, NodeInstance>)[type];
}

/**
 * The catalogue's node types of exactly the same shape (vCPUs and memory) as `type`, `type` first: what a Spot pool
 * may launch, so an interruption in one capacity pool is refilled from another without changing what fits a node.
 */
export function sameShapeTypes(type: string): string[] {
  const node = nodeInstance(type);
  if (!node) return [type];
  const others = Object.entries(nodeInstances as Record<string, NodeInstance>)
    .filter(([name, n]) => name !== type && n.vcpu === node.vcpu && n.memoryGiB === node.memoryGiB)
    .map(([name]) => name);
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
