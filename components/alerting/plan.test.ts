import { alertingSchema } from "../../config/observability";
import { alarmPlans, budgetNotifications, cacheNodeIds } from "./plan";

describe("cacheNodeIds", () => {
  it.each([
    [1, 1, ["g-0001-001", "g-0001-002"]],
    [2, 1, ["g-0001-001", "g-0001-002", "g-0002-001", "g-0002-002"]],
    [1, 2, ["g-0001-001", "g-0001-002", "g-0001-003"]],
  ])("%i shard(s) × (1 + %i) nodes", (shards, replicas, expected) => {
    expect(cacheNodeIds("g", shards, replicas)).toEqual(expected);
  });

  it("pads shard numbers to four digits and node numbers to three, as ElastiCache does", () => {
    const ids = cacheNodeIds("qualisys-prod-redis", 12, 1);
    expect(ids).toHaveLength(24);
    expect(ids.at(-1)).toBe("qualisys-prod-redis-0012-002");
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("alarmPlans", () => {
  const plans = alarmPlans({
    databaseIdentifier: "db",
    cacheReplicationGroupId: "rg",
    cacheShards: 2,
    cacheReplicasPerShard: 1,
    loadBalancerName: "alb",
    ...alertingSchema.parse({}),
  });

  it("plans one RDS, one per cache node and one ALB alarm, each with a unique key", () => {
    expect(plans.map((p) => p.key)).toEqual([
      "rds-cpu",
      "redis-memory-0001-001",
      "redis-memory-0001-002",
      "redis-memory-0002-001",
      "redis-memory-0002-002",
      "alb-5xx",
    ]);
  });

  it("gives every alarm either a metric or a query, never both, and a description naming its threshold", () => {
    for (const p of plans) {
      expect(Boolean(p.metric) !== Boolean(p.query)).toBe(true);
      expect(p.description).toContain(String(p.threshold));
    }
  });
});

it("budget notifications are actual spend at 50, 80 and 100%", () => {
  expect(budgetNotifications().map((n) => [n.notificationType, n.threshold])).toEqual([
    ["ACTUAL", 50],
    ["ACTUAL", 80],
    ["ACTUAL", 100],
  ]);
});
