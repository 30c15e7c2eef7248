/**
 * Monthly cost estimate of a harness record: one data-driven rule per resource type reads the record's inputs
 * and prices them from the table in prices.ts. Types with no fixed monthly charge are listed as such; types with
 * no rule cost 0 and are listed as "not priced", so a reader sees what the total leaves out. What the awsx and eks
 * components create (NAT gateways, EIPs, the EKS control plane, node groups) is priced on their modelled children
 * (offline/children), the resources AWS bills, not on the components.
 */
import type { RecordedResource } from "../../offline/run";
import { loadCatalogue } from "../../upstream/catalogue";
import { supportStatus, utcToday, type EksCalendar } from "../../upstream/eks-calendar";
import { componentOf } from "./inventory";
import {
  HOURS_PER_MONTH,
  PRICES_AS_OF,
  PRICE_SOURCE,
  SPOT_SOURCE,
  ec2Hourly,
  elasticacheHourly,
  rdsPostgresHourly,
  spotPriceFraction,
  unitPrices as p,
  valkeyDiscount,
} from "./prices";

/** One priced resource. */
export interface CostLine {
  urn: string;
  name: string;
  type: string;
  component: string;
  monthlyUsd: number;
  /** How the figure was computed, e.g. "2 × t3.medium (min size) × $0.0416/h × 730 h". */
  detail: string;
}

/** A resource the estimate did not price. */
export interface UnpricedResource {
  urn: string;
  name: string;
  type: string;
  component: string;
}

export interface CostEstimate {
  lines: CostLine[];
  notPriced: UnpricedResource[];
  /** Resource count of types with no fixed monthly charge (IAM, security groups, …). */
  noCharge: number;
  byComponent: [string, number][];
  total: number;
  budgetUsd: number;
  overBudget: boolean;
}

/** What a rule sees besides the resource: the whole record, to follow dependencies (launch templates). */
interface RuleContext {
  byUrn: Map<string, RecordedResource>;
  /** The EKS version calendar and the date, which decide a control plane's support tier. */
  calendar: EksCalendar;
  today: string;
  /** Set once the platform ALB has been priced, so two controller releases do not count it twice. */
  albPriced: boolean;
}

type Priced = { usd: number; detail: string };
type Rule = (resource: RecordedResource, context: RuleContext) => Priced | undefined;

const money = (usd: number) => `$${usd.toFixed(2)}`;
const hourly = (rate: number) => rate * HOURS_PER_MONTH;
const num = (value: unknown, fallback: number) =>
  typeof value === "number" && Number.isFinite(value) ? value : fallback;
const str = (value: unknown) => (typeof value === "string" ? value : undefined);

/** An instance price that is missing from the table is a loud zero, never a silent guess. */
function lookup(table: Record<string, number>, key: string | undefined, kind: string): number {
  if (key && key in table) return table[key];
  throw new UnknownPrice(`${kind} ${key ?? "(unset)"} is not in the price table (tools/preview/prices.ts)`);
}

class UnknownPrice extends Error {}

/** A managed node group's instance types and root volume: on the group, or on the launch template it uses. */
function nodeShape(resource: RecordedResource, context: RuleContext) {
  const template = resource.dependencies
    .map((urn) => context.byUrn.get(urn))
    .find((r) => r?.type === "aws:ec2/launchTemplate:LaunchTemplate");
  const listed = Array.isArray(resource.inputs.instanceTypes)
    ? resource.inputs.instanceTypes.map(str).filter((t): t is string => t !== undefined)
    : [];
  const fromTemplate = str(template?.inputs.instanceType);
  const instanceTypes = listed.length > 0 ? listed : fromTemplate ? [fromTemplate] : [undefined];
  const mappings = template?.inputs.blockDeviceMappings;
  const templateDisk = Array.isArray(mappings)
    ? (mappings[0] as { ebs?: { volumeSize?: unknown } } | undefined)?.ebs?.volumeSize
    : undefined;
  const diskGb = num(resource.inputs.diskSize, num(templateDisk, p.defaultNodeDiskGb));
  return { instanceTypes, diskGb };
}

/**
 * The control plane at its support tier on the day of the estimate: past the end of EKS standard support the whole
 * cluster-hour is billed at the extended-support rate. A version without calendar dates is priced at the standard
 * rate and says so (the readiness check reports it as unverified).
 */
const eksControlPlane: Rule = (resource, context) => {
  const minor = /^(\d+\.\d+)/.exec(str(resource.inputs.version) ?? "")?.[1];
  const status = minor ? supportStatus(context.calendar, minor, context.today) : { kind: "unknown" as const };
  if (status.kind === "extended" || status.kind === "ended") {
    return {
      usd: hourly(p.eksExtendedSupportClusterHourly),
      detail: `control plane, EXTENDED SUPPORT (Kubernetes ${minor} left standard support ${status.kind === "extended" ? status.endOfStandardSupport : "earlier"}) $${p.eksExtendedSupportClusterHourly}/h × ${HOURS_PER_MONTH} h`,
    };
  }
  const tier =
    status.kind === "standard"
      ? `standard support until ${status.endOfStandardSupport}`
      : `support dates of Kubernetes ${minor ?? "(unset)"} unknown: priced as standard`;
  return {
    usd: hourly(p.eksClusterHourly),
    detail: `control plane (${tier}) $${p.eksClusterHourly}/h × ${HOURS_PER_MONTH} h`,
  };
};

const isSubset = (selector: Record<string, unknown>, labels: Record<string, unknown>) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value);

/**
 * Placeholder pods (SPEC E6) pinned to a node group keep one node each up whatever the group's minimum: a
 * Deployment whose pods select the group's labels and require one pod per host. Their replicas are nodes that are
 * always on, so the estimate counts them.
 */
function warmNodes(group: RecordedResource, context: RuleContext): number {
  const labels = (group.inputs.labels ?? {}) as Record<string, unknown>;
  let nodes = 0;
  for (const resource of context.byUrn.values()) {
    if (resource.type !== "kubernetes:apps/v1:Deployment") continue;
    const spec = (resource.inputs.spec ?? {}) as {
      replicas?: unknown;
      template?: { spec?: { nodeSelector?: Record<string, unknown>; affinity?: { podAntiAffinity?: unknown } } };
    };
    const pod = spec.template?.spec;
    const antiAffinity = pod?.affinity?.podAntiAffinity as
      { requiredDuringSchedulingIgnoredDuringExecution?: { topologyKey?: string }[] } | undefined;
    const onePerNode = (antiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).some(
      (term) => term.topologyKey === "kubernetes.io/hostname",
    );
    if (onePerNode && pod?.nodeSelector && isSubset(pod.nodeSelector, labels)) nodes += num(spec.replicas, 1);
  }
  return nodes;
}

/**
 * Priced at the nodes that are always on: the scaling minimum, or more when warm placeholders hold more (the idle
 * cost of the stack). Spot is priced from the dearest type the group may launch at the documented Spot fraction.
 */
const managedNodeGroup: Rule = (resource, context) => {
  const scaling = (resource.inputs.scalingConfig ?? {}) as Record<string, unknown>;
  const min = num(scaling.minSize, 0);
  const warm = warmNodes(resource, context);
  const nodes = Math.max(min, warm);
  const { instanceTypes, diskGb } = nodeShape(resource, context);
  const rates = instanceTypes.map((type) => lookup(ec2Hourly, type, "EC2 instance type"));
  const spot = str(resource.inputs.capacityType) === "SPOT";
  const onDemand = Math.max(...rates);
  const rate = spot ? onDemand * spotPriceFraction : onDemand;
  const dearest = instanceTypes[rates.indexOf(onDemand)];
  const why = warm > min ? `${warm} warm placeholder(s); min size ${min}` : "min size";
  const price = spot
    ? `Spot ${instanceTypes.join("/")} at ${spotPriceFraction} × ${dearest}'s $${onDemand}/h on demand = $${rate.toFixed(4)}/h [${SPOT_SOURCE}]`
    : `${dearest} × $${rate}/h`;
  return {
    usd: nodes * (hourly(rate) + diskGb * p.ebsGp3GbMonth),
    detail: `${nodes} node(s) (${why}) × ${price} × ${HOURS_PER_MONTH} h + ${nodes} × ${diskGb} GB gp3 × $${p.ebsGp3GbMonth}`,
  };
};

/** A plain Auto Scaling group (the deployment runner), priced like a node group at its minimum. */
const autoScalingGroup: Rule = (resource, context) => {
  const min = num(resource.inputs.minSize, 0);
  const { instanceTypes, diskGb } = nodeShape(resource, context);
  const [instanceType] = instanceTypes;
  const rate = lookup(ec2Hourly, instanceType, "EC2 instance type");
  return {
    usd: min * (hourly(rate) + diskGb * p.ebsGp3GbMonth),
    detail: `${min} × ${instanceType} (min size) × $${rate}/h × ${HOURS_PER_MONTH} h + ${min} × ${diskGb} GB gp3 × $${p.ebsGp3GbMonth}`,
  };
};

/** A NAT gateway bills by the hour (and per GB processed, which traffic decides and this estimate leaves out). */
const natGateway: Rule = () => ({
  usd: hourly(p.natGatewayHourly),
  detail: `NAT gateway $${p.natGatewayHourly}/h × ${HOURS_PER_MONTH} h; data processing not estimated`,
});

/** An Elastic IP is a public IPv4 address, billed by the hour whether attached or not. */
const elasticIp: Rule = () => ({
  usd: hourly(p.publicIpv4Hourly),
  detail: `public IPv4 address $${p.publicIpv4Hourly}/h × ${HOURS_PER_MONTH} h`,
});

const rdsInstance: Rule = (resource) => {
  const instanceClass = str(resource.inputs.instanceClass);
  const rate = lookup(rdsPostgresHourly, instanceClass, "RDS instance class");
  const copies = resource.inputs.multiAz === true ? 2 : 1;
  const storage = num(resource.inputs.allocatedStorage, p.defaultRdsStorageGb);
  return {
    usd: copies * (hourly(rate) + storage * p.rdsGp3GbMonth),
    detail: `${copies} × (${instanceClass} $${rate}/h × ${HOURS_PER_MONTH} h + ${storage} GB gp3 × $${p.rdsGp3GbMonth})${copies === 2 ? " (Multi-AZ)" : ""}`,
  };
};

const elasticacheGroup: Rule = (resource) => {
  const nodeType = str(resource.inputs.nodeType);
  const valkey = str(resource.inputs.engine) === "valkey";
  const rate = lookup(elasticacheHourly, nodeType, "ElastiCache node type") * (valkey ? valkeyDiscount : 1);
  const shards = resource.inputs.numNodeGroups;
  const nodes =
    typeof shards === "number"
      ? shards * (1 + num(resource.inputs.replicasPerNodeGroup, 0))
      : num(resource.inputs.numCacheClusters, 1);
  return {
    usd: nodes * hourly(rate),
    detail: `${nodes} × ${nodeType}${valkey ? " (Valkey, 20% below Redis OSS)" : ""} × $${rate}/h × ${HOURS_PER_MONTH} h`,
  };
};

/** A gateway endpoint is free; an interface endpoint is billed per AZ it has a network interface in (its subnets). */
const vpcEndpoint: Rule = (resource) => {
  if (str(resource.inputs.vpcEndpointType) !== "Interface") return { usd: 0, detail: "gateway endpoint: no charge" };
  const subnets = Array.isArray(resource.inputs.subnetIds) ? resource.inputs.subnetIds.length : 1;
  return {
    usd: subnets * hourly(p.interfaceEndpointAzHourly),
    detail: `interface endpoint in ${subnets} AZ(s) × $${p.interfaceEndpointAzHourly}/h × ${HOURS_PER_MONTH} h; data processing not estimated`,
  };
};

const fixed =
  (usd: number, detail: string): Rule =>
  () => ({ usd, detail });

const wafWebAcl: Rule = (resource) => {
  const rules = Array.isArray(resource.inputs.rules) ? resource.inputs.rules.length : 0;
  return {
    usd: p.wafWebAclMonth + rules * p.wafRuleMonth,
    detail: `web ACL $${p.wafWebAclMonth} + ${rules} rule(s) × $${p.wafRuleMonth}; requests not estimated`,
  };
};

const logGroup: Rule = () => ({
  usd: p.assumedLogGbPerGroupMonth * p.logIngestionGb,
  detail: `assumed ${p.assumedLogGbPerGroupMonth} GB/month ingested × $${p.logIngestionGb}/GB (assumption, not a measurement)`,
});

/** The AWS Load Balancer Controller creates the platform's ALB at runtime: one fixed line per stack. */
const helmRelease: Rule = (resource, context) => {
  const chart = `${str(resource.inputs.chart) ?? ""} ${resource.name}`;
  if (!chart.includes("aws-load-balancer-controller") || context.albPriced) return undefined;
  context.albPriced = true;
  const usd = hourly(p.albHourly + p.albAssumedLcu * p.albLcuHourly + p.albPublicIps * p.publicIpv4Hourly);
  return {
    usd,
    detail: `ALB the controller creates: ($${p.albHourly} + ${p.albAssumedLcu} LCU × $${p.albLcuHourly} + ${p.albPublicIps} IPv4 × $${p.publicIpv4Hourly})/h × ${HOURS_PER_MONTH} h`,
  };
};

/** Price rules by resource type. */
export const priceRules: Record<string, Rule> = {
  "aws:eks/cluster:Cluster": eksControlPlane,
  "aws:autoscaling/group:Group": autoScalingGroup,
  "aws:eks/nodeGroup:NodeGroup": managedNodeGroup,
  "aws:ec2/natGateway:NatGateway": natGateway,
  "aws:ec2/eip:Eip": elasticIp,
  "aws:rds/instance:Instance": rdsInstance,
  "aws:elasticache/replicationGroup:ReplicationGroup": elasticacheGroup,
  "aws:kms/key:Key": fixed(p.kmsKeyMonth, `customer-managed key $${p.kmsKeyMonth}/month`),
  "aws:secretsmanager/secret:Secret": fixed(p.secretMonth, `secret $${p.secretMonth}/month`),
  "aws:wafv2/webAcl:WebAcl": wafWebAcl,
  "aws:cloudwatch/metricAlarm:MetricAlarm": fixed(p.cloudwatchAlarmMonth, `alarm $${p.cloudwatchAlarmMonth}/month`),
  "aws:cloudwatch/logGroup:LogGroup": logGroup,
  "aws:ec2/vpcEndpoint:VpcEndpoint": vpcEndpoint,
  "kubernetes:helm.sh/v3:Release": helmRelease,
  "kubernetes:helm.sh/v4:Chart": helmRelease,
};

/**
 * Types with no fixed monthly charge (or only usage charges this estimate does not model). Prefix match.
 * Kubernetes objects run on the priced nodes.
 */
export const noChargeTypes = [
  "aws:iam/",
  "aws:kms/alias:",
  "aws:ec2/securityGroup",
  "aws:vpc/securityGroup",
  "aws:ec2/networkAcl",
  "aws:ec2/flowLog:",
  "aws:ec2/launchTemplate:",
  // The VPC's own pieces (awsx's children): no hourly charge; NAT gateways and EIPs are priced above.
  "aws:ec2/vpc:",
  "aws:ec2/subnet:",
  "aws:ec2/internetGateway:",
  "aws:ec2/routeTable",
  "aws:ec2/route:",
  "aws:rds/parameterGroup:",
  "aws:rds/subnetGroup:",
  "aws:elasticache/parameterGroup:",
  "aws:elasticache/subnetGroup:",
  "aws:elasticache/userGroup",
  "aws:elasticache/user:",
  "aws:secretsmanager/secretVersion:",
  "aws:secretsmanager/secretRotation:",
  "aws:ecr/",
  "aws:eks/accessEntry:",
  "aws:eks/accessPolicyAssociation:",
  "aws:eks/addon:",
  "aws:eks/podIdentityAssociation:",
  "aws:wafv2/webAclAssociation:",
  "aws:acm/",
  "aws:sns/",
  "aws:budgets/",
  "aws:route53/record:",
  "aws:s3/bucketPublicAccessBlock:",
  "kubernetes:",
  "random:",
  "pulumi:providers:",
  // A read of another stack's outputs.
  "pulumi:pulumi:StackReference",
  // Pulumi Cloud objects (the organisation stack): paid for by the Pulumi Cloud subscription, not by AWS.
  "pulumiservice:",
];

const isNoCharge = (type: string) => noChargeTypes.some((prefix) => type.startsWith(prefix));

/**
 * Prices every resource of the record. Components are not billed: their children are. A remote component whose
 * children the record does not hold (no model in offline/children) is listed as not priced, never counted as free.
 * A missing instance price throws: a wrong total is worse than no total.
 */
export function estimateCost(
  resources: RecordedResource[],
  budgetUsd: number,
  { calendar = loadCatalogue().eksVersions, today = utcToday() }: { calendar?: EksCalendar; today?: string } = {},
): CostEstimate {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const parents = new Set(resources.map((r) => r.parent));
  const context: RuleContext = { byUrn, calendar, today, albPriced: false };
  const lines: CostLine[] = [];
  const notPriced: UnpricedResource[] = [];
  let noCharge = 0;
  for (const resource of resources) {
    const component = componentOf(resource, byUrn);
    if (!resource.custom) {
      if (resource.remote && !parents.has(resource.urn))
        notPriced.push({ urn: resource.urn, name: resource.name, type: resource.type, component });
      continue;
    }
    const rule = priceRules[resource.type] as Rule | undefined;
    const priced = rule?.(resource, context);
    if (priced) {
      lines.push({
        urn: resource.urn,
        name: resource.name,
        type: resource.type,
        component,
        monthlyUsd: priced.usd,
        ...priced,
      });
    } else if (rule || isNoCharge(resource.type)) noCharge++;
    else notPriced.push({ urn: resource.urn, name: resource.name, type: resource.type, component });
  }
  const totals = new Map<string, number>();
  for (const line of lines) totals.set(line.component, (totals.get(line.component) ?? 0) + line.monthlyUsd);
  const total = lines.reduce((sum, line) => sum + line.monthlyUsd, 0);
  return {
    lines: lines.sort((a, b) => b.monthlyUsd - a.monthlyUsd || a.urn.localeCompare(b.urn)),
    notPriced,
    noCharge,
    byComponent: [...totals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
    total,
    budgetUsd,
    overBudget: total > budgetUsd,
  };
}

export function formatCost(stack: string, estimate: CostEstimate): string {
  const width = Math.max(20, ...estimate.lines.map((l) => l.name.length));
  const out = [
    `Estimated monthly cost, stack ${stack} (on-demand, us-east-1, prices as of ${PRICES_AS_OF}; ${PRICE_SOURCE})`,
    "",
    "By resource",
    ...estimate.lines.map(
      (l) =>
        `  ${l.name.padEnd(width)} ${money(l.monthlyUsd).padStart(10)}  ${l.type}\n  ${"".padEnd(width)} ${"".padStart(10)}  ${l.detail}`,
    ),
    "",
    "By component",
    ...estimate.byComponent.map(([component, usd]) => `  ${component.padEnd(width)} ${money(usd).padStart(10)}`),
    "",
    `Total ${money(estimate.total)}/month against a budget of ${money(estimate.budgetUsd)} (qualisys:monthlyBudgetUsd): ${
      estimate.overBudget ? "OVER BUDGET" : `${Math.round((estimate.total / estimate.budgetUsd) * 100)}% of budget`
    }`,
    `${estimate.noCharge} resource(s) have no fixed monthly charge (IAM, security groups, aliases, Kubernetes objects, …).`,
  ];
  if (estimate.notPriced.length) {
    out.push(`Not priced (no rule; counted as $0): ${estimate.notPriced.length}`);
    const types = new Map<string, number>();
    for (const r of estimate.notPriced) types.set(r.type, (types.get(r.type) ?? 0) + 1);
    for (const [type, n] of types) out.push(`  ${type} × ${n}`);
  }
  out.push(
    "Not estimated: traffic (NAT and ALB data processing, data transfer out), API requests, log storage, snapshots beyond the free allowance.",
  );
  return out.join("\n");
}

export { UnknownPrice };
