/**
 * docs/cost.md's per-stack table: each stack's offline estimate (./../preview/cost) grouped into the lines a
 * reader compares across stacks, with the budgets from the stack files. Written by tools/preview/cost.test.ts,
 * which holds the records (prod parity included).
 */
import type { StackConfig } from "../../config/schema";
import type { RecordedResource } from "../../offline/run";
import { estimateCost, type CostLine } from "../preview/cost";
import { usd, whole } from "./figures";

interface Group {
  label: string;
  holds: (line: CostLine) => boolean;
}

const ofTypes =
  (...types: string[]) =>
  (line: CostLine) =>
    types.includes(line.type);
const runnerLine = (line: CostLine) => line.component === "DeploymentRunner";
const nodeGroup = (pool: string) => (line: CostLine) =>
  line.type === "aws:eks/nodeGroup:NodeGroup" && line.name.includes(`-${pool}`);

/**
 * The lines of the table, in order, each with the cost lines it sums. The control plane, NAT gateways and node
 * groups are the awsx and eks components' modelled children (docs/record.md), which is what AWS bills and what
 * ../preview/cost prices. tools/docs/doc-figures.ts sums the same groups for the figures the docs state.
 */
export const costGroups = {
  controlPlane: { label: "EKS control plane", holds: ofTypes("aws:eks/cluster:Cluster") },
  nat: { label: "NAT gateway(s) + IPv4", holds: ofTypes("aws:ec2/natGateway:NatGateway", "aws:ec2/eip:Eip") },
  edge: {
    label: "ALB (created by the controller), WAF",
    holds: ofTypes("kubernetes:helm.sh/v3:Release", "aws:wafv2/webAcl:WebAcl"),
  },
  overhead: {
    label: "Log groups (assumed 5 GB each), KMS keys, secrets, alarms",
    holds: (l) =>
      ofTypes(
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:kms/key:Key",
        "aws:secretsmanager/secret:Secret",
        "aws:cloudwatch/metricAlarm:MetricAlarm",
      )(l) && !runnerLine(l),
  },
  generalNodes: { label: "General nodes + root volumes", holds: nodeGroup("general") },
  playwrightNodes: {
    label: "Playwright: always-on nodes (minimum or warm placeholders)",
    holds: nodeGroup("playwright"),
  },
  postgres: { label: "PostgreSQL", holds: ofTypes("aws:rds/instance:Instance") },
  redis: { label: "Redis", holds: ofTypes("aws:elasticache/replicationGroup:ReplicationGroup") },
  runner: { label: "Deployment runner", holds: runnerLine },
} satisfies Record<string, Group>;

const groups: Group[] = Object.values(costGroups);

export interface CostColumn {
  title: string;
  resources: RecordedResource[];
  config: StackConfig;
}

const count = (resources: RecordedResource[], type: string) => resources.filter((r) => r.type === type).length;

/** What a line holds for one stack, so the reader sees why two stacks differ. */
function note(label: string, column: CostColumn): string {
  const { resources, config } = column;
  if (label.startsWith("Log groups"))
    return `${count(resources, "aws:cloudwatch/logGroup:LogGroup")} groups, ${count(resources, "aws:kms/key:Key")} keys`;
  if (label.startsWith("General") && config.cluster)
    return `${config.cluster.generalNodes.minSize} × ${config.cluster.generalNodes.instanceType}, ${config.cluster.generalNodes.diskSizeGb} GB`;
  if (label.startsWith("Playwright") && config.cluster) {
    const pool = config.cluster.playwrightNodes;
    return `${Math.max(pool.minSize, pool.warmPlaceholders)} × ${pool.instanceType}${pool.capacity === "spot" ? " shape, Spot" : ", on demand"}`;
  }
  if (label === "PostgreSQL")
    return `${config.database.instanceClass}${config.database.multiAz ? " Multi-AZ" : ""} + ${config.database.allocatedStorageGb} GB`;
  if (label === "Redis")
    return `${config.cache.shards} × ${1 + config.cache.replicasPerShard} × ${config.cache.nodeType}`;
  return "";
}

/** The table: one column per stack (or variant), a line per group, the total and the budgets. */
export function costTable(columns: CostColumn[]): string {
  const estimates = columns.map((c) => estimateCost(c.resources, c.config.monthlyBudgetUsd));
  const rows = groups.map(({ label, holds }) => {
    const cells = columns.map((column, i) => {
      const lines = estimates[i].lines.filter(holds);
      if (lines.length === 0) return column.config.platform ? `— (${column.config.platform.stack}'s)` : "—";
      const sum = lines.reduce((total, l) => total + l.monthlyUsd, 0);
      const why = note(label, column);
      return `${usd(sum)}${why ? ` (${why})` : ""}`;
    });
    return `| ${label} | ${cells.join(" | ")} |`;
  });
  const priced = groups.reduce<(l: CostLine) => boolean>(
    (any, g) => (l) => any(l) || g.holds(l),
    () => false,
  );
  const other = columns.map((_, i) =>
    usd(estimates[i].lines.filter((l) => !priced(l)).reduce((total, l) => total + l.monthlyUsd, 0)),
  );
  return [
    `| Line (monthly, us-east-1) | ${columns.map((c) => c.title).join(" | ")} |`,
    `| --- | ${columns.map(() => "---").join(" | ")} |`,
    ...rows,
    `| Everything else priced | ${other.join(" | ")} |`,
    `| **Total** | ${estimates.map((e) => `**${usd(e.total)}**`).join(" | ")} |`,
    `| \`monthlyBudgetUsd\` (the preview fails above it) | ${columns
      .map(
        (c, i) =>
          `${whole(c.config.monthlyBudgetUsd)}${estimates[i].overBudget ? " (over: raise it with the switch)" : ""}`,
      )
      .join(" | ")} |`,
    `| AWS Budget | ${columns
      .map((c) =>
        c.config.budget.costTag
          ? `${whole(c.config.budget.limitUsd)} (tag \`${c.config.budget.costTag.key}=${c.config.budget.costTag.value}\`)`
          : `${whole(c.config.budget.limitUsd)} (whole account)`,
      )
      .join(" | ")} |`,
  ].join("\n");
}
