/**
 * The on-demand price table behind the offline preview's monthly cost estimate.
 *
 * Region: us-east-1 (N. Virginia). Prices: on-demand, Linux, no free tier, no Savings Plans or reservations.
 * Compiled: 2026-11-22, from the AWS public price list (aws.amazon.com/<service>/pricing) as known to the
 * author; RDS gp3 storage ($0.115/GB-month) was cross-checked against a 2026 third-party summary of the AWS page.
 * No AWS Price List API was reachable from the machine that wrote this file, so every figure here is a
 * documented estimate: check the AWS Pricing Calculator before quoting a number to anyone, and update the date
 * above when you change a price.
 *
 * A month is 730 hours (AWS's own convention in the Pricing Calculator).
 */

/** Hours AWS bills in an average month. */
export const HOURS_PER_MONTH = 730;

/** Date the table was compiled; printed with every estimate. */
export const PRICES_AS_OF = "2026-11-22";

/** Where the figures come from; printed with every estimate. */
export const PRICE_SOURCE = "AWS public on-demand price list, us-east-1 (see tools/preview/prices.ts)";

/**
 * USD per hour, EC2 on-demand Linux (EKS managed node groups run these). Covers every type config/catalog.ts
 * allows (a test checks it).
 */
export const ec2Hourly: Record<string, number> = {
  "t3.small": 0.0208,
  "t3.medium": 0.0416,
  "t3.large": 0.0832,
  "t3.xlarge": 0.1664,
  "t3.2xlarge": 0.3328,
  "m5.large": 0.096,
  "m5.xlarge": 0.192,
  "m5.2xlarge": 0.384,
  "m6i.large": 0.096,
  "m6i.xlarge": 0.192,
  "m6i.2xlarge": 0.384,
  "m7i.large": 0.1008,
  "m7i.xlarge": 0.2016,
  "c5.large": 0.085,
  "c5.xlarge": 0.17,
  "c5.2xlarge": 0.34,
  "c5.4xlarge": 0.68,
  "c6i.large": 0.085,
  "c6i.xlarge": 0.17,
  "c6i.2xlarge": 0.34,
  "c7i.xlarge": 0.1785,
  "r5.large": 0.126,
  "r5.xlarge": 0.252,
};

/** USD per hour, RDS for PostgreSQL on-demand, Single-AZ (Multi-AZ is twice this: a standby instance). */
export const rdsPostgresHourly: Record<string, number> = {
  "db.t3.micro": 0.018,
  "db.t3.small": 0.036,
  "db.t3.medium": 0.072,
  "db.t3.large": 0.145,
  "db.t4g.medium": 0.065,
  "db.t4g.large": 0.129,
  "db.m5.large": 0.178,
  "db.m5.xlarge": 0.356,
  "db.m6i.large": 0.178,
  "db.m6i.xlarge": 0.356,
  "db.m6g.large": 0.159,
  "db.r5.large": 0.25,
  "db.r5.xlarge": 0.5,
  "db.r5.2xlarge": 1.0,
  "db.r6g.large": 0.225,
  "db.r6g.xlarge": 0.45,
  "db.r6i.large": 0.25,
  "db.r6i.xlarge": 0.5,
};

/** USD per hour per node, ElastiCache for Redis OSS on-demand (Valkey nodes are priced 20% lower). */
export const elasticacheHourly: Record<string, number> = {
  "cache.t3.micro": 0.017,
  "cache.t3.small": 0.034,
  "cache.t3.medium": 0.068,
  "cache.t4g.micro": 0.016,
  "cache.t4g.small": 0.032,
  "cache.t4g.medium": 0.065,
  "cache.m5.large": 0.156,
  "cache.m6g.large": 0.149,
  "cache.r5.large": 0.216,
  "cache.r5.xlarge": 0.431,
  "cache.r6g.large": 0.206,
  "cache.r6g.xlarge": 0.411,
  "cache.r7g.large": 0.219,
};

/** ElastiCache for Valkey node-based price relative to Redis OSS (AWS prices Valkey nodes 20% lower). */
export const valkeyDiscount = 0.8;

/** Everything else the rules use. */
export const unitPrices = {
  /** EKS control plane, standard support, per cluster-hour. */
  eksClusterHourly: 0.1,
  /** EBS gp3 per GB-month (node root volumes). */
  ebsGp3GbMonth: 0.08,
  /** Root volume size assumed for a node group that states none (the EKS managed node group default). */
  defaultNodeDiskGb: 20,
  /** NAT gateway per hour (data processing, $0.045/GB, is traffic and not estimated). */
  natGatewayHourly: 0.045,
  /** Public IPv4 address per hour (each NAT gateway's Elastic IP; each ALB node). */
  publicIpv4Hourly: 0.005,
  /** RDS gp3 storage per GB-month, Single-AZ (Multi-AZ doubles it). */
  rdsGp3GbMonth: 0.115,
  /** Allocated storage assumed when the record states none (RDS minimum for gp3). */
  defaultRdsStorageGb: 20,
  /** KMS customer-managed key per month (rotated key material adds up to $2 more after two rotations). */
  kmsKeyMonth: 1.0,
  /** Secrets Manager secret per month (API calls, $0.05 per 10,000, not estimated). */
  secretMonth: 0.4,
  /** WAF web ACL per month. */
  wafWebAclMonth: 5.0,
  /** WAF rule (or managed rule group) per month; requests ($0.60 per million) not estimated. */
  wafRuleMonth: 1.0,
  /** CloudWatch standard-resolution metric alarm per month. */
  cloudwatchAlarmMonth: 0.1,
  /** Application Load Balancer per hour. */
  albHourly: 0.0225,
  /** ALB capacity unit per hour. */
  albLcuHourly: 0.008,
  /** Assumed average LCUs of the platform ALB (light traffic). */
  albAssumedLcu: 1,
  /** Public IPv4 addresses of an internet-facing ALB (one per AZ; the platform uses 2 AZs). */
  albPublicIps: 2,
  /** CloudWatch Logs ingestion per GB (vended logs such as VPC flow logs start at the same rate). */
  logIngestionGb: 0.5,
  /** Assumed ingestion per log group per month: a documented guess, not a measurement. */
  assumedLogGbPerGroupMonth: 5,
};
