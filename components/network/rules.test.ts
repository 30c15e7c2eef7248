import { defaultSubnetLayout } from "../../core/subnets";
import { databaseAclRules, flowLogsDeliveryPolicy, flowLogsTrustPolicy, securityGroupRules } from "./rules";

describe("securityGroupRules", () => {
  const rules = securityGroupRules();

  it("opens only the load balancer to the world, on 80 and 443", () => {
    const world = rules.filter((r) => r.direction === "ingress" && "cidr" in r.peer);
    expect(world.map((r) => [r.group, r.fromPort, r.toPort])).toEqual([
      ["loadBalancer", 443, 443],
      ["loadBalancer", 80, 80],
    ]);
  });

  it("admits the database and the cache only from the nodes, on one port each", () => {
    const into = (group: string) => rules.filter((r) => r.group === group);
    expect(into("database")).toEqual([
      expect.objectContaining({ direction: "ingress", peer: { group: "nodes" }, fromPort: 5432, toPort: 5432 }),
    ]);
    expect(into("cache")).toEqual([
      expect.objectContaining({ direction: "ingress", peer: { group: "nodes" }, fromPort: 6379, toPort: 6379 }),
    ]);
  });

  it("gives the Playwright nodes' group egress only, and no group admits it", () => {
    expect(rules.filter((r) => r.group === "playwrightNodes").map((r) => [r.direction, r.peer])).toEqual([
      ["egress", { cidr: "0.0.0.0/0" }],
    ]);
    const admitting = rules.filter(
      (r) => r.direction === "ingress" && "group" in r.peer && r.peer.group === "playwrightNodes",
    );
    expect(admitting).toEqual([]);
  });
});

describe("databaseAclRules", () => {
  const layout = defaultSubnetLayout("10.0.0.0/16", 2);
  const { ingress, egress } = databaseAclRules(layout);

  it("admits PostgreSQL and Redis from each node subnet, and the tier itself", () => {
    expect(ingress.map((r) => [r.ruleNo, r.protocol, r.fromPort, r.cidrBlock])).toEqual([
      [100, "tcp", 5432, "10.0.0.0/19"],
      [110, "tcp", 5432, "10.0.32.0/19"],
      [200, "tcp", 6379, "10.0.0.0/19"],
      [210, "tcp", 6379, "10.0.32.0/19"],
      [300, "-1", 0, "10.0.144.0/23"],
      [310, "-1", 0, "10.0.146.0/23"],
    ]);
  });

  it("answers the node subnets on ephemeral ports only, never the public tier", () => {
    expect(egress.filter((r) => r.protocol === "tcp").map((r) => [r.fromPort, r.toPort, r.cidrBlock])).toEqual([
      [1024, 65535, "10.0.0.0/19"],
      [1024, 65535, "10.0.32.0/19"],
    ]);
    for (const rule of [...ingress, ...egress]) expect(layout.public).not.toContain(rule.cidrBlock);
  });

  it("numbers rules uniquely", () => {
    expect(new Set(ingress.map((r) => r.ruleNo)).size).toBe(ingress.length);
    expect(new Set(egress.map((r) => r.ruleNo)).size).toBe(egress.length);
  });
});

describe("flow log delivery", () => {
  it("is trusted only for this account's flow logs and writes only its group", () => {
    const [trust] = flowLogsTrustPolicy({ accountId: "111122223333", partition: "aws", region: "us-east-1" }).Statement;
    expect(trust.Condition).toEqual({
      StringEquals: { "aws:SourceAccount": "111122223333" },
      ArnLike: { "aws:SourceArn": "arn:aws:ec2:us-east-1:111122223333:vpc-flow-log/*" },
    });
    const [write] = flowLogsDeliveryPolicy("arn:aws:logs:us-east-1:111122223333:log-group:/q/dev/vpc").Statement;
    expect(write.Resource).toEqual([
      "arn:aws:logs:us-east-1:111122223333:log-group:/q/dev/vpc",
      "arn:aws:logs:us-east-1:111122223333:log-group:/q/dev/vpc:*",
    ]);
  });
});
