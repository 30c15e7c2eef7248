/**
 * The on-demand price table behind the offline preview's monthly cost estimate. Instance prices live with the
 * instance catalogue (core/instances.ts); this file holds every other unit price.
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
import { cacheNodes, databaseInstances, nodeInstances } from "../../core/instances";

/** Hours AWS bills in an average month. */
export const HOURS_PER_MONTH = 730;

/** Hourly rates of the instance catalogue (core/instances.ts), keyed by class. */
const hourlyRates = (table: Record<string, { hourlyUsd: number }>) =>
  Object.fromEntries(Object.entries(table).map(([name, entry]) => [name, entry.hourlyUsd])) as Record<string, number>;

export const ec2Hourly = hourlyRates(nodeInstances);
export const rdsPostgresHourly = hourlyRates(databaseInstances);
export const elasticacheHourly = hourlyRates(cacheNodes);
export {
  PRICE_SOURCE,
  PRICES_AS_OF,
  SPOT_ASSUMED_ON,
  SPOT_SOURCE,
  spotPriceFraction,
  valkeyDiscount,
} from "../../core/instances";

/** Everything else the rules use. */
export const unitPrices = {
  /** EKS control plane, standard support, per cluster-hour. */
  eksClusterHourly: 0.1,
  /**
   * EKS control plane of a Kubernetes version in extended support, per cluster-hour, in total (not on top of the
   * standard rate): "$0.60 per cluster per hour", AWS Containers blog "Amazon EKS extended support for Kubernetes
   * versions pricing" (aws.amazon.com/blogs/containers/amazon-eks-extended-support-for-kubernetes-versions-pricing/,
   * effective from the April 2024 billing cycle; read 2026-12-05), which the EKS User Guide's version FAQ links for
   * extended-support pricing.
   */
  eksExtendedSupportClusterHourly: 0.6,
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
  /**
   * VPC interface endpoint (AWS PrivateLink) per endpoint per AZ per hour; data processed ($0.01/GB) is traffic and
   * not estimated. Gateway endpoints (S3, DynamoDB) cost nothing.
   */
  interfaceEndpointAzHourly: 0.01,
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
