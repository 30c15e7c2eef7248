/**
 * The cross-stack readiness check (SPEC H3; docs/shared-platform.md): every stack is checked alone elsewhere, but
 * stacks that share an AWS account and region, or a cluster, must not claim the same physical name. Over all stack
 * files in the repository, grouped by the account (`aws:allowedAccountIds`) and region they deploy to and by the
 * cluster their Kubernetes objects land on, every AWS name that must be unique there (ECR repositories, IAM roles,
 * policies and groups, log groups, secrets, KMS aliases, budgets, DB and cache identifiers, …), every account-wide
 * singleton (OIDC providers, the password policy, the account-wide budget) and every Kubernetes namespace,
 * cluster-scoped object and namespaced object appears once. Two more rules guard the tenants' permissions
 * boundaries, which grant by name prefix and by the `environment` tag: no tenant's prefix is the start of another
 * stack's in its account, and no two stacks there share that tag. A collision is a blocking finding naming both
 * stacks and the resource. Pure over records; {@link checkCrossStack} makes the records.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot, readStackFile, runStack, stackNames, type RecordedResource, type StackRun } from "./run";
import { platformHost, stackAccount } from "./stacks";

/** Where a stack deploys, as its stack file says. */
export interface StackPlace {
  stack: string;
  accountId: string;
  region: string;
  /** `aws:defaultTags.tags.environment`. */
  environmentTag?: string;
  /** The stack whose platform it runs on (`qualisys:platform.stack`), if any. */
  host?: string;
  /** `<appName>-<stack>`, the prefix of its physical names. */
  prefix: string;
}

/** One physical name a stack's record claims, and where it must be unique. */
export interface Claim {
  /** `account 123456789012 us-east-1`, `account 123456789012` (IAM, budgets), `cluster qualisys-dev`, `every account` (S3). */
  scope: string;
  /** What it names: `ECR repository`, `IAM role`, `namespace`, `ClusterRole`, … */
  kind: string;
  name: string;
  /** The claiming stack and the resource's logical name. */
  stack: string;
  resource: string;
}

export interface CrossStackFinding {
  severity: "blocking";
  message: string;
  stacks: string[];
}

type Namer = (r: RecordedResource) => { kind: string; name: unknown; scope: "region" | "account" | "global" | "vpc" };
const input = (key: string) => (r: RecordedResource) => r.inputs[key];
const regional =
  (kind: string, key = "name"): Namer =>
  (r) => ({ kind, name: input(key)(r), scope: "region" });
const global =
  (kind: string, key = "name"): Namer =>
  (r) => ({ kind, name: input(key)(r), scope: "account" });

/**
 * AWS resource types whose names AWS requires to be unique, and in what scope. IAM names and budgets are
 * account-wide (IAM is global; a budget's ARN has no region); S3 bucket names are unique across all accounts;
 * security group names are unique per VPC; the rest per account and region.
 */
const awsNames: Record<string, Namer> = {
  "aws:ecr/repository:Repository": regional("ECR repository"),
  "aws:iam/role:Role": global("IAM role"),
  "aws:iam/policy:Policy": global("IAM policy"),
  "aws:iam/group:Group": global("IAM group"),
  "aws:iam/user:User": global("IAM user"),
  "aws:iam/instanceProfile:InstanceProfile": global("IAM instance profile"),
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": global("IAM OIDC provider (one per issuer URL)", "url"),
  "aws:iam/accountPasswordPolicy:AccountPasswordPolicy": () => ({
    kind: "account password policy (one per account)",
    name: "the account's password policy",
    scope: "account",
  }),
  "aws:budgets/budget:Budget": (r) =>
    r.inputs.costFilters === undefined
      ? { kind: "account-wide budget (counts the whole account)", name: "the account's costs", scope: "account" }
      : { kind: "AWS budget", name: r.inputs.name, scope: "account" },
  "aws:cloudwatch/logGroup:LogGroup": regional("CloudWatch log group"),
  "aws:cloudwatch/metricAlarm:MetricAlarm": regional("CloudWatch alarm"),
  "aws:sns/topic:Topic": regional("SNS topic"),
  "aws:secretsmanager/secret:Secret": regional("Secrets Manager secret"),
  "aws:kms/alias:Alias": regional("KMS alias"),
  "aws:rds/instance:Instance": regional("RDS instance", "identifier"),
  "aws:rds/parameterGroup:ParameterGroup": regional("RDS parameter group"),
  "aws:rds/subnetGroup:SubnetGroup": regional("RDS subnet group"),
  "aws:elasticache/replicationGroup:ReplicationGroup": regional("ElastiCache replication group", "replicationGroupId"),
  "aws:elasticache/parameterGroup:ParameterGroup": regional("ElastiCache parameter group"),
  "aws:elasticache/subnetGroup:SubnetGroup": regional("ElastiCache subnet group"),
  "aws:eks/accessEntry:AccessEntry": (r) => ({
    kind: "EKS access entry (one per principal and cluster)",
    name: `${String(r.inputs.clusterName)}/${String(r.inputs.principalArn)}`,
    scope: "region",
  }),
  "eks:index:Cluster": regional("EKS cluster"),
  "aws:wafv2/webAcl:WebAcl": regional("WAF web ACL"),
  "aws:ec2/launchTemplate:LaunchTemplate": regional("EC2 launch template"),
  "aws:autoscaling/group:Group": regional("Auto Scaling group"),
  "aws:cloudtrail/trail:Trail": regional("CloudTrail trail"),
  "aws:s3/bucket:Bucket": (r) => ({ kind: "S3 bucket", name: r.inputs.bucket, scope: "global" }),
  "aws:s3/bucketV2:BucketV2": (r) => ({ kind: "S3 bucket", name: r.inputs.bucket, scope: "global" }),
  "aws:ec2/securityGroup:SecurityGroup": (r) => ({ kind: "security group", name: r.inputs.name, scope: "vpc" }),
};

/** Kubernetes kinds that are cluster-scoped (not in a namespace). */
const clusterScopedKinds = new Set([
  "Namespace",
  "ClusterRole",
  "ClusterRoleBinding",
  "ClusterSecretStore",
  "ClusterExternalSecret",
  "ClusterPushSecret",
  "PriorityClass",
  "IngressClass",
  "IngressClassParams",
  "StorageClass",
  "PersistentVolume",
  "CustomResourceDefinition",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "ValidatingWebhookConfiguration",
  "MutatingWebhookConfiguration",
]);

/** The cluster a run's Kubernetes objects land on: its own, or (a tenant) its host's. */
function clusterOf(run: StackRun): string | undefined {
  const own = run.resources.find((r) => r.type === "eks:index:Cluster");
  if (own) return String(own.inputs.name);
  return typeof run.outputs.clusterName === "string" ? run.outputs.clusterName : undefined;
}

/** A provider's account and region, when its inputs name them (`allowedAccountIds` as a list or JSON text). */
function providerPlace(provider: RecordedResource | undefined): { accountId?: string; region?: string } {
  if (!provider) return {};
  let ids: unknown = provider.inputs.allowedAccountIds;
  if (typeof ids === "string") {
    try {
      ids = JSON.parse(ids);
    } catch {
      ids = undefined;
    }
  }
  return {
    accountId: Array.isArray(ids) && ids.length === 1 ? String(ids[0]) : undefined,
    region: typeof provider.inputs.region === "string" ? provider.inputs.region : undefined,
  };
}

/**
 * Every physical name `run` claims, in the scope where it must be unique. A resource deploys into the stack's
 * account and region, or into those its explicit AWS provider names (the organisation stack writes into several).
 */
export function physicalNames(run: StackRun, place: Partial<StackPlace> & { stack: string }): Claim[] {
  const claims: Claim[] = [];
  const cluster = clusterOf(run);
  const vpc = typeof run.outputs.vpcId === "string" ? run.outputs.vpcId : undefined;
  const providers = new Map(run.resources.filter((r) => r.type === "pulumi:providers:aws").map((r) => [r.urn, r]));
  for (const r of run.resources) {
    if (r.read) continue;
    const namer = awsNames[r.type];
    if (namer) {
      // A provider reference is `<provider urn>::<provider id>`.
      const explicit = providerPlace(
        r.provider ? providers.get(r.provider.split("::").slice(0, -1).join("::")) : undefined,
      );
      const accountId = explicit.accountId ?? place.accountId;
      const region = explicit.region ?? place.region;
      const { kind, name, scope } = namer(r);
      if (!accountId || !region || typeof name !== "string" || !name) continue;
      const scopes = {
        region: `account ${accountId} ${region}`,
        account: `account ${accountId}`,
        global: "every AWS account (S3)",
        vpc: `VPC ${vpc ?? `of ${place.stack}`}`,
      };
      claims.push({ scope: scopes[scope], kind, name, stack: place.stack, resource: r.name });
      continue;
    }
    if (!cluster || !r.type.startsWith("kubernetes:")) continue;
    const metadata = (r.inputs.metadata ?? {}) as { name?: unknown; namespace?: unknown };
    if (r.type === "kubernetes:helm.sh/v3:Release") {
      const namespace = String(r.inputs.namespace ?? "default");
      claims.push({
        scope: `cluster ${cluster}`,
        kind: `Helm release in namespace ${namespace}`,
        name: String(r.inputs.name ?? r.name),
        stack: place.stack,
        resource: r.name,
      });
      continue;
    }
    const kind = typeof r.inputs.kind === "string" ? r.inputs.kind : undefined;
    if (!kind || typeof metadata.name !== "string") continue;
    const group =
      String(r.inputs.apiVersion ?? "")
        .split("/")
        .slice(0, -1)
        .join("/") || "core";
    claims.push(
      clusterScopedKinds.has(kind)
        ? {
            scope: `cluster ${cluster}`,
            kind: `${kind} (${group})`,
            name: metadata.name,
            stack: place.stack,
            resource: r.name,
          }
        : {
            scope: `cluster ${cluster}`,
            kind: `${kind} (${group}) in namespace ${typeof metadata.namespace === "string" ? metadata.namespace : "default"}`,
            name: metadata.name,
            stack: place.stack,
            resource: r.name,
          },
    );
  }
  return claims;
}

const file = (stack: string) => `Pulumi.${stack}.yaml`;

/** Collisions between stacks, each naming both stacks (and their files) and what they both claim. Pure. */
export function crossStackFindings(claims: Claim[], places: StackPlace[]): CrossStackFinding[] {
  const findings: CrossStackFinding[] = [];
  const byKey = new Map<string, Claim[]>();
  for (const c of claims) {
    const key = `${c.scope}\n${c.kind}\n${c.name}`;
    byKey.set(key, [...(byKey.get(key) ?? []), c]);
  }
  for (const same of byKey.values()) {
    const stacks = [...new Set(same.map((c) => c.stack))];
    if (stacks.length < 2) continue;
    const [c] = same;
    findings.push({
      severity: "blocking",
      stacks,
      message: `${c.kind} ${c.name} in ${c.scope} is claimed by ${same.map((x) => `${x.stack} (${file(x.stack)}, ${x.resource})`).join(" and ")}: a second \`pulumi up\` fails on it, or takes the first stack's over.`,
    });
  }
  // A tenant's permissions boundary grants by name prefix and by its environment tag (components/identity/boundary.ts).
  const tenants = places.filter((p) => p.host !== undefined);
  for (const t of tenants)
    for (const other of places) {
      if (other.stack === t.stack || other.accountId !== t.accountId) continue;
      if (other.prefix.startsWith(`${t.prefix}-`))
        findings.push({
          severity: "blocking",
          stacks: [t.stack, other.stack],
          message: `${t.stack} (${file(t.stack)}) is a tenant whose permissions boundary allows ${t.prefix}-*, which names ${other.stack}'s resources too (${file(other.stack)}, prefix ${other.prefix}): rename one of them.`,
        });
      if (t.environmentTag && t.environmentTag === other.environmentTag && t.stack < other.stack)
        findings.push({
          severity: "blocking",
          stacks: [t.stack, other.stack],
          message: `${t.stack} (${file(t.stack)}) and ${other.stack} (${file(other.stack)}) both tag their resources environment=${t.environmentTag} in account ${t.accountId}: a tenant's boundary and budget go by that tag, so each stack needs its own (aws:defaultTags.tags.environment).`,
        });
    }
  return findings;
}

/** Where a stack deploys, from its stack file; undefined when the file does not say (its own preview reports that). */
export function placeOf(stack: string, root?: string, given?: Record<string, unknown>): StackPlace | undefined {
  let config: Record<string, unknown>;
  try {
    config = given ?? readStackFile(stack, root).config;
  } catch {
    return undefined;
  }
  const accountId = stackAccount(config);
  const region = config["aws:region"];
  if (!accountId || typeof region !== "string") return undefined;
  const tags = (config["aws:defaultTags"] as { tags?: Record<string, unknown> } | undefined)?.tags;
  const appName = typeof config["qualisys:appName"] === "string" ? config["qualisys:appName"] : "qualisys";
  return {
    stack,
    accountId,
    region,
    environmentTag: typeof tags?.environment === "string" ? tags.environment : undefined,
    host: platformHost(config),
    prefix: `${appName}-${stack}`,
  };
}

/** A stack file of the organisation kind (ORG's Pulumi Cloud stack): not an environment, so not checked here. */
const isOrganization = (stack: string, root?: string) => {
  try {
    return "qualisys:organization" in readStackFile(stack, root).config;
  } catch {
    return false;
  }
};

export interface CrossStackReport {
  /** The stacks compared with the previewed one (same account and region). */
  compared: string[];
  /** Stacks left out, and why (the organisation kind; a stack file that does not name its account). */
  skipped: { stack: string; reason: string }[];
  /** Every physical name compared. */
  claims: number;
  /** The findings that involve the previewed stack. */
  findings: CrossStackFinding[];
  blocking: number;
  passed: boolean;
}

/**
 * Compares `run` (the previewed stack's record) with the records of every other stack file in the same account and
 * region: a tenant's host record comes with its run; the others run here (a tenant reuses its host's record).
 */
export async function checkCrossStack(
  stack: string,
  run: StackRun,
  options: { root?: string; config?: Record<string, unknown> } = {},
): Promise<CrossStackReport> {
  const { root } = options;
  const me = placeOf(stack, root, options.config);
  const skipped: CrossStackReport["skipped"] = [];
  if (!me) return { compared: [], skipped, claims: 0, findings: [], blocking: 0, passed: true };
  const others: StackPlace[] = [];
  const organizations: string[] = [];
  for (const name of stackNames(root)) {
    if (name === stack) continue;
    if (isOrganization(name, root)) {
      organizations.push(name);
      continue;
    }
    const place = placeOf(name, root);
    if (!place) skipped.push({ stack: name, reason: "its stack file names no single account and region" });
    else if (place.accountId === me.accountId && place.region === me.region) others.push(place);
  }
  const records = new Map<string, StackRun>([[stack, run]]);
  // Runs with their outputs, which a tenant's run can reuse as its host's (its StackReference reads them).
  const full = new Map<string, StackRun>([[stack, run]]);
  if (run.host)
    records.set(run.host.stack, {
      stack: run.host.stack,
      resources: run.host.resources,
      outputs: {},
      secretOutputs: [],
    });
  // Hosts first, so a tenant's run can reuse its host's record.
  for (const place of [...others].sort((a, b) => Number(a.host !== undefined) - Number(b.host !== undefined))) {
    if (records.has(place.stack)) continue;
    const other = await runStack(place.stack, { hostRun: place.host ? full.get(place.host) : undefined });
    full.set(place.stack, other);
    if (other.error)
      skipped.push({ stack: place.stack, reason: `its program fails: ${other.error.message.split("\n")[0]}` });
    else records.set(place.stack, other);
  }
  const places = [me, ...others].filter((p) => records.has(p.stack));
  const claims = places.flatMap((p) => physicalNames(records.get(p.stack)!, p));
  // The organisation stack (Pulumi Cloud) writes into a platform's account (the runner's pool token): compared when
  // its file names this account and its program runs (a failing one is its own preview's finding).
  for (const name of organizations) {
    if (!readFileSync(join(root ?? projectRoot, `Pulumi.${name}.yaml`), "utf8").includes(me.accountId)) {
      skipped.push({ stack: name, reason: `the organisation stack names nothing in account ${me.accountId}` });
      continue;
    }
    const org = await runStack(name, root ? { config: readStackFile(name, root).config } : {});
    if (org.error)
      skipped.push({
        stack: name,
        reason: `the organisation stack, whose program fails (${org.error.message.split("\n")[0]})`,
      });
    else claims.push(...physicalNames(org, { stack: name }));
  }
  const findings = crossStackFindings(claims, places).filter((f) => f.stacks.includes(stack));
  return {
    compared: places.map((p) => p.stack).filter((s) => s !== stack),
    skipped,
    claims: claims.length,
    findings,
    blocking: findings.length,
    passed: findings.length === 0,
  };
}

export function formatCrossStack(stack: string, report: CrossStackReport): string {
  const head = `Cross-stack: ${report.passed ? "PASS" : "FAIL"} — ${report.blocking} blocking (${stack} against ${report.compared.join(", ") || "no other stack"} in its account and region; ${report.claims} physical names compared)`;
  return [
    head,
    ...report.findings.map((f) => `  [blocking] ${f.message}`),
    ...report.skipped.map((s) => `  skipped ${s.stack}: ${s.reason}`),
  ].join("\n");
}
