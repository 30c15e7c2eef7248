/**
 * What to alarm on (SPEC O3), as pure data: the alarms' metrics, dimensions and thresholds, and the budget's
 * notifications. The component turns this into resources; the tests read it without the engine.
 */
import type { AlertingSettings } from "../../config";
import { arn, policyDocument, type AwsAccount, type PolicyDocument } from "../iam";

/** CloudWatch's standard period for these metrics: RDS and ElastiCache publish every minute, ALB every minute. */
export const periodSeconds = 300;

/** Budget notification thresholds, % of the monthly amount (SPEC O3). */
export const budgetThresholdsPercent = [50, 80, 100] as const;

/**
 * The node ids (`CacheClusterId`) of a cluster-mode replication group: `<groupId>-<shard 0001…>-<node 001…>`,
 * one primary and `replicasPerShard` replicas per shard. ElastiCache names them this way at creation; the alarms
 * need them before the group exists, so they are derived from the same config the cache component reads. A
 * reshard that adds shards changes the config, and therefore the alarms, in the same `pulumi up`.
 */
export function cacheNodeIds(groupId: string, shards: number, replicasPerShard: number): string[] {
  const pad = (n: number, width: number) => String(n).padStart(width, "0");
  return Array.from({ length: shards }, (_, s) =>
    Array.from({ length: 1 + replicasPerShard }, (_, n) => `${groupId}-${pad(s + 1, 4)}-${pad(n + 1, 3)}`),
  ).flat();
}

/** One alarm, either on a single metric (`metric`) or on a Metrics Insights query (`query`). */
export interface AlarmPlan {
  /** Short logical name, also the suffix of the alarm's physical name. */
  key: string;
  description: string;
  threshold: number;
  evaluationPeriods: number;
  /** How CloudWatch treats periods without data. */
  treatMissingData: "missing" | "notBreaching" | "breaching";
  metric?: {
    namespace: string;
    metricName: string;
    statistic: "Average" | "Maximum" | "Sum";
    dimensions: Record<string, string>;
  };
  /** A Metrics Insights query returning one time series. */
  query?: string;
}

/** The alarms' thresholds (the `alerting` settings) and the names of what they watch. */
export interface AlarmPlanArgs extends AlertingSettings {
  /** RDS instance identifier (`databaseIdentifier(prefix)`). */
  databaseIdentifier: string;
  /** ElastiCache replication group id (`cacheReplicationGroupId(prefix)`). */
  cacheReplicationGroupId: string;
  /** Shards and replicas of the cache (config.cache). */
  cacheShards: number;
  cacheReplicasPerShard: number;
  /** The ALB's fixed name (`loadBalancerName(prefix)`); none when the stack has no ALB of its own (no alarm). */
  loadBalancerName?: string;
}

export function alarmPlans(args: AlarmPlanArgs): AlarmPlan[] {
  const t = args;
  const minutes = (periods: number) => (periods * periodSeconds) / 60;
  const rds: AlarmPlan = {
    key: "rds-cpu",
    description: `RDS ${args.databaseIdentifier}: average CPU above ${t.rdsCpuPercent}% for ${minutes(t.rdsCpuPeriods)} minutes`,
    threshold: t.rdsCpuPercent,
    evaluationPeriods: t.rdsCpuPeriods,
    treatMissingData: "missing",
    metric: {
      namespace: "AWS/RDS",
      metricName: "CPUUtilization",
      statistic: "Average",
      dimensions: { DBInstanceIdentifier: args.databaseIdentifier },
    },
  };
  const redis = cacheNodeIds(args.cacheReplicationGroupId, args.cacheShards, args.cacheReplicasPerShard).map(
    (node): AlarmPlan => ({
      key: `redis-memory-${node.slice(args.cacheReplicationGroupId.length + 1)}`,
      description: `ElastiCache ${node}: memory use above ${t.redisMemoryPercent}% of maxmemory for ${minutes(t.redisMemoryPeriods)} minutes (allkeys-lru is evicting)`,
      threshold: t.redisMemoryPercent,
      evaluationPeriods: t.redisMemoryPeriods,
      treatMissingData: "missing",
      metric: {
        namespace: "AWS/ElastiCache",
        metricName: "DatabaseMemoryUsagePercentage",
        statistic: "Maximum",
        dimensions: { CacheClusterId: node },
      },
    }),
  );
  // The load balancer controller creates the ALB, so its `app/<name>/<id>` dimension is unknown until it exists
  // and a plain metric alarm cannot name it. A Metrics Insights query over the load-balancer-level schema needs no
  // id: it sums every ALB of this account and region, which under the one-account-per-stack layout is this stack's
  // shared ALB (`loadBalancerName`). No 5xx at all is the healthy case, hence notBreaching for missing data.
  if (args.loadBalancerName === undefined) return [rds, ...redis];
  const alb: AlarmPlan = {
    key: "alb-5xx",
    description: `ALB ${args.loadBalancerName}: more than ${t.alb5xxPerFiveMinutes} load-balancer 5xx responses per 5 minutes for ${minutes(t.alb5xxPeriods)} minutes`,
    threshold: t.alb5xxPerFiveMinutes,
    evaluationPeriods: t.alb5xxPeriods,
    treatMissingData: "notBreaching",
    query: 'SELECT SUM(HTTPCode_ELB_5XX_Count) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer)',
  };
  return [rds, ...redis, alb];
}

export interface BudgetNotificationPlan {
  comparisonOperator: "GREATER_THAN";
  notificationType: "ACTUAL";
  threshold: number;
  thresholdType: "PERCENTAGE";
}

export function budgetNotifications(): BudgetNotificationPlan[] {
  return budgetThresholdsPercent.map((threshold) => ({
    comparisonOperator: "GREATER_THAN",
    notificationType: "ACTUAL",
    threshold,
    thresholdType: "PERCENTAGE",
  }));
}

/**
 * The alarm topic's policy: only CloudWatch alarms and AWS Budgets of this account may publish, and nobody may
 * publish without TLS: Deny `SNS:Publish` on `aws:SecureTransport` false, the statement of "Enforce encryption of
 * data in transit" in the SNS Developer Guide's security best practices
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-security-best-practices.html#enforce-encryption-data-in-transit,
 * read 2026-12-06 through the AWS CDK's `TopicPolicyProps.enforceSSL`, which cites it).
 */
export function topicPolicy(account: AwsAccount, topicName: string): PolicyDocument {
  const topic = arn(account, "sns", topicName);
  return policyDocument(
    {
      Sid: "AlarmsAndBudgetsOfThisAccount",
      Effect: "Allow",
      Principal: { Service: ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"] },
      Action: "SNS:Publish",
      Resource: topic,
      Condition: { StringEquals: { "aws:SourceAccount": account.accountId } },
    },
    {
      Sid: "PublishOverTlsOnly",
      Effect: "Deny",
      Principal: "*",
      Action: "SNS:Publish",
      Resource: topic,
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  );
}
