/** CloudWatch alarms, the alarm topic and the budget (SPEC O3), per stack, through the whole program. */
import { accountOf, hostOf, readStackFile, runStack, stacks, type StackRun } from "../offline/run";
import { jsonInput, named, ofType } from "../offline/record";
import { expectationsOf } from "./expectations";
import { checkAlarms, checkBudget } from "./stack-checks";

const runs: Record<string, StackRun> = {};
beforeAll(async () => {
  for (const stack of stacks) runs[stack] = await runStack(stack);
});

const alarm = (stack: string, key: string) =>
  named(runs[stack], "aws:cloudwatch/metricAlarm:MetricAlarm", `qualisys-${stack}-${key}`);

describe.each(stacks)("stack %s", (stack) => {
  it("runs", () => expect(runs[stack].error).toBeUndefined());

  it("sends alarms to an SNS topic encrypted with the stack's SNS key, publishable only by this account's alarms and budgets, over TLS only", () => {
    const run = runs[stack];
    const topic = named(run, "aws:sns/topic:Topic", `qualisys-${stack}-alarms`);
    expect(topic.inputs.kmsMasterKeyId).toEqual(named(run, "aws:kms/key:Key", `qualisys-${stack}-sns`).outputs.arn);
    const policy = jsonInput(named(run, "aws:sns/topicPolicy:TopicPolicy", `qualisys-${stack}-alarms`), "policy");
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Effect: "Allow",
        Principal: { Service: ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"] },
        Action: "SNS:Publish",
        Resource: topic.outputs.arn,
        Condition: { StringEquals: { "aws:SourceAccount": accountOf(stack) } },
      }),
      {
        Sid: "PublishOverTlsOnly",
        Effect: "Deny",
        Principal: "*",
        Action: "SNS:Publish",
        Resource: topic.outputs.arn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
    const alarms = ofType(run, "aws:cloudwatch/metricAlarm:MetricAlarm");
    expect(alarms.length).toBeGreaterThan(0);
    for (const a of alarms) {
      expect(a.inputs.alarmActions).toEqual([topic.outputs.arn]);
      expect(a.inputs.okActions).toEqual([topic.outputs.arn]);
    }
    expect(run.outputs.alarmTopicArn).toEqual(topic.outputs.arn);
  });

  it("alarms on RDS CPU above the stack's threshold over its 5-minute periods, on the database's fixed identifier", () => {
    const { alerting } = expectationsOf(stack);
    expect(alarm(stack, "rds-cpu").inputs).toMatchObject({
      namespace: "AWS/RDS",
      metricName: "CPUUtilization",
      statistic: "Average",
      dimensions: { DBInstanceIdentifier: `qualisys-${stack}-postgres` },
      comparisonOperator: "GreaterThanThreshold",
      threshold: alerting.rdsCpuPercent,
      period: 300,
      evaluationPeriods: alerting.rdsCpuPeriods,
    });
  });

  it("alarms on Redis memory on every node of the stack's replication group, and at the stack's thresholds", () => {
    checkAlarms(runs[stack], expectationsOf(stack));
    const redis = ofType(runs[stack], "aws:cloudwatch/metricAlarm:MetricAlarm").filter(
      (a) => a.inputs.metricName === "DatabaseMemoryUsagePercentage",
    );
    for (const a of redis) expect(a.inputs).toMatchObject({ namespace: "AWS/ElastiCache", period: 300 });
  });

  it("alarms on ALB 5xx through a Metrics Insights query (the ALB's id is unknown before the controller creates it)", () => {
    const albAlarms = ofType(runs[stack], "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => /-alb-/.test(a.name));
    // A stack on another's platform has no ALB: its ingresses join the host's, which the host alarms on.
    expect(albAlarms).toHaveLength(hostOf(stack) === undefined ? 1 : 0);
    if (!albAlarms.length) return;
    const a = alarm(stack, "alb-5xx");
    expect(a.inputs.metricName).toBeUndefined();
    expect(a.inputs.metricQueries).toEqual([
      expect.objectContaining({
        id: "q1",
        returnData: true,
        period: 300,
        expression: 'SELECT SUM(HTTPCode_ELB_5XX_Count) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer)',
      }),
    ]);
    const { alerting } = expectationsOf(stack);
    expect(a.inputs).toMatchObject({
      threshold: alerting.alb5xxPerFiveMinutes,
      evaluationPeriods: alerting.alb5xxPeriods,
      treatMissingData: "notBreaching",
    });
  });

  it("has a monthly cost budget of the stack's amount (the account's, or its own tag's), notifying at 50/80/100% actual", () => {
    const run = runs[stack];
    const budgets = ofType(run, "aws:budgets/budget:Budget");
    // The account's whole target where the stack owns the account's platform; its own share where it is hosted.
    checkBudget(run, expectationsOf(stack));
    expect(budgets[0].inputs).toMatchObject({
      name: `qualisys-${stack}-monthly`,
      budgetType: "COST",
      timeUnit: "MONTHLY",
      limitUnit: "USD",
    });
    const topicArn = named(run, "aws:sns/topic:Topic", `qualisys-${stack}-alarms`).outputs.arn;
    const notifications = budgets[0].inputs.notifications as Record<string, unknown>[];
    expect(notifications.map((n) => n.threshold)).toEqual([50, 80, 100]);
    for (const n of notifications) {
      expect(n).toMatchObject({
        notificationType: "ACTUAL",
        thresholdType: "PERCENTAGE",
        comparisonOperator: "GREATER_THAN",
        subscriberSnsTopicArns: [topicArn],
      });
    }
  });
});

it("takes thresholds, periods, cache size and budget recipients from config", async () => {
  const config = readStackFile("dev").config;
  const run = await runStack("dev", {
    config: {
      ...config,
      "qualisys:alerting": { rdsCpuPercent: 90, rdsCpuPeriods: 6, alb5xxPerFiveMinutes: 10 },
      "qualisys:cache": { ...(config["qualisys:cache"] as object), shards: 3, replicasPerShard: 2 },
      "qualisys:budgetAlertEmails": ["finops@example.com"],
    },
  });
  expect(run.error).toBeUndefined();
  expect(named(run, "aws:cloudwatch/metricAlarm:MetricAlarm", "qualisys-dev-rds-cpu").inputs).toMatchObject({
    threshold: 90,
    evaluationPeriods: 6,
  });
  expect(named(run, "aws:cloudwatch/metricAlarm:MetricAlarm", "qualisys-dev-alb-5xx").inputs.threshold).toBe(10);
  const redis = ofType(run, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => a.name.includes("-redis-memory-"));
  expect(redis).toHaveLength(9);
  const budget = ofType(run, "aws:budgets/budget:Budget")[0];
  const notifications = budget.inputs.notifications as Record<string, unknown>[];
  expect(notifications).toHaveLength(3);
  for (const n of notifications) {
    expect(n.subscriberEmailAddresses).toEqual(["finops@example.com"]);
  }
});
