import { engineConfig, readStackFile, runStack, shippedStacks, stacks } from "../offline/run";
import { environments } from "../core/environments";
import { regionOfferProblem } from "../core/instances";
import { maxPrefixLength } from "./aws-names";
import { ConfigError, parseStackConfig, type StackConfig } from "./schema";

type YamlConfig = Record<string, any>;

function yamlOf(stack: string): YamlConfig {
  return structuredClone(readStackFile(stack).config);
}

function parse(stack: string, config: YamlConfig = yamlOf(stack), secrets: Record<string, string> = {}): StackConfig {
  return parseStackConfig({ project: "qualisys", stack, ...engineConfig(config, secrets) });
}

function problemsOf(stack: string, config: YamlConfig, secrets: Record<string, string> = {}) {
  try {
    parse(stack, config, secrets);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected the config to be rejected");
}

describe("the stack files", () => {
  const configs = Object.fromEntries(stacks.map((stack) => [stack, parse(stack)])) as Record<string, StackConfig>;

  it.each(stacks)("%s evaluates", (stack) => {
    // A shipped stack is named for its environment; a personal or review stack declares one of them.
    if ((shippedStacks as readonly string[]).includes(stack)) expect(configs[stack].environment).toBe(stack);
    else expect(environments).toContain(configs[stack].environment);
    expect(configs[stack].prefix).toBe(`qualisys-${stack}`);
  });

  it("differ where the environments should (SPEC C2)", () => {
    const { dev, staging, prod } = configs;
    // Staging runs on dev's platform (docs/shared-platform.md); dev and prod have their own.
    if (!dev.network || !prod.network || staging.platform === undefined) throw new Error("unexpected platform shape");
    expect(staging.platform).toEqual({
      stack: "dev",
      namespaces: { app: "staging", bootstrap: "staging-db-bootstrap", secrets: "staging-secrets" },
    });
    // Decision 1: every stack names its one account; dev and staging share one, prod has its own.
    expect([dev, staging, prod].map((c) => c.accountId)).toEqual(["123456789012", "123456789012", "210987654321"]);
    expect(dev.tenants).toEqual(["staging", "dev-*", "review-*"]);
    expect(prod.tenants).toEqual([]);
    expect([dev.network.natGateways, prod.network.natGateways]).toEqual(["single", "onePerAz"]);
    expect([dev, staging, prod].map((c) => c.logRetentionDays)).toEqual([14, 30, 90]);
    // Issue 16: dev and staging run lean Graviton classes by default; prod keeps the seed's r5.large.
    expect([dev, staging, prod].map((c) => c.database.instanceClass)).toEqual([
      "db.t4g.small",
      "db.t4g.small",
      "db.r5.large",
    ]);
    expect([dev, staging, prod].map((c) => c.database.multiAz)).toEqual([false, false, true]);
    expect([dev, staging, prod].map((c) => c.cache.nodeType)).toEqual([
      "cache.t4g.micro",
      "cache.t4g.micro",
      "cache.r5.large",
    ]);
    expect([dev, prod].map((c) => c.cluster?.playwrightNodes.capacity)).toEqual(["spot", "onDemand"]);
    expect([dev, staging, prod].map((c) => c.prodParity)).toEqual([false, false, false]);
    expect([dev, staging, prod].map((c) => c.protect)).toEqual([false, false, true]);
    for (const c of [dev, prod]) {
      expect(c.cluster?.generalNodes).toMatchObject({ instanceType: "t3.medium", minSize: 2, maxSize: 10 });
      expect(c.cluster?.playwrightNodes.instanceType).toBe("c5.xlarge");
    }
    for (const c of [dev, staging, prod]) {
      expect(c.database.backupRetentionDays).toBe(7);
      expect(c.database.backupWindow).toBe("03:00-03:30");
    }
    expect(prod.cluster?.playwrightNodes).toMatchObject({ minSize: 5, maxSize: 20 });
    expect(dev.cluster?.playwrightNodes.maxSize).toBeLessThan(prod.cluster?.playwrightNodes.maxSize ?? 0);
    // Budgets that mean something (issue 16): dev's and staging's shares add up to the seed's $500, so the preview
    // fails as soon as a change grows either; dev's AWS Budget counts the whole shared account against the $500.
    expect(dev.monthlyBudgetUsd + staging.monthlyBudgetUsd).toBeLessThanOrEqual(500);
    expect(dev.budget).toEqual({ limitUsd: 500 });
    expect(staging.budget).toEqual({
      limitUsd: staging.monthlyBudgetUsd,
      costTag: { key: "environment", value: "staging" },
    });
    expect(prod.budget).toEqual({ limitUsd: prod.monthlyBudgetUsd });
  });

  it("prodParity gives staging the seed's r5.large data tier and nothing else; prod refuses it", () => {
    const yaml = yamlOf("staging");
    yaml["qualisys:prodParity"] = true;
    const parity = parse("staging", yaml);
    const lean = configs.staging;
    expect(parity.database.instanceClass).toBe("db.r5.large");
    expect(parity.cache.nodeType).toBe("cache.r5.large");
    expect({ ...parity.database, instanceClass: lean.database.instanceClass }).toEqual(lean.database);
    expect({ ...parity.cache, nodeType: lean.cache.nodeType }).toEqual(lean.cache);
    expect(parity.platform).toEqual(lean.platform);

    const prod = yamlOf("prod");
    prod["qualisys:prodParity"] = true;
    expect(problemsOf("prod", prod).problems).toContainEqual({
      key: "qualisys:prodParity",
      message: "is for non-production stacks (prod sets its sizes in Pulumi.prod.yaml)",
    });
  });

  it("apply the documented defaults", () => {
    const { dev } = configs;
    if (!dev.network || !dev.cluster || !configs.prod.cluster) throw new Error("dev and prod have their own platform");
    expect(dev.appName).toBe("qualisys");
    expect(dev.network.subnets.private).toEqual(["10.10.0.0/19", "10.10.32.0/19"]);
    expect(dev.cache).toMatchObject({ shards: 2, replicasPerShard: 1 });
    expect(dev.registry.repositories).toEqual(["qualisys-api", "qualisys-web", "playwright-runner"]);
    expect(dev.cluster.endpointPublicAccessCidrs).toEqual([]);
    expect(dev.alerting).toEqual({
      rdsCpuPercent: 80,
      rdsCpuPeriods: 3,
      redisMemoryPercent: 80,
      redisMemoryPeriods: 2,
      alb5xxPerFiveMinutes: 50,
      alb5xxPeriods: 2,
    });
    expect(dev.monitoring).toMatchObject({
      prometheusRetentionDays: 15,
      prometheusStorageGb: 50,
      storageClassName: "gp2",
    });
    expect(configs.prod.cluster.namespaces).toEqual(["production"]);
    expect(configs.prod.identity.githubSubjects).toEqual(["environment:production"]);
  });
});

/**
 * Bad configs, each built from a real stack file by breaking one thing. Each must fail with a message that names
 * the key (as written in Pulumi.<stack>.yaml) and the problem.
 */
const badConfigs: { name: string; stack: string; breakIt: (c: YamlConfig) => void; key: string; problem: RegExp }[] = [
  {
    name: "CIDR with a prefix above 32",
    stack: "dev",
    breakIt: (c) => (c["qualisys:network"].cidr = "10.0.0.0/33"),
    key: "qualisys:network.cidr",
    problem: /prefix length above 32/,
  },
  {
    name: "CIDR that is not an address",
    stack: "dev",
    breakIt: (c) => (c["qualisys:network"].cidr = "ten.zero/16"),
    key: "qualisys:network.cidr",
    problem: /not an IPv4 CIDR/,
  },
  {
    name: "CIDR not at its network address",
    stack: "dev",
    breakIt: (c) => (c["qualisys:network"].cidr = "10.10.0.1/16"),
    key: "qualisys:network.cidr",
    problem: /not aligned/,
  },
  {
    name: "VPC larger than AWS allows",
    stack: "dev",
    breakIt: (c) => (c["qualisys:network"].cidr = "10.0.0.0/8"),
    key: "qualisys:network.cidr",
    problem: /must be \/16 to \/28/,
  },
  {
    name: "overlapping subnets",
    stack: "dev",
    breakIt: (c) =>
      (c["qualisys:network"].subnets = {
        public: ["10.10.128.0/23", "10.10.130.0/23"],
        private: ["10.10.0.0/19", "10.10.32.0/19"],
        database: ["10.10.144.0/23", "10.10.32.0/24"],
      }),
    key: "qualisys:network.subnets.database[1]",
    problem: /10\.10\.32\.0\/24 overlaps 10\.10\.32\.0\/19 \(subnets\.private\[1\]\)/,
  },
  {
    name: "subnet outside the VPC",
    stack: "dev",
    breakIt: (c) =>
      (c["qualisys:network"].subnets = {
        public: ["10.10.128.0/23", "10.99.0.0/23"],
        private: ["10.10.0.0/19", "10.10.32.0/19"],
        database: ["10.10.144.0/23", "10.10.146.0/23"],
      }),
    key: "qualisys:network.subnets.public[1]",
    problem: /outside the VPC/,
  },
  {
    name: "a subnet missing for an AZ",
    stack: "dev",
    breakIt: (c) =>
      (c["qualisys:network"].subnets = {
        public: ["10.10.128.0/23"],
        private: ["10.10.0.0/19", "10.10.32.0/19"],
        database: ["10.10.144.0/23", "10.10.146.0/23"],
      }),
    key: "qualisys:network.subnets.public",
    problem: /has 1 CIDRs but azCount is 2/,
  },
  {
    name: "AZ outside the region",
    stack: "dev",
    breakIt: (c) => (c["qualisys:network"].availabilityZones = ["us-east-1a", "eu-west-1b"]),
    key: "qualisys:network.availabilityZones[1]",
    problem: /not in region us-east-1/,
  },
  {
    name: "min > max",
    stack: "dev",
    breakIt: (c) => (c["qualisys:cluster"].generalNodes.minSize = 12),
    key: "qualisys:cluster.generalNodes.minSize",
    problem: /minSize \(12\) is greater than maxSize \(10\)/,
  },
  {
    name: "unknown node instance type",
    stack: "dev",
    breakIt: (c) => (c["qualisys:cluster"].playwrightNodes.instanceType = "c5.xlarg"),
    key: "qualisys:cluster.playwrightNodes.instanceType",
    problem: /unknown EC2 instance type "c5.xlarg" .*that family has .*c5\.large/,
  },
  {
    name: "unknown RDS instance class",
    stack: "staging",
    breakIt: (c) => (c["qualisys:database"].instanceClass = "db.r5.larg"),
    key: "qualisys:database.instanceClass",
    problem: /unknown RDS instance class "db.r5.larg"/,
  },
  {
    name: "unknown cache node type",
    stack: "dev",
    breakIt: (c) => (c["qualisys:cache"].nodeType = "cache.t2.micro"),
    key: "qualisys:cache.nodeType",
    problem: /unknown ElastiCache node type/,
  },
  {
    name: "PostgreSQL below 15",
    stack: "dev",
    breakIt: (c) => (c["qualisys:database"].engineMajor = 14),
    key: "qualisys:database.engineMajor",
    problem: /PostgreSQL 14 is not supported/,
  },
  {
    name: "Redis below 7",
    stack: "dev",
    breakIt: (c) => (c["qualisys:cache"].engineVersion = "6.2"),
    key: "qualisys:cache.engineVersion",
    problem: /Redis 6.2 is below the required major 7/,
  },
  {
    name: "negative retention",
    stack: "dev",
    breakIt: (c) => (c["qualisys:logRetentionDays"] = -1),
    key: "qualisys:logRetentionDays",
    problem: /must not be negative/,
  },
  {
    name: "retention CloudWatch refuses",
    stack: "dev",
    breakIt: (c) => (c["qualisys:logRetentionDays"] = 45),
    key: "qualisys:logRetentionDays",
    problem: /45 is not a retention CloudWatch accepts/,
  },
  {
    name: "unknown key (typo)",
    stack: "dev",
    breakIt: (c) => (c["qualisys:databse"] = { instanceClass: "db.t3.medium" }),
    key: "qualisys:databse",
    problem: /unknown key/,
  },
  {
    name: "unknown nested key",
    stack: "dev",
    breakIt: (c) => (c["qualisys:network"].cidrBlock = "10.0.0.0/16"),
    key: "qualisys:network.cidrBlock",
    problem: /unknown key/,
  },
  {
    name: "unknown key inside a node pool (a misspelt warmPlaceholders)",
    stack: "dev",
    breakIt: (c) => (c["qualisys:cluster"].playwrightNodes.warmPlaceholder = 3),
    key: "qualisys:cluster.playwrightNodes.warmPlaceholder",
    problem: /unknown key/,
  },
  {
    name: "unknown key inside the general pool",
    stack: "dev",
    breakIt: (c) => (c["qualisys:cluster"].generalNodes.min = 3),
    key: "qualisys:cluster.generalNodes.min",
    problem: /unknown key/,
  },
  {
    name: "a Kubernetes version past EKS extended support (1.29 ended 2026-03-23)",
    stack: "dev",
    breakIt: (c) => (c["qualisys:cluster"].version = "1.29"),
    key: "qualisys:cluster.version",
    problem: /EKS ended extended support for Kubernetes 1\.29 on 2026-03-23/,
  },
  {
    name: "a Kubernetes version the EKS calendar does not know names the refresh command",
    stack: "dev",
    breakIt: (c) => (c["qualisys:cluster"].version = "1.40"),
    key: "qualisys:cluster.version",
    problem: /Kubernetes 1\.40 is not in the EKS version calendar .*npm run catalog:refresh/,
  },
  {
    name: "database maintenance window overlapping its backup window",
    stack: "dev",
    breakIt: (c) => (c["qualisys:database"].backupWindow = "03:45-04:15"),
    key: "qualisys:database.maintenanceWindow",
    problem: /\(sun:04:00-sun:04:30\) overlaps database\.backupWindow \(03:45-04:15\).*RDS refuses/,
  },
  {
    name: "cache maintenance window overlapping its snapshot window",
    stack: "dev",
    breakIt: (c) => (c["qualisys:cache"].maintenanceWindow = "tue:04:30-tue:05:30"),
    key: "qualisys:cache.maintenanceWindow",
    problem: /\(tue:04:30-tue:05:30\) overlaps cache\.snapshotWindow \(04:00-05:00\).*ElastiCache refuses/,
  },
  {
    name: "cache snapshot window shorter than ElastiCache's hour",
    stack: "dev",
    breakIt: (c) => (c["qualisys:cache"].snapshotWindow = "02:00-02:30"),
    key: "qualisys:cache.snapshotWindow",
    problem: /is 30 minutes long; ElastiCache's minimum is 60 minutes/,
  },
  {
    name: "a version YAML read as a number (unquoted 1.30)",
    stack: "dev",
    breakIt: (c) => (c["qualisys:cluster"].version = 1.3),
    key: "qualisys:cluster.version",
    problem: /unknown Kubernetes version 1\.3; .*quote versions: "1\.30"/,
  },
  {
    name: "wrong type",
    stack: "dev",
    breakIt: (c) => (c["qualisys:network"].azCount = "two"),
    key: "qualisys:network.azCount",
    problem: /expected number/,
  },
  {
    name: "wrong type at the top",
    stack: "dev",
    breakIt: (c) => (c["qualisys:monthlyBudgetUsd"] = "lots"),
    key: "qualisys:monthlyBudgetUsd",
    problem: /must be a whole number of USD/,
  },
  {
    name: "missing required section",
    stack: "dev",
    breakIt: (c) => delete c["qualisys:identity"],
    key: "qualisys:identity",
    problem: /is required/,
  },
  {
    name: "missing region",
    stack: "dev",
    breakIt: (c) => delete c["aws:region"],
    key: "aws:region",
    problem: /is required/,
  },
  {
    name: "prod with one NAT gateway",
    stack: "prod",
    breakIt: (c) => (c["qualisys:network"].natGateways = "single"),
    key: "qualisys:network.natGateways",
    problem: /must be "onePerAz" in prod/,
  },
  {
    name: "prod without Multi-AZ",
    stack: "prod",
    breakIt: (c) => (c["qualisys:database"].multiAz = false),
    key: "qualisys:database.multiAz",
    problem: /must be true in prod/,
  },
  {
    name: "prod unprotected",
    stack: "prod",
    breakIt: (c) => (c["qualisys:protectStatefulResources"] = false),
    key: "qualisys:protectStatefulResources",
    problem: /must not be false in prod/,
  },
  {
    name: "prod CI trusting a branch",
    stack: "prod",
    breakIt: (c) => c["qualisys:identity"].githubSubjects.push("ref:refs/heads/main"),
    key: "qualisys:identity.githubSubjects",
    problem: /only through a GitHub Environment/,
  },
  {
    name: "CI role trusting pull requests (it can write: pull requests get only ci-preview, SPEC P4)",
    stack: "dev",
    breakIt: (c) => c["qualisys:identity"].githubSubjects.push("pull_request"),
    key: "qualisys:identity.githubSubjects[2]",
    problem: /pull_request is not allowed: the CI role can write/,
  },
  {
    name: "prod with an expiry date",
    stack: "prod",
    breakIt: (c) => (c["qualisys:expiresOn"] = "2027-01-31"),
    key: "qualisys:expiresOn",
    problem: /prod is never destroyed on a schedule/,
  },
  {
    name: "wildcard repository",
    stack: "dev",
    breakIt: (c) => (c["qualisys:identity"].githubRepository = "qualisys/*"),
    key: "qualisys:identity.githubRepository",
    problem: /without wildcards/,
  },
  {
    name: "API open to the world",
    stack: "dev",
    breakIt: (c) => (c["qualisys:cluster"].endpointPublicAccessCidrs = ["0.0.0.0/0"]),
    key: "qualisys:cluster.endpointPublicAccessCidrs",
    problem: /must not open the API/,
  },
  {
    name: "API open to the world in two halves",
    stack: "dev",
    breakIt: (c) => (c["qualisys:cluster"].endpointPublicAccessCidrs = ["0.0.0.0/1", "128.0.0.0/1"]),
    key: "qualisys:cluster.endpointPublicAccessCidrs",
    problem: /must not open the API to more public addresses than a \/16/,
  },
  {
    name: "prod without a domain (prod serves HTTPS only)",
    stack: "prod",
    breakIt: (c) => delete c["qualisys:domain"],
    key: "qualisys:domain",
    problem: /is required in prod: prod serves HTTPS only/,
  },
  {
    name: "prod with a domain but no hosted zone for its certificate",
    stack: "prod",
    breakIt: (c) => delete c["qualisys:cluster"].hostedZoneId,
    key: "qualisys:cluster.hostedZoneId",
    problem: /is required when qualisys:domain is set/,
  },
  {
    name: "prod stack declaring itself dev",
    stack: "prod",
    breakIt: (c) => (c["qualisys:environment"] = "dev"),
    key: "qualisys:environment",
    problem: /stack prod is named for production/,
  },
  {
    name: "AMI for another Kubernetes version",
    stack: "dev",
    breakIt: (c) => (c["qualisys:cluster"].nodeAmiReleaseVersion = "1.34.7-20260903"),
    key: "qualisys:cluster.nodeAmiReleaseVersion",
    problem: /for Kubernetes 1.34 but the cluster version is 1.35/,
  },
  {
    name: "more placeholders than nodes",
    stack: "dev",
    breakIt: (c) => (c["qualisys:cluster"].playwrightNodes.warmPlaceholders = 9),
    key: "qualisys:cluster.playwrightNodes.warmPlaceholders",
    problem: /exceeds playwrightNodes.maxSize/,
  },
  {
    name: "placeholder larger than a Playwright node",
    stack: "dev",
    breakIt: (c) => (c["qualisys:cluster"].placeholder = { cpu: "4", memory: "5Gi" }),
    key: "qualisys:cluster.placeholder",
    problem: /\(4 CPU, 5Gi\) does not fit on one c5.xlarge of playwrightNodes \(4 vCPU, 8 GiB/,
  },
  {
    name: "placeholder too big once the pool moves to a smaller type",
    stack: "dev",
    breakIt: (c) => (c["qualisys:cluster"].playwrightNodes.instanceType = "c5.large"),
    key: "qualisys:cluster.placeholder",
    problem: /does not fit on one c5.large/,
  },
  {
    name: "kube-proxy add-on for another Kubernetes version",
    stack: "dev",
    breakIt: (c) => (c["qualisys:cluster"].addons = { kubeProxy: "v1.34.1-eksbuild.3" }),
    key: "qualisys:cluster.addons.kubeProxy",
    problem: /for Kubernetes 1.34 but the cluster version is 1.35/,
  },
  {
    name: "chart version given as a range",
    stack: "dev",
    breakIt: (c) => (c["qualisys:cluster"].charts = { externalSecrets: "^1.3" }),
    key: "qualisys:cluster.charts.externalSecrets",
    problem: /exact chart version/,
  },
  {
    name: "placeholder memory without a unit",
    stack: "dev",
    breakIt: (c) => (c["qualisys:cluster"].placeholder = { memory: "5" }),
    key: "qualisys:cluster.placeholder.memory",
    problem: /memory quantity/,
  },
  {
    name: "domain without a hosted zone",
    stack: "dev",
    breakIt: (c) => (c["qualisys:domain"] = "qualisys.example.com"),
    key: "qualisys:cluster.hostedZoneId",
    problem: /required when qualisys:domain is set/,
  },
  {
    name: "storage ceiling below the start",
    stack: "dev",
    breakIt: (c) => (c["qualisys:database"].maxAllocatedStorageGb = 30),
    key: "qualisys:database.maxAllocatedStorageGb",
    problem: /below allocatedStorageGb/,
  },
  {
    name: "role password rotation date that is not a date",
    stack: "dev",
    breakIt: (c) => (c["qualisys:database"].rolePasswordsRotatedOn = "last tuesday"),
    key: "qualisys:database.rolePasswordsRotatedOn",
    problem: /must be a date like "2026-11-01"/,
  },
  {
    name: "Performance Insights retention RDS refuses",
    stack: "dev",
    breakIt: (c) => (c["qualisys:database"].performanceInsightsRetentionDays = 30),
    key: "qualisys:database.performanceInsightsRetentionDays",
    problem: /must be 7, 731 or a multiple of 31/,
  },
  {
    name: "tenant cap of zero",
    stack: "dev",
    breakIt: (c) => (c["qualisys:database"].maxTenants = 0),
    key: "qualisys:database.maxTenants",
    problem: /must be at least 1/,
  },
  {
    name: "tenant cap past what the bootstrap Job's deadline migrates",
    stack: "dev",
    breakIt: (c) => (c["qualisys:database"].maxTenants = 100_001),
    key: "qualisys:database.maxTenants",
    problem: /must be at most 100000/,
  },
  {
    name: "secret recovery window outside 7–30 days",
    stack: "dev",
    breakIt: (c) => (c["qualisys:secretsManager"] = { recoveryWindowDays: 3 }),
    key: "qualisys:secretsManager.recoveryWindowDays",
    problem: /must be at least 7/,
  },
  {
    name: "cache snapshot window in the wrong shape",
    stack: "dev",
    breakIt: (c) => (c["qualisys:cache"].snapshotWindow = "4am"),
    key: "qualisys:cache.snapshotWindow",
    problem: /must look like "04:00-05:00"/,
  },
  {
    name: "bad alert e-mail",
    stack: "dev",
    breakIt: (c) => (c["qualisys:budgetAlertEmails"] = ["devops-at-example"]),
    key: "qualisys:budgetAlertEmails[0]",
    problem: /not an e-mail address/,
  },
  {
    name: "alarm threshold above 100%",
    stack: "dev",
    breakIt: (c) => (c["qualisys:alerting"] = { rdsCpuPercent: 120 }),
    key: "qualisys:alerting.rdsCpuPercent",
    problem: /percentage of at most 100/,
  },
  {
    name: "alarm evaluation of zero periods",
    stack: "dev",
    breakIt: (c) => (c["qualisys:alerting"] = { alb5xxPeriods: 0 }),
    key: "qualisys:alerting.alb5xxPeriods",
    problem: /must be at least 1/,
  },
  {
    name: "unknown alerting key",
    stack: "dev",
    breakIt: (c) => (c["qualisys:alerting"] = { rdsCpu: 90 }),
    key: "qualisys:alerting.rdsCpu",
    problem: /unknown key/,
  },
  {
    name: "Prometheus volume too small for its retention",
    stack: "dev",
    breakIt: (c) => (c["qualisys:monitoring"] = { prometheusRetentionDays: 30, prometheusStorageGb: 20 }),
    key: "qualisys:monitoring.prometheusStorageGb",
    problem: /too small for 30 days of retention/,
  },
  {
    name: "Slack channel without #",
    stack: "dev",
    breakIt: (c) => (c["qualisys:monitoring"] = { slackCriticalChannel: "alerts" }),
    key: "qualisys:monitoring.slackCriticalChannel",
    problem: /must look like "#alerts-prod"/,
  },
  {
    name: "too many budget recipients",
    stack: "dev",
    breakIt: (c) => (c["qualisys:budgetAlertEmails"] = Array.from({ length: 10 }, (_, i) => `ops${i}@example.com`)),
    key: "qualisys:budgetAlertEmails",
    problem: /more than 9 addresses/,
  },
  {
    name: "secret set as plain text",
    stack: "dev",
    breakIt: (c) => (c["qualisys:slackWebhookUrl"] = "https://hooks.slack.com/services/T0/B0/x"),
    key: "qualisys:slackWebhookUrl",
    problem: /is a secret; set it with `pulumi config set --secret/,
  },
  {
    name: "prod on another stack's platform",
    stack: "prod",
    breakIt: (c) => (c["qualisys:platform"] = { stack: "dev" }),
    key: "qualisys:platform",
    problem: /prod runs on its own platform/,
  },
  {
    name: "a hosted stack that also declares a network",
    stack: "staging",
    breakIt: (c) => (c["qualisys:network"] = { cidr: "10.20.0.0/16" }),
    key: "qualisys:network",
    problem: /is the host's: this stack runs on dev's platform/,
  },
  {
    name: "a hosted stack that also declares a cluster",
    stack: "staging",
    breakIt: (c) => (c["qualisys:cluster"] = yamlOf("dev")["qualisys:cluster"]),
    key: "qualisys:cluster",
    problem: /set it in Pulumi\.dev\.yaml, or remove qualisys:platform/,
  },
  {
    name: "a stack hosted on itself",
    stack: "staging",
    breakIt: (c) => (c["qualisys:platform"] = { stack: "staging" }),
    key: "qualisys:platform.stack",
    problem: /is this stack itself/,
  },
  {
    name: "a hosted stack that picks its namespace (its stack name does)",
    stack: "staging",
    breakIt: (c) => (c["qualisys:platform"] = { stack: "dev", namespace: "staging2" }),
    key: "qualisys:platform.namespace",
    problem: /unknown key/,
  },
  {
    name: "a hosted stack that also declares a registry",
    stack: "staging",
    breakIt: (c) => (c["qualisys:registry"] = { repositories: ["qualisys-api"] }),
    key: "qualisys:registry",
    problem: /deploys images from its registry, promoted by digest/,
  },
  {
    name: "a hosted stack that hosts tenants itself",
    stack: "staging",
    breakIt: (c) => (c["qualisys:tenants"] = ["review-*"]),
    key: "qualisys:tenants",
    problem: /a tenant hosts nobody/,
  },
  {
    name: "prod hosting tenants",
    stack: "prod",
    breakIt: (c) => (c["qualisys:tenants"] = ["staging"]),
    key: "qualisys:tenants",
    problem: /prod hosts no other stack/,
  },
  {
    name: "a tenant listed twice",
    stack: "dev",
    breakIt: (c) => (c["qualisys:tenants"] = ["staging", "staging"]),
    key: "qualisys:tenants",
    problem: /lists a tenant twice/,
  },
  {
    name: "no account named",
    stack: "dev",
    breakIt: (c) => delete c["aws:allowedAccountIds"],
    key: "aws:allowedAccountIds",
    problem: /is required: the one AWS account this stack deploys into/,
  },
  {
    name: "two accounts named",
    stack: "dev",
    breakIt: (c) => (c["aws:allowedAccountIds"] = ["123456789012", "210987654321"]),
    key: "aws:allowedAccountIds",
    problem: /must list exactly one 12-digit AWS account id/,
  },
  {
    name: "an account id that is not 12 digits",
    stack: "staging",
    breakIt: (c) => (c["aws:allowedAccountIds"] = ["12345"]),
    key: "aws:allowedAccountIds",
    problem: /must list exactly one 12-digit AWS account id as a string/,
  },
  {
    name: "a hosted stack whose budget cannot tell its costs apart",
    stack: "staging",
    breakIt: (c) => delete c["aws:defaultTags"],
    key: "aws:defaultTags",
    problem: /must give tags\.environment/,
  },
  {
    name: "no cluster and no platform to share",
    stack: "dev",
    breakIt: (c) => delete c["qualisys:cluster"],
    key: "qualisys:cluster",
    problem: /is required \(the EKS cluster\), unless qualisys:platform/,
  },
  {
    name: "an account budget below the stack's own",
    stack: "dev",
    breakIt: (c) => (c["qualisys:accountBudgetUsd"] = 100),
    key: "qualisys:accountBudgetUsd",
    problem: /is below monthlyBudgetUsd/,
  },
  {
    name: "an account budget on a hosted stack",
    stack: "staging",
    breakIt: (c) => (c["qualisys:accountBudgetUsd"] = 600),
    key: "qualisys:accountBudgetUsd",
    problem: /is for the stack that owns the account's platform \(dev\)/,
  },
];

describe("a bad config", () => {
  it("corpus has at least 15 distinct cases", () => {
    expect(new Set(badConfigs.map((c) => c.key)).size).toBeGreaterThanOrEqual(15);
  });

  it.each(badConfigs)("$name fails under $key", ({ stack, breakIt, key, problem }) => {
    const config = yamlOf(stack);
    breakIt(config);
    const error = problemsOf(stack, config);
    const matching = error.problems.filter((p) => p.key === key);
    expect(matching.map((p) => p.message)).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
    expect(error.message).toContain(`${key}: `);
  });

  it("refuses a stack name that makes names AWS refuses (a dot: EKS, load balancer and RDS names), under appName", () => {
    const error = problemsOf("eu.prod", yamlOf("prod"));
    const messages = error.problems.filter((p) => p.key === "qualisys:appName").map((p) => p.message);
    expect(messages).toEqual([
      expect.stringMatching(/the EKS cluster name would be "qualisys-eu\.prod": EKS allows/),
      expect.stringMatching(/the load balancer name would be "qualisys-eu\.prod-alb": .*at most 32 letters/),
      expect.stringMatching(/the RDS final snapshot identifier would be "qualisys-eu\.prod-postgres-final"/),
    ]);
  });

  it("refuses a node type the region does not offer, naming the pool's key and aws:region", () => {
    expect(regionOfferProblem("c5.xlarge", "us-east-1")).toBeUndefined();
    // A region whose list lacks the type (a fixture: the data file holds us-east-1 only).
    const lists = { "eu-south-9": { "t3.medium": [] } };
    expect(regionOfferProblem("c5.xlarge", "eu-south-9", lists)).toMatch(
      /^c5\.xlarge is not offered in eu-south-9 \(aws:region\) according to the instance data/,
    );
    expect(regionOfferProblem("c5.xlarge", "ap-nowhere-1", lists)).toBeUndefined();
  });

  it("reports every problem at once, not just the first", () => {
    const config = yamlOf("dev");
    const chosen = [
      "CIDR that is not an address",
      "min > max",
      "PostgreSQL below 15",
      "Redis below 7",
      "unknown key (typo)",
    ];
    const cases = badConfigs.filter((c) => chosen.includes(c.name));
    for (const { breakIt } of cases) breakIt(config);
    const error = problemsOf("dev", config);
    expect(error.problems.map((p) => p.key).sort()).toEqual(cases.map((c) => c.key).sort());
    expect(error.message).toMatch(/5 problems; nothing was created/);
  });

  // The program validates before declaring anything: a bad config registers zero resources.
  it.each(badConfigs)("$name registers nothing", async ({ stack, breakIt, key }) => {
    const config = yamlOf(stack);
    breakIt(config);
    const run = await runStack(stack, { config });
    expect(run.error).toBeInstanceOf(ConfigError);
    expect(run.error?.message).toContain(key);
    expect(run.resources).toEqual([]);
  });
});

describe("a tenant's stack name, which names its namespaces on the host's cluster", () => {
  it.each([
    ["Review_1", /must be lowercase letters, digits and dashes/],
    ["a".repeat(51), /would be longer than 63 characters: use a stack name of at most 50/],
    ["monitoring", /namespace monitoring is one of the host platform's own/],
  ])("%s is refused under qualisys:platform", (stack, message) => {
    const config = { ...yamlOf("staging"), "qualisys:environment": "staging" };
    expect(problemsOf(stack, config).problems).toEqual(
      expect.arrayContaining([{ key: "qualisys:platform", message: expect.stringMatching(message) }]),
    );
  });

  it("names its three namespaces after the stack", () => {
    const config = {
      ...yamlOf("staging"),
      "qualisys:environment": "staging",
      "aws:defaultTags": { tags: { environment: "review-42" } },
    };
    expect(parse("review-42", config).platform?.namespaces).toEqual({
      app: "review-42",
      bootstrap: "review-42-db-bootstrap",
      secrets: "review-42-secrets",
    });
  });
});

describe("a tenant's permissions boundary, which must fit IAM's managed-policy size", () => {
  const as = (stack: string, extra: YamlConfig = {}) => ({
    ...yamlOf("staging"),
    "qualisys:environment": "staging",
    "aws:defaultTags": { tags: { environment: stack } },
    ...extra,
  });

  it("takes a name prefix of up to 26 characters, and refuses a longer one under qualisys:platform", () => {
    expect(parse("s".repeat(17), as("s".repeat(17))).prefix).toHaveLength(26);
    expect(problemsOf("s".repeat(18), as("s".repeat(18))).problems).toEqual([
      {
        key: "qualisys:platform",
        message: expect.stringMatching(/this stack's name prefix qualisys-s{18} has 27 characters; .* 26, .*6,144/),
      },
    ]);
  });

  it("refuses a host whose name prefix is too long", () => {
    const host = "h".repeat(18);
    expect(problemsOf("review-1", as("review-1", { "qualisys:platform": { stack: host } })).problems).toEqual([
      {
        key: "qualisys:platform",
        message: expect.stringMatching(new RegExp(`its host's name prefix qualisys-${host} has 27 characters`)),
      },
    ]);
  });

  it("requires the tenant's environment tag to be its own name", () => {
    expect(
      problemsOf("review-1", as("review-1", { "aws:defaultTags": { tags: { environment: "staging" } } })).problems,
    ).toEqual([
      {
        key: "aws:defaultTags",
        message: expect.stringMatching(
          /tags\.environment is "staging"; a stack on dev's platform tags its resources with its own name \("review-1"\)/,
        ),
      },
    ]);
  });
});

describe("a stack named for production", () => {
  it.each(["production", "prod-eu", "eu.prod", "customer_production"])("%s cannot declare itself staging", (stack) => {
    const config = { ...yamlOf("prod"), "qualisys:environment": "staging" };
    expect(problemsOf(stack, config).problems).toEqual(
      expect.arrayContaining([{ key: "qualisys:environment", message: expect.stringMatching(/named for production/) }]),
    );
  });

  it.each(["preprod", "products", "dev"])("%s is not taken for production", (stack) => {
    const dev = yamlOf("dev");
    const config: YamlConfig = { ...yamlOf("prod"), "qualisys:environment": "staging" };
    for (const key of ["qualisys:network", "qualisys:database"]) config[key] = { ...dev[key] };
    expect(parse(stack, config).environment).toBe("staging");
  });
});

describe("prod needs TLS", () => {
  it("a planted prod stack without a domain and hosted zone is refused, naming both keys", () => {
    const config = yamlOf("prod");
    delete config["qualisys:domain"];
    delete config["qualisys:cluster"].hostedZoneId;
    for (const stack of ["prod", "prod-eu"]) {
      const keys = problemsOf(stack, config).problems.map((p) => p.key);
      expect([stack, keys]).toEqual([stack, ["qualisys:domain", "qualisys:cluster.hostedZoneId"]]);
    }
  });

  it("is not asked of dev or a copy of it", () => {
    expect(yamlOf("dev")["qualisys:domain"]).toBeUndefined();
    expect(parse("dev-alice", yamlOf("dev")).domain).toBeUndefined();
  });

  it("ships prod with placeholders no one owns: a domain reserved by RFC 2606 and a zone id saying to replace it", () => {
    const prod = yamlOf("prod");
    expect(prod["qualisys:domain"]).toMatch(/(^|\.)example\.(com|net|org)$/);
    expect(prod["qualisys:cluster"].hostedZoneId).toMatch(/REPLACE/);
  });
});

it("takes budgets in whole dollars, as Pulumi.yaml declares them", () => {
  expect(problemsOf("dev", { ...yamlOf("dev"), "qualisys:monthlyBudgetUsd": 404.5 }).problems).toEqual([
    { key: "qualisys:monthlyBudgetUsd", message: expect.stringMatching(/whole number/) },
  ]);
});

describe("the stack name (SPEC C4: every physical name fits AWS's limits)", () => {
  const longest = "a".repeat(maxPrefixLength - "qualisys-".length);

  it(`is accepted up to ${maxPrefixLength} characters of prefix (qualisys-<stack>), and refused one longer, under appName`, () => {
    expect(parse(longest, yamlOf("dev")).prefix).toHaveLength(maxPrefixLength);
    expect(problemsOf(`${longest}b`, yamlOf("dev")).problems).toEqual([
      {
        key: "qualisys:appName",
        message: expect.stringMatching(
          /the load balancer name would be "qualisys-a+b-alb": .*at most 32 .*\(this one is 33\)/,
        ),
      },
    ]);
  });

  it.each([
    ["Dev-Alice", ["S3 bucket name of the secrets audit trail"]],
    ["dev_alice", ["load balancer name", "RDS final snapshot identifier"]],
    ["dev--alice", ["RDS final snapshot identifier"]],
    ["dev-", ["RDS final snapshot identifier"]],
  ])("%s is refused, naming the AWS name it would break: %j", (stack, names) => {
    const { problems } = problemsOf(stack, yamlOf("dev"));
    expect(problems.map((p) => p.key)).toEqual(names.map(() => "qualisys:appName"));
    names.forEach((name, i) => expect(problems[i].message).toContain(`the ${name} would be`));
  });
});

describe("secret config", () => {
  it("is accepted when it arrives as a secret", () => {
    const parsed = parse("dev", yamlOf("dev"), {
      "qualisys:slackWebhookUrl": "https://hooks.slack.com/services/T0/B0/x",
    });
    expect(parsed.secretsSet).toEqual(["slackWebhookUrl"]);
    expect(JSON.stringify(parsed)).not.toContain("hooks.slack.com");
  });

  it("is still validated", () => {
    const error = problemsOf("dev", yamlOf("dev"), { "qualisys:slackWebhookUrl": "http://example.com/hook" });
    expect(error.problems).toEqual([
      { key: "qualisys:slackWebhookUrl", message: expect.stringMatching(/hooks\.slack\.com/) },
    ]);
    expect(error.message).not.toContain("example.com");
  });
});
