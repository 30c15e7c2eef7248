/** CloudWatch alarms, the alarm topic and the budget (SPEC O3), per stack, through the whole program. */
import { accountOf, hostOf, readStackFile, runStack, stacks, type StackRun } from "../offline/run";
import { jsonInput, named, ofType } from "../offline/record";

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
    for (const a of ofType(run, "aws:cloudwatch/metricAlarm:MetricAlarm")) {
      expect(a.inputs.alarmActions).toEqual([topic.outputs.arn]);
      expect(a.inputs.okActions).toEqual([topic.outputs.arn]);
    }
    expect(run.outputs.alarmTopicArn).toEqual(topic.outputs.arn);
  });

  it("alarms on RDS CPU above 80% for 15 minutes, on the database's fixed identifier", () => {
    expect(alarm(stack, "rds-cpu").inputs).toMatchObject({
      namespace: "AWS/RDS",
      metricName: "CPUUtilization",
      statistic: "Average",
      dimensions: { DBInstanceIdentifier: `qualisys-${stack}-postgres` },
      comparisonOperator: "GreaterThanThreshold",
      threshold: 80,
      period: 300,
      evaluationPeriods: 3,
    });
  });

  it("alarms on Redis memory above 80% on every node of the 2-shard, 1-replica group", () => {
    const redis = ofType(runs[stack], "aws:cloudwatch/metricAlarm:MetricAlarm").filter(
      (a) => a.inputs.metricName === "DatabaseMemoryUsagePercentage",
    );
    expect(redis.map((a) => (a.inputs.dimensions as Record<string, string>).CacheClusterId).sort()).toEqual(
      ["0001-001", "0001-002", "0002-001", "0002-002"].map((n) => `qualisys-${stack}-redis-${n}`),
    );
    for (const a of redis) {
      expect(a.inputs).toMatchObject({ namespace: "AWS/ElastiCache", threshold: 80, evaluationPeriods: 2 });
    }
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
    expect(a.inputs).toMatchObject({ threshold: 50, evaluationPeriods: 2, treatMissingData: "notBreaching" });
  });

  it("has a monthly cost budget of the stack's amount (the account's, or its own tag's), notifying at 50/80/100% actual", () => {
    const run = runs[stack];
    const budgets = ofType(run, "aws:budgets/budget:Budget");
    expect(budgets).toHaveLength(1);
    const config = readStackFile(stack).config;
    // The account's whole target where the stack owns the account's platform; its own share where it is hosted.
    const amount = (config["qualisys:accountBudgetUsd"] ?? config["qualisys:monthlyBudgetUsd"]) as number;
    expect(budgets[0].inputs).toMatchObject({
      name: `qualisys-${stack}-monthly`,
      budgetType: "COST",
      timeUnit: "MONTHLY",
      limitUnit: "USD",
      limitAmount: amount.toFixed(2),
    });
    const environment = ((config["aws:defaultTags"] as any).tags as Record<string, string>).environment;
    expect(budgets[0].inputs.costFilters).toEqual(
      hostOf(stack) === undefined ? undefined : [{ name: "TagKeyValue", values: [`user:environment$${environment}`] }],
    );
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
  for (const n of budget.inputs.notifications as Record<string, unknown>[]) {
    expect(n.subscriberEmailAddresses).toEqual(["finops@example.com"]);
  }
});
