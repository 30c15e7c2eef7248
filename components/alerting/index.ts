/**
 * CloudWatch alarms and the AWS Budget of a stack (SPEC O3), all notifying one KMS-encrypted SNS topic. What is
 * alarmed on, and at which thresholds, is planned in ./plan; this file only declares the resources. Subscribe
 * people or a chat integration (AWS Chatbot, PagerDuty) to `topicArn`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AlertingSettings, BudgetSettings } from "../../config";
import { policyJson, type AccountRef } from "../account";
import { alarmPlans, budgetNotifications, periodSeconds, topicPolicy } from "./plan";

/** The validated `alerting` thresholds and periods, plus what the stack wires in. */
export interface AlertingArgs extends AlertingSettings {
  account: AccountRef;
  /** Prefix of physical names (`qualisys-dev`). */
  prefix: string;
  /** KMS key the topic is encrypted with (`keys.arns.sns`); its policy lets CloudWatch and Budgets use it. */
  snsKeyArn: pulumi.Input<string>;
  /** RDS instance identifier alarmed on (`databaseIdentifier(prefix)`). */
  databaseIdentifier: string;
  /** ElastiCache replication group id alarmed on (`cacheReplicationGroupId(prefix)`). */
  cacheReplicationGroupId: string;
  /** Shards of the cache (config.cache.shards, default 2); one memory alarm per node. */
  cacheShards: number;
  /** Replicas per shard (config.cache.replicasPerShard, default 1). */
  cacheReplicasPerShard: number;
  /**
   * The ALB's fixed name (`loadBalancerName(prefix)`), named in the ALB alarm's description. None for a stack on
   * another's platform: its traffic goes through the host's ALB, which the host alarms on.
   */
  loadBalancerName?: string;
  /** The monthly AWS Budget: its limit in USD, and the cost tag it counts when not the whole account (config.budget). */
  budget: BudgetSettings;
  /** E-mail recipients of budget notifications besides the topic (config.budgetAlertEmails, default none). */
  budgetAlertEmails: string[];
}

export class Alerting extends pulumi.ComponentResource {
  /** The SNS topic every alarm and budget notification goes to. */
  public readonly topicArn: pulumi.Output<string>;
  /** Alarm names, for dashboards and runbooks. */
  public readonly alarmNames: pulumi.Output<string>[];
  /** The budget's name. */
  public readonly budgetName: pulumi.Output<string>;

  constructor(name: string, args: AlertingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:alerting:Alerting", name, {}, opts);
    const topicName = `${args.prefix}-alarms`;
    const topic = new aws.sns.Topic(
      `${name}-alarms`,
      { name: topicName, kmsMasterKeyId: args.snsKeyArn, displayName: `${args.prefix} alarms` },
      { parent: this },
    );
    const policy = new aws.sns.TopicPolicy(
      `${name}-alarms`,
      { arn: topic.arn, policy: policyJson(args.account, (account) => topicPolicy(account, topicName)) },
      { parent: this },
    );

    const alarms = alarmPlans(args).map(
      (plan) =>
        new aws.cloudwatch.MetricAlarm(
          `${name}-${plan.key}`,
          {
            name: `${args.prefix}-${plan.key}`,
            alarmDescription: plan.description,
            comparisonOperator: "GreaterThanThreshold",
            threshold: plan.threshold,
            evaluationPeriods: plan.evaluationPeriods,
            datapointsToAlarm: plan.evaluationPeriods,
            treatMissingData: plan.treatMissingData,
            ...(plan.metric
              ? { ...plan.metric, period: periodSeconds }
              : {
                  metricQueries: [
                    { id: "q1", expression: plan.query, period: periodSeconds, returnData: true, label: plan.key },
                  ],
                }),
            alarmActions: [topic.arn],
            okActions: [topic.arn],
          },
          { parent: this, dependsOn: [policy] },
        ),
    );

    const budget = new aws.budgets.Budget(
      `${name}-monthly`,
      {
        name: `${args.prefix}-monthly`,
        budgetType: "COST",
        timeUnit: "MONTHLY",
        limitAmount: args.budget.limitUsd.toFixed(2),
        limitUnit: "USD",
        // `user:<key>$<value>` is how Budgets names a cost allocation tag's value; the tag must be activated as a
        // cost allocation tag in Billing once per account (docs/shared-platform.md).
        ...(args.budget.costTag
          ? {
              costFilters: [
                { name: "TagKeyValue", values: [`user:${args.budget.costTag.key}$${args.budget.costTag.value}`] },
              ],
            }
          : {}),
        notifications: budgetNotifications().map((n) => ({
          ...n,
          subscriberSnsTopicArns: [topic.arn],
          subscriberEmailAddresses: args.budgetAlertEmails,
        })),
      },
      { parent: this, dependsOn: [policy] },
    );

    this.topicArn = topic.arn;
    this.alarmNames = alarms.map((a) => a.name);
    this.budgetName = budget.name;
    this.registerOutputs({ topicArn: this.topicArn, alarmNames: this.alarmNames, budgetName: this.budgetName });
  }
}
