import { cacheNodeTypes, databaseInstanceClasses, nodeInstanceTypes } from "../../core/instances";
import { modelledChildren } from "../../offline/children";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot, readStackFile, runStack, shippedStacks, type StackRun } from "../../offline/run";
import { generatedSection } from "../docs/generated";
import { estimateCost, formatCost } from "./cost";
import { resource } from "./fixtures";
import {
  PRICE_SOURCE,
  SPOT_ASSUMED_ON,
  ec2Hourly,
  elasticacheHourly,
  rdsPostgresHourly,
  spotPriceFraction,
  unitPrices,
} from "./prices";

/** A Deployment of one-per-node pause pods pinned to `selector`, as components/cluster/playwright.ts builds them. */
const placeholders = (name: string, replicas: number, selector: Record<string, string>, onePerNode = true) =>
  resource("kubernetes:apps/v1:Deployment", name, {
    kind: "Deployment",
    spec: {
      replicas,
      template: {
        spec: {
          nodeSelector: selector,
          ...(onePerNode
            ? {
                affinity: {
                  podAntiAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname" }],
                  },
                },
              }
            : {}),
        },
      },
    },
  });

/**
 * A dev-sized platform with the cluster and data-tier types. The EKS control plane and node groups are the
 * resources AWS bills, which a real preview shows as children of eks.Cluster and eks.ManagedNodeGroup.
 */
function syntheticPlatform() {
  const cluster = resource("qualisys:cluster:Cluster", "c");
  const data = resource("qualisys:database:Database", "d");
  const inCluster = { parent: cluster.urn };
  return [
    cluster,
    data,
    resource("aws:eks/cluster:Cluster", "eks", { version: "1.35" }, inCluster),
    resource(
      "aws:eks/nodeGroup:NodeGroup",
      "general",
      { instanceTypes: ["t3.medium"], scalingConfig: { minSize: 2, maxSize: 10, desiredSize: 2 } },
      inCluster,
    ),
    resource(
      "aws:eks/nodeGroup:NodeGroup",
      "playwright",
      { instanceTypes: ["c5.xlarge"], scalingConfig: { minSize: 0, maxSize: 5 } },
      inCluster,
    ),
    resource("kubernetes:helm.sh/v3:Release", "lbc", { chart: "aws-load-balancer-controller" }, inCluster),
    resource("kubernetes:helm.sh/v3:Release", "metrics-server", { chart: "metrics-server" }, inCluster),
    resource("aws:wafv2/webAcl:WebAcl", "waf", { rules: [{ name: "rate" }, { name: "common" }] }, inCluster),
    resource(
      "aws:rds/instance:Instance",
      "db",
      { instanceClass: "db.t3.medium", multiAz: false, allocatedStorage: 20 },
      { parent: data.urn },
    ),
    resource(
      "aws:elasticache/replicationGroup:ReplicationGroup",
      "redis",
      { nodeType: "cache.t3.micro", numNodeGroups: 2, replicasPerNodeGroup: 1 },
      { parent: data.urn },
    ),
    ...Array.from({ length: 8 }, (_, i) =>
      resource("aws:secretsmanager/secret:Secret", `s${i}`, {}, { parent: data.urn }),
    ),
    ...Array.from({ length: 3 }, (_, i) => resource("aws:cloudwatch/metricAlarm:MetricAlarm", `a${i}`)),
    resource("aws:iam/role:Role", "role", {}, inCluster),
    resource("aws:foo/bar:Baz", "mystery"),
  ];
}

describe("cost estimate", () => {
  it("prices a synthetic dev platform to the hand-computed total", () => {
    const estimate = estimateCost(syntheticPlatform(), 1000);
    // EKS control plane           0.10 × 730                               =  73.000
    // general nodes (min 2)       2 × 0.0416 × 730 + 2 × 20 GB × 0.08      =  63.936
    // playwright nodes (min 0)    0                                         =   0
    // ALB (controller present)    (0.0225 + 1 × 0.008 + 2 × 0.005) × 730   =  29.565
    // WAF                         5 + 2 rules × 1                           =   7.000
    // RDS db.t3.medium single-AZ  0.072 × 730 + 20 GB × 0.115               =  54.860
    // Redis 2 shards × (1 + 1)    4 × 0.017 × 730                           =  49.640
    // secrets                     8 × 0.40                                  =   3.200
    // alarms                      3 × 0.10                                  =   0.300
    //                                                                 total = 281.501
    expect(estimate.total).toBeCloseTo(281.501, 3);
    expect(Object.fromEntries(estimate.byComponent)).toEqual({
      Cluster: expect.closeTo(73 + 63.936 + 29.565 + 7, 3),
      Database: expect.closeTo(54.86 + 49.64 + 3.2, 3),
      "(stack)": expect.closeTo(0.3, 3),
    });
    expect(estimate.overBudget).toBe(false);
    expect(estimate.notPriced.map((r) => r.type)).toEqual(["aws:foo/bar:Baz"]);
    expect(formatCost("dev", estimate)).toMatch(/Not priced \(no rule; counted as \$0\): 1\n {2}aws:foo\/bar:Baz × 1/);
  });

  it("doubles Multi-AZ RDS (instance and storage) and counts the ALB once per stack", () => {
    const estimate = estimateCost(
      [
        resource("aws:rds/instance:Instance", "db", {
          instanceClass: "db.r5.large",
          multiAz: true,
          allocatedStorage: 100,
        }),
        resource("kubernetes:helm.sh/v3:Release", "lbc-a", { chart: "aws-load-balancer-controller" }),
        resource("kubernetes:helm.sh/v3:Release", "lbc-b", { chart: "eks/aws-load-balancer-controller" }),
      ],
      6000,
    );
    // 2 × (0.25 × 730 + 100 × 0.115) = 2 × 194 = 388; ALB 29.565 once.
    expect(estimate.total).toBeCloseTo(388 + 29.565, 3);
    expect(estimate.lines.filter((l) => l.type.startsWith("kubernetes:"))).toHaveLength(1);
  });

  it("reads a node group's instance type and disk from its launch template, and non-cluster-mode Redis", () => {
    const template = resource("aws:ec2/launchTemplate:LaunchTemplate", "lt", {
      instanceType: "c5.xlarge",
      blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 50, encrypted: "true" } }],
    });
    const estimate = estimateCost(
      [
        template,
        resource(
          "aws:eks/nodeGroup:NodeGroup",
          "pw",
          { scalingConfig: { minSize: 2 } },
          { dependencies: [template.urn] },
        ),
        resource("aws:elasticache/replicationGroup:ReplicationGroup", "r", {
          nodeType: "cache.r5.large",
          numCacheClusters: 2,
        }),
      ],
      1,
    );
    // 2 × 0.17 × 730 + 2 × 50 × 0.08 = 248.2 + 8 = 256.2; Redis 2 × 0.216 × 730 = 315.36
    expect(estimate.total).toBeCloseTo(256.2 + 315.36, 3);
    expect(estimate.overBudget).toBe(true);
  });

  it("prices a plain Auto Scaling group (the deployment runner) at its minimum, from its launch template", () => {
    const template = resource("aws:ec2/launchTemplate:LaunchTemplate", "runner", {
      instanceType: "t3.small",
      blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 30, encrypted: "true" } }],
    });
    const estimate = estimateCost(
      [template, resource("aws:autoscaling/group:Group", "runner", { minSize: 1 }, { dependencies: [template.urn] })],
      100,
    );
    // 0.0208 × 730 + 30 × 0.08 = 15.184 + 2.4
    expect(estimate.total).toBeCloseTo(15.184 + 2.4, 3);
  });

  it("bills no component; lists a remote component without modelled children as not priced, never as free", () => {
    const vpc = resource("awsx:ec2:Vpc", "v", {});
    const orphan = resource("eks:index:Cluster", "eks", {});
    const nat = resource("aws:ec2/natGateway:NatGateway", "v-1", {}, { parent: vpc.urn });
    const estimate = estimateCost([resource("qualisys:network:Network", "n"), vpc, nat, orphan], 1e6);
    expect(estimate.lines.map((l) => l.type)).toEqual(["aws:ec2/natGateway:NatGateway"]);
    expect(estimate.notPriced.map((r) => r.type)).toEqual(["eks:index:Cluster"]);
  });

  it("prices a control plane past EKS standard support at the extended-support rate, from the day standard support ends", () => {
    const plane = (version: string, today: string) =>
      estimateCost([resource("aws:eks/cluster:Cluster", "eks", { version })], 1e6, { today });
    // 1.34 left standard support on 2026-12-02 (EKS User Guide): $0.60 × 730 h = $438 from that day, $73 before.
    expect(plane("1.34", "2026-12-01").total).toBeCloseTo(73, 6);
    expect(plane("1.34", "2026-12-02").total).toBeCloseTo(438, 6);
    expect(plane("1.34", "2026-12-05").lines[0].detail).toMatch(/EXTENDED SUPPORT .*left standard support 2026-12-02/);
    expect(plane("1.35", "2026-12-05").lines[0].detail).toMatch(/standard support until 2027-03-27/);
  });

  it("has a price for every instance type, class and node type the config accepts", () => {
    const missing = [
      ...nodeInstanceTypes.filter((t) => !(t in ec2Hourly)),
      ...databaseInstanceClasses.filter((c) => !(c in rdsPostgresHourly)),
      ...cacheNodeTypes.filter((t) => !(t in elasticacheHourly)),
    ];
    expect(missing).toEqual([]);
  });

  it("prices Valkey nodes 20% below Redis OSS", () => {
    const group = (engine: string) =>
      estimateCost(
        [
          resource("aws:elasticache/replicationGroup:ReplicationGroup", "r", {
            engine,
            nodeType: "cache.r5.large",
            numCacheClusters: 1,
          }),
        ],
        1e6,
      ).total;
    // 0.216 × 730 = 157.68; × 0.8 = 126.144
    expect(group("redis")).toBeCloseTo(157.68, 6);
    expect(group("valkey")).toBeCloseTo(126.144, 6);
  });

  it("refuses to guess a price that is missing from the table", () => {
    expect(() =>
      estimateCost([resource("aws:rds/instance:Instance", "db", { instanceClass: "db.x99.huge" })], 100),
    ).toThrow(/RDS instance class db\.x99\.huge is not in the price table/);
  });

  it("prices the NAT gateways and EIPs awsx creates: one (Single), one per AZ (OnePerAz, its default), none (None)", () => {
    const vpc = (natGateways: unknown, azs: string[]) => {
      const cidrs = (third: number) => azs.map((_, i) => `10.0.${third + i}.0/24`);
      const component = resource("awsx:ec2:Vpc", "v", {
        ...(natGateways === undefined ? {} : { natGateways }),
        availabilityZoneNames: azs,
        subnetStrategy: "Auto",
        subnetSpecs: [
          { type: "Public", cidrBlocks: cidrs(0) },
          { type: "Private", cidrBlocks: cidrs(10) },
        ],
      });
      const estimate = estimateCost([component, ...modelledChildren([component], "us-east-1")], 100);
      return { total: estimate.total, types: estimate.lines.map((l) => l.type).sort() };
    };
    const nat = 0.045 * 730; // 32.85
    const ip = 0.005 * 730; // 3.65
    const azs = ["us-east-1a", "us-east-1b", "us-east-1c"];
    expect(vpc({ strategy: "Single" }, azs.slice(0, 2))).toEqual({
      total: expect.closeTo(nat + ip, 6),
      types: ["aws:ec2/eip:Eip", "aws:ec2/natGateway:NatGateway"],
    });
    expect(vpc({ strategy: "OnePerAz" }, azs).total).toBeCloseTo(3 * (nat + ip), 6);
    expect(vpc(undefined, azs.slice(0, 2)).total).toBeCloseTo(2 * (nat + ip), 6);
    expect(vpc({ strategy: "None" }, azs.slice(0, 2))).toEqual({ total: 0, types: [] });
  });

  it("prices the nodes warm placeholders keep up, beyond a pool's minimum (SPEC E6)", () => {
    const pool = (minSize: number) =>
      resource("aws:eks/nodeGroup:NodeGroup", "playwright", {
        instanceTypes: ["c5.xlarge"],
        labels: { pool: "playwright", dedicated: "playwright" },
        scalingConfig: { minSize, maxSize: 5 },
      });
    const others = [
      placeholders("other-pool", 3, { pool: "general" }), // pinned elsewhere
      placeholders("spread", 4, { dedicated: "playwright" }, false), // not one per node: may share nodes
    ];
    const node = 0.17 * 730 + 20 * 0.08; // 124.1 + 1.6 (default 20 GB root volume)
    const at = (minSize: number, warm: number) =>
      estimateCost([pool(minSize), placeholders("warm", warm, { dedicated: "playwright" }), ...others], 1e6);
    expect(at(0, 2).total).toBeCloseTo(2 * node, 6);
    expect(at(0, 2).lines[0].detail).toMatch(/^2 node\(s\) \(2 warm placeholder\(s\); min size 0\)/);
    expect(at(3, 2).total).toBeCloseTo(3 * node, 6); // the minimum already holds them
    expect(at(0, 0).total).toBe(0);
  });

  it("prices a Spot pool at the dated Spot assumption of its dearest type", () => {
    const group = (capacityType: string) =>
      estimateCost(
        [
          resource("aws:eks/nodeGroup:NodeGroup", "pw", {
            capacityType,
            instanceTypes: ["c5.xlarge", "c7i.xlarge"],
            scalingConfig: { minSize: 1 },
          }),
        ],
        1e6,
      ).lines[0];
    expect(spotPriceFraction).toBe(0.5);
    expect(SPOT_ASSUMED_ON).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // c7i.xlarge is the dearer ($0.1785/h): 0.5 × 0.1785 × 730 + 20 GB × 0.08 = 65.1525 + 1.6
    expect(group("SPOT").monthlyUsd).toBeCloseTo(65.1525 + 1.6, 6);
    expect(group("SPOT").detail).toContain(`Spot c5.xlarge/c7i.xlarge at 0.5 × c7i.xlarge's $0.1785/h on demand`);
    expect(group("SPOT").detail).toContain(SPOT_ASSUMED_ON);
    expect(group("ON_DEMAND").monthlyUsd).toBeCloseTo(0.1785 * 730 + 1.6, 6);
  });

  describe("on the real records", () => {
    const runs: Record<string, StackRun> = {};
    beforeAll(async () => {
      for (const stack of ["dev", "staging", "prod"]) runs[stack] = await runStack(stack);
      const { config } = readStackFile("staging");
      runs.parity = await runStack("staging", { config: { ...config, "qualisys:prodParity": true } });
    });

    it("dev: the warm placeholder's Spot node is priced at the Spot fraction of c5.xlarge, the dearest type it may launch (issue 16)", () => {
      const line = estimateCost(runs.dev.resources, 400).lines.find((l) => l.name === "qualisys-dev-playwright")!;
      // c5.xlarge: $0.17/h on demand in the AWS price list (Karpenter's table of 2026-07-20).
      expect(ec2Hourly["c5.xlarge"]).toBe(0.17);
      expect(line.monthlyUsd).toBeCloseTo(1 * (spotPriceFraction * 0.17 * 730 + 50 * 0.08), 6);
      expect(line.detail).toMatch(/^1 node\(s\) \(1 warm placeholder\(s\); min size 0\) × Spot /);
    });

    it("dev and staging fit their budgets; prod parity puts staging's data tier on the seed's r5.large", () => {
      for (const stack of ["dev", "staging"]) {
        const budget = readStackFile(stack).config["qualisys:monthlyBudgetUsd"] as number;
        expect(estimateCost(runs[stack].resources, budget).overBudget).toBe(false);
      }
      const classes = (run: StackRun) => [
        ...run.resources.filter((r) => r.type === "aws:rds/instance:Instance").map((r) => r.inputs.instanceClass),
        ...run.resources
          .filter((r) => r.type === "aws:elasticache/replicationGroup:ReplicationGroup")
          .map((r) => r.inputs.nodeType),
      ];
      expect(runs.parity.error).toBeUndefined();
      expect(classes(runs.staging)).toEqual(["db.t4g.small", "cache.t4g.micro"]);
      expect(classes(runs.parity)).toEqual(["db.r5.large", "cache.r5.large"]);
      // The switch costs what docs/cost.md's table says: (0.25 − 0.032) × 730 + 4 × (0.216 − 0.016) × 730.
      const lean = estimateCost(runs.staging.resources, 400);
      const parity = estimateCost(runs.parity.resources, 400);
      expect(parity.total - lean.total).toBeCloseTo((0.25 - 0.032) * 730 + 4 * (0.216 - 0.016) * 730, 6);
      expect(parity.overBudget).toBe(true); // the switch goes with a raised budget, visibly
    });

    it("docs/cost.md's totals and price sources are the estimate's (UPDATE_DOCS=1 rewrites them)", () => {
      const total = (stack: string) => estimateCost(runs[stack].resources, 0).total;
      const rows = ["dev", "staging", "prod"].map(
        (stack) =>
          `| ${stack} | ${total(stack).toFixed(2)} | ${readStackFile(stack).config["qualisys:monthlyBudgetUsd"] as number} |`,
      );
      const body = [
        "| Stack | Estimate (USD/month) | `monthlyBudgetUsd` |",
        "| --- | --- | --- |",
        ...rows,
        `| dev + staging | ${(total("dev") + total("staging")).toFixed(2)} | 500 (seed target) |`,
        "",
        `Prices: ${PRICE_SOURCE}. EKS control plane: $${unitPrices.eksClusterHourly}/h in standard support, $${unitPrices.eksExtendedSupportClusterHourly}/h in extended support.`,
      ].join("\n");
      const { current, expected } = generatedSection("docs/cost.md", "cost-totals", "tools/preview/cost.test.ts", body);
      expect(current).toEqual(expected);
    });

    it("dev and staging together fit the seed's $500 a month, and so do their budgets (issue 16)", () => {
      const budget = (stack: string) => readStackFile(stack).config["qualisys:monthlyBudgetUsd"] as number;
      const total = ["dev", "staging"].reduce((sum, stack) => sum + estimateCost(runs[stack].resources, 0).total, 0);
      expect(total).toBeLessThan(500);
      expect(budget("dev") + budget("staging")).toBeLessThanOrEqual(500);
      // Staging pays for no control plane, NAT gateway, ALB, WAF, node or runner: it runs on dev's.
      const staging = estimateCost(runs.staging.resources, 0)
        .lines.map((l) => l.detail)
        .join("\n");
      expect(staging).not.toMatch(/control plane|NAT gateway|ALB|web ACL|t3\.medium|t3\.small|Spot/);
    });

    // Per component, so the expectation survives the merge of the cluster and data areas (their own components
    // are priced by the synthetic tests above).
    it("dev: EncryptionKeys 7 keys; Network 1 NAT gateway + the flow-log group", () => {
      const byComponent = new Map(estimateCost(runs.dev.resources, 1000).byComponent);
      expect(byComponent.get("EncryptionKeys")).toBeCloseTo(7 * 1, 6); // 7 × $1
      expect(byComponent.get("Network")).toBeCloseTo(36.5 + 2.5, 6); // (0.045 + 0.005) × 730 + 5 GB × $0.50
      expect(byComponent.get("Identity")).toBeUndefined(); // IAM has no monthly charge
    });

    it("docs/cost.md's table of lines priced on modelled children, and the per-stack totals there, are the records' (UPDATE_DOCS=1 rewrites the table)", () => {
      const stacks = shippedStacks;
      const estimates = Object.fromEntries(stacks.map((s) => [s, estimateCost(runs[s].resources, 1e9)]));
      const modelled = (stack: string) => {
        const byUrn = new Map(runs[stack].resources.map((r) => [r.urn, r]));
        return estimates[stack].lines.filter((l) => byUrn.get(l.urn)?.modelled);
      };
      const types = [...new Set(stacks.flatMap((s) => modelled(s).map((l) => l.type)))].sort();
      expect(types.length).toBeGreaterThan(0);
      const money = (usd: number) =>
        usd.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
      const cell = (stack: string, type: string) =>
        modelled(stack)
          .filter((l) => l.type === type)
          .map((l) => money(l.monthlyUsd))
          .join(" + ") || "—";
      const body = [
        `| Child (monthly, us-east-1) | ${stacks.join(" | ")} |`,
        `| --- | ${stacks.map(() => "---").join(" | ")} |`,
        ...types.map((type) => `| \`${type}\` | ${stacks.map((s) => cell(s, type)).join(" | ")} |`),
        `| Priced on children | ${stacks.map((s) => money(modelled(s).reduce((sum, l) => sum + l.monthlyUsd, 0))).join(" | ")} |`,
        `| Stack total | ${stacks.map((s) => money(estimates[s].total)).join(" | ")} |`,
      ].join("\n");
      const { current, expected } = generatedSection(
        "docs/cost.md",
        "cost-children",
        "tools/preview/cost.test.ts",
        body,
      );
      expect(current).toEqual(expected);
      // The per-stack table above it states the same totals (dev, staging, prod columns).
      const totalRow = readFileSync(join(projectRoot, "docs", "cost.md"), "utf8")
        .split("\n")
        .find((line) => line.startsWith("| **Total**"))!;
      for (const stack of ["dev", "staging", "prod"])
        expect(totalRow).toContain(`**${money(estimates[stack].total)}**`);
    });

    it("prod: a NAT gateway per AZ doubles the NAT line", () => {
      const byComponent = new Map(estimateCost(runs.prod.resources, 6000).byComponent);
      expect(byComponent.get("Network")).toBeCloseTo(2 * 36.5 + 2.5, 6);
    });
  });
});
