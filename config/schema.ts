/**
 * The whole stack configuration: every key, its type, its default and the rules that tie keys together. This is
 * a pure function of the raw config strings, so tests can feed it any Pulumi.<stack>.yaml without the engine.
 * It reports every problem at once, each under the key a user would edit.
 */
import { z } from "zod";
import { logRetentionDays } from "./catalog";
import { clusterSchema, type ClusterConfig } from "./cluster";
import { cacheSchema, databaseSchema, registrySchema, secretsManagerSchema } from "./data";
import { identitySchema, type IdentityConfig } from "./identity";
import { networkSchema, type NetworkConfig } from "./network";
import { alertingSchema, monitoringSchema } from "./observability";
import {
  maxTenantPrefixLength,
  platformSchema,
  tenantNameProblems,
  tenantNamespaces,
  tenantsSchema,
  type TenantNamespaces,
} from "./platform";
import { foreignKeyProblems, suggest } from "./namespaces";
import { dnsLabel, fromConfig } from "./zod";
import { regionOfferProblem, seedDataTierSizes } from "../core/instances";
import { derivedNameProblems } from "./aws-names";
import { defaultSubnetLayout, type SubnetLayout } from "../core/subnets";
import { environmentNamespace, environments, type Environment } from "../core/environments";

export { environmentNamespace, environments, type Environment } from "../core/environments";

/**
 * Every project-namespaced key. Simple scalars are also declared in Pulumi.yaml's `config:` block. The doc comment
 * of each key and of each field of the structured ones is docs/configuration.md's reference
 * (tools/docs/config-reference.ts): say what it does, its default and why.
 */
export const configKeys = {
  /** Application name, the first part of every physical resource name. Default qualisys. */
  appName: dnsLabel.default("qualisys"),
  /** dev, staging or prod; drives protection and prod-only rules. Default: the stack name. */
  environment: z.enum(environments).optional(),
  /** Protect stateful resources (databases, caches, keys) from deletion. Default: true in prod only. */
  protectStatefulResources: fromConfig(z.boolean()).optional(),
  /** CloudWatch log retention in days, for every log group (SPEC C2: 30 staging, 90 prod). */
  logRetentionDays: fromConfig(
    z.int().refine((days) => (logRetentionDays as readonly number[]).includes(days), {
      error: (issue) =>
        Number(issue.input) < 0
          ? `must not be negative (${issue.input})`
          : `${issue.input} is not a retention CloudWatch accepts; use one of ${logRetentionDays.join(", ")}`,
    }),
  ),
  /**
   * Monthly AWS budget in whole USD; alerts fire at 50/80/100% and the offline preview fails above it. Whole
   * dollars, as Pulumi.yaml declares it (`integer`, a type the CLI checks). Required.
   */
  monthlyBudgetUsd: fromConfig(
    z.int({ error: "must be a whole number of USD" }).positive({ error: "must be a positive whole number of USD" }),
  ),
  /**
   * The AWS Budget's limit when this stack's account also holds stacks hosted on its platform (`qualisys:platform`):
   * the whole account's target, since the budget counts the whole account. Default `monthlyBudgetUsd`. The
   * offline preview still holds this stack's own estimate to `monthlyBudgetUsd`.
   */
  accountBudgetUsd: fromConfig(
    z.int({ error: "must be a whole number of USD" }).positive({ error: "must be a positive whole number of USD" }),
  ).optional(),
  /**
   * Prod parity for load tests before launch: the data tier takes the seed's staging/prod sizes
   * ({@link seedDataTierSizes}) instead of the stack file's lean classes. Not in prod (prod always has them).
   * Default false.
   */
  prodParity: fromConfig(z.boolean()).default(false),
  /**
   * The day a review or personal stack expires (YYYY-MM-DD, at 00:00 UTC): the organisation stack gives it a TTL
   * schedule that destroys its resources then (SPEC P5). Default none: a long-lived stack, which gets scheduled
   * drift detection instead. Never in prod.
   */
  expiresOn: z.iso.date({ error: "must be a date written YYYY-MM-DD" }).optional(),
  /** E-mail addresses that receive budget alerts. Default none (alerts still go to the alarm topic). */
  budgetAlertEmails: fromConfig(
    // A budget notification takes at most 10 subscribers; the alarm topic is always one of them.
    z
      .array(z.email({ error: "is not an e-mail address" }))
      .max(9, { error: "lists more than 9 addresses (AWS Budgets allows 10 subscribers, one is the alarm topic)" }),
  ).default([]),
  /**
   * Public DNS domain for app/api/grafana hostnames: an ACM certificate for them, validated in `cluster.hostedZoneId`,
   * and HTTPS listeners with HTTP only as a redirect. Required in prod (prod serves HTTPS only). Default none
   * elsewhere: no certificate, no DNS records, HTTP only.
   */
  domain: z
    .string()
    .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, { error: "is not a DNS domain name" })
    .optional(),
  /**
   * Share another stack's network, cluster and runner (config/platform.ts). Default none: the stack has its own.
   * `<appName>-<stack>` and the host's `<appName>-<host>` at most 26 characters (the tenant's permissions boundary
   * must fit IAM's 6,144-character managed-policy quota).
   */
  platform: fromConfig(platformSchema).optional(),
  /** The stacks this one hosts on its platform, by name or glob (config/platform.ts). Default none. */
  tenants: fromConfig(tenantsSchema).optional(),
  /** The VPC: address space, AZs, NAT gateways, subnets, flow logs (SPEC N1–N3). Not with `platform`. */
  network: fromConfig(networkSchema).default(networkSchema.parse({})),
  /** Roles, OIDC trust for GitHub Actions and Pulumi Deployments, MFA (SPEC I1, I2). Required. */
  identity: fromConfig(identitySchema),
  /** The EKS cluster and its node pools (SPEC E1–E6). Required unless `platform` is set; not with it. */
  cluster: fromConfig(clusterSchema).optional(),
  /** RDS PostgreSQL (SPEC D1, D4). Required. */
  database: fromConfig(databaseSchema),
  /** ElastiCache, cluster mode (SPEC R1). Required. */
  cache: fromConfig(cacheSchema),
  /** ECR repositories and their lifecycle (SPEC G1). */
  registry: fromConfig(registrySchema).default(registrySchema.parse({})),
  /** CloudWatch alarm thresholds (SPEC O3). Default: see config/observability.ts. */
  alerting: fromConfig(alertingSchema).default(alertingSchema.parse({})),
  /** Prometheus/Grafana storage, retention and Slack channels (SPEC O1, O2). Default: see config/observability.ts. */
  monitoring: fromConfig(monitoringSchema).default(monitoringSchema.parse({})),
  /** Secrets Manager: recovery window and the optional access audit trail (SPEC S1, S2). */
  secretsManager: fromConfig(secretsManagerSchema).default(secretsManagerSchema.parse({})),
  /** Slack incoming-webhook URL for alerts. Secret: set it with `pulumi config set --secret` or ESC. */
  slackWebhookUrl: z
    .url({ protocol: /^https$/, hostname: /^hooks\.slack\.com$/, error: "must be an https://hooks.slack.com/… URL" })
    .optional(),
};

/** Keys whose values must arrive as Pulumi secrets. */
export const secretKeys = ["slackWebhookUrl"] as const;
export type SecretKey = (typeof secretKeys)[number];

type Keys = typeof configKeys;
type Parsed = { [K in keyof Keys]: z.infer<Keys[K]> };

/** A stack with its own platform: it creates the network, the cluster and the deployment runner. */
export interface OwnPlatform {
  platform?: undefined;
  /** The stacks it hosts (`qualisys:tenants`): exact names or globs. */
  tenants: string[];
  network: NetworkConfig & { subnets: SubnetLayout };
  cluster: ClusterConfig & { namespaces: ("dev" | "staging" | "production")[] };
}

/** A stack hosted on another stack's platform (`qualisys:platform`): it creates only its environment. */
export interface SharedPlatform {
  platform: {
    /** The host stack's name (`dev`). */
    stack: string;
    /** The namespaces this stack owns on the host's cluster, named from its stack name. */
    namespaces: TenantNamespaces;
  };
  tenants?: undefined;
  network?: undefined;
  cluster?: undefined;
}

export type StackConfig = CommonConfig & (OwnPlatform | SharedPlatform);

interface CommonConfig {
  /** An application environment (the other kind is the organisation stack, config/organization.ts). */
  kind: "environment";
  project: string;
  stack: string;
  environment: Environment;
  appName: string;
  /** `${appName}-${stack}`: the prefix of physical names, unique per stack in an account. */
  prefix: string;
  region: string;
  /** The AWS account the stack deploys into (`aws:allowedAccountIds`, which the AWS provider enforces). */
  accountId: string;
  isProduction: boolean;
  protect: boolean;
  logRetentionDays: number;
  monthlyBudgetUsd: number;
  /**
   * What the stack's AWS Budget counts: the whole account (a stack with its own platform) up to `limitUsd`, or
   * only the costs carrying its `environment` tag (a hosted stack, whose host's budget counts the account).
   */
  budget: { limitUsd: number; costTag?: { key: string; value: string } };
  /** Whether the data tier runs the seed's prod sizes (`qualisys:prodParity`); already applied to database/cache. */
  prodParity: boolean;
  /**
   * How long the stack lives: until it is removed (dev, staging, prod and any stack without `expiresOn`: drift
   * detection runs on a schedule), or until a day its TTL schedule destroys it (a review or personal stack).
   */
  lifetime: Lifetime;
  budgetAlertEmails: string[];
  domain?: string;
  identity: IdentityConfig & { githubSubjects: string[] };
  database: Parsed["database"];
  cache: Parsed["cache"];
  registry: Parsed["registry"];
  alerting: Parsed["alerting"];
  monitoring: Parsed["monitoring"];
  secretsManager: Parsed["secretsManager"];
  /** Secret keys that are set (their values are read as Pulumi secrets by config/index.ts, never here). */
  secretsSet: SecretKey[];
}

/** A stack's lifetime (SPEC P5): kept until removed, or destroyed on a given day. */
export type Lifetime = { kind: "long-lived" } | { kind: "expires"; on: string };

/** The validated section each component takes (spread into its args, beside the wiring from other components). */
export type NetworkSettings = OwnPlatform["network"];
export type IdentitySettings = StackConfig["identity"];
export type ClusterSettings = OwnPlatform["cluster"];
export type DatabaseSettings = StackConfig["database"];
export type CacheSettings = StackConfig["cache"];
export type RegistrySettings = StackConfig["registry"];
export type AlertingSettings = StackConfig["alerting"];
export type MonitoringSettings = StackConfig["monitoring"];
export type BudgetSettings = StackConfig["budget"];

export interface ConfigProblem {
  /** The key as written in Pulumi.<stack>.yaml, with a path into structured values: `qualisys:network.cidr`. */
  key: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly stackName: string,
    readonly problems: ConfigProblem[],
  ) {
    const lines = problems.map((p) => `  - ${p.key}: ${p.message}`);
    super(
      `Invalid configuration for stack "${stackName}" (Pulumi.${stackName}.yaml), ${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was created:\n${lines.join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

export interface RawConfig {
  project: string;
  stack: string;
  /** Every config value as the engine passes it: `namespace:key` → string (structured values JSON-encoded). */
  values: Record<string, string>;
  /** The keys whose values are secrets. */
  secretKeys: string[];
}

function pathOf(namespace: string, key: string, path: PropertyKey[]): string {
  return path.reduce<string>(
    (text, part) => (typeof part === "number" ? `${text}[${part}]` : `${text}.${String(part)}`),
    `${namespace}:${key}`,
  );
}

function problemsOf(namespace: string, key: string, error: z.ZodError): ConfigProblem[] {
  return error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((unknown) => ({ key: pathOf(namespace, key, [...issue.path, unknown]), message: "unknown key" }))
      : [
          {
            key: pathOf(namespace, key, issue.path),
            message: issue.message.endsWith("received undefined") ? "is required" : issue.message,
          },
        ],
  );
}

/** One line per distinct problem (a value can fail two checks that say the same thing). */
function distinct(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(`${p.key}\n${p.message}`) && seen.add(`${p.key}\n${p.message}`));
}

/** Stack names that mean production (`prod`, `production`, `prod-eu`, `eu.production`; not `preprod`). */
export const productionStackName = /(^|[-_.])(prod|production)($|[-_.])/i;

/** The `environment` tag of `aws:defaultTags` (JSON, as the engine passes it), if it has one. */
function environmentTag(defaultTags: string | undefined): { key: string; value: string } | undefined {
  try {
    const value = (JSON.parse(defaultTags ?? "{}") as { tags?: Record<string, unknown> }).tags?.environment;
    return typeof value === "string" && value ? { key: "environment", value } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The one AWS account of `aws:allowedAccountIds` (JSON, as the engine passes it). Required: the provider refuses
 * every other account at deploy, and the offline checks need to know which stacks share one (docs/shared-platform.md).
 */
function allowedAccount(value: string | undefined, problems: ConfigProblem[]): string | undefined {
  const key = "aws:allowedAccountIds";
  let ids: unknown;
  try {
    ids = value === undefined ? undefined : JSON.parse(value);
  } catch {
    ids = value;
  }
  if (ids === undefined) {
    problems.push({
      key,
      message:
        'is required: the one AWS account this stack deploys into, e.g. ["123456789012"] (the AWS provider refuses any other)',
    });
    return undefined;
  }
  if (!Array.isArray(ids) || ids.length !== 1 || typeof ids[0] !== "string" || !/^\d{12}$/.test(ids[0])) {
    problems.push({
      key,
      message: `must list exactly one 12-digit AWS account id as a string, e.g. ["123456789012"] (got ${JSON.stringify(ids)})`,
    });
    return undefined;
  }
  return ids[0];
}

/** Validates a stack's raw configuration and applies defaults; throws a {@link ConfigError} listing every problem. */
export function parseStackConfig(raw: RawConfig): StackConfig {
  const ns = raw.project;
  const problems: ConfigProblem[] = [];
  const own: Record<string, string> = {};
  for (const [fullKey, value] of Object.entries(raw.values)) {
    const [namespace, key] = fullKey.split(/:(.*)/s);
    if (namespace === ns) {
      if (key in configKeys) own[key] = value;
      else
        problems.push({
          key: fullKey,
          message: `unknown key${suggest(key, Object.keys(configKeys))} (known keys: ${Object.keys(configKeys).join(", ")})`,
        });
    } else problems.push(...foreignKeyProblems(ns, fullKey, namespace, key ?? ""));
  }

  const parsed: Partial<Parsed> = {};
  for (const [key, schema] of Object.entries(configKeys) as [keyof Keys, z.ZodType][]) {
    const result = schema.safeParse(own[key]);
    if (result.success) (parsed as Record<string, unknown>)[key] = result.data;
    else problems.push(...problemsOf(ns, key, result.error));
  }
  for (const key of secretKeys) {
    if (own[key] !== undefined && !raw.secretKeys.includes(`${ns}:${key}`)) {
      problems.push({
        key: `${ns}:${key}`,
        message: `is a secret; set it with \`pulumi config set --secret ${key}\` or an ESC environment, not as plain text`,
      });
    }
  }

  const region = raw.values["aws:region"];
  if (!region) problems.push({ key: "aws:region", message: "is required (the AWS region to deploy to)" });
  else if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
    problems.push({ key: "aws:region", message: `"${region}" is not an AWS region` });

  const accountId = allowedAccount(raw.values["aws:allowedAccountIds"], problems);

  const environment = parsed.environment ?? (environments as readonly string[]).find((e) => e === raw.stack);
  if (!environment && !problems.some((p) => p.key === `${ns}:environment`)) {
    problems.push({
      key: `${ns}:environment`,
      message: `is required when the stack name (${raw.stack}) is not one of ${environments.join(", ")}`,
    });
  }
  // SPEC C4: a stack named for production can never declare itself weaker (one line in Pulumi.prod.yaml would
  // otherwise switch off every prod-only rule: Multi-AZ, NAT per AZ, protection, the CI subject restriction).
  if (productionStackName.test(raw.stack) && parsed.environment !== undefined && parsed.environment !== "prod") {
    problems.push({
      key: `${ns}:environment`,
      message: `is "${parsed.environment}", but stack ${raw.stack} is named for production: remove the key (or set prod), or rename the stack`,
    });
  }
  const isProduction = environment === "prod";
  const protect = parsed.protectStatefulResources ?? isProduction;

  // Rules that span keys. Each runs only when the keys it reads parsed, so one mistake is not reported twice.
  const rule = (ok: boolean, key: string, message: string) => ok || problems.push({ key: `${ns}:${key}`, message });
  if (isProduction) {
    if (parsed.network)
      rule(
        parsed.network.natGateways === "onePerAz",
        "network.natGateways",
        'must be "onePerAz" in prod (SPEC N1: a NAT gateway per AZ)',
      );
    if (parsed.database) rule(parsed.database.multiAz, "database.multiAz", "must be true in prod (SPEC D1)");
    rule(protect, "protectStatefulResources", "must not be false in prod");
    rule(!parsed.prodParity, "prodParity", "is for non-production stacks (prod sets its sizes in Pulumi.prod.yaml)");
    // Prod serves HTTPS only: without a domain the ALB would listen on plain HTTP with no certificate (issue 20).
    if (own.domain === undefined)
      problems.push({
        key: `${ns}:domain`,
        message:
          "is required in prod: prod serves HTTPS only (an ACM certificate for app., api. and grafana.<domain>, HTTP only as a redirect); set your public domain, and cluster.hostedZoneId to its Route 53 zone",
      });
    if (parsed.cluster && parsed.cluster.hostedZoneId === undefined && own.domain === undefined)
      rule(
        false,
        "cluster.hostedZoneId",
        "is required in prod: the Route 53 public hosted zone of qualisys:domain, where the certificate is validated by DNS",
      );
    rule(
      own.expiresOn === undefined,
      "expiresOn",
      "is for review and personal stacks: prod is never destroyed on a schedule",
    );
    if (parsed.identity?.githubSubjects) {
      const branchy = parsed.identity.githubSubjects.filter((s) => !s.startsWith("environment:"));
      rule(
        branchy.length === 0,
        "identity.githubSubjects",
        `prod deploys only through a GitHub Environment with reviewers; remove ${branchy.join(", ")}`,
      );
    }
  }
  // The platform is either the stack's own (network + cluster) or another stack's, never half of each.
  const host = parsed.platform?.stack;
  const hostedCostTag = environmentTag(raw.values["aws:defaultTags"]);
  if (host !== undefined) {
    rule(!isProduction, "platform", "prod runs on its own platform (SPEC N1, E1): remove the key");
    rule(host !== raw.stack, "platform.stack", `is this stack itself (${raw.stack}); name the stack that hosts it`);
    for (const message of tenantNameProblems(raw.stack)) rule(false, "platform", message);
    const appName = parsed.appName ?? "qualisys";
    for (const [whose, prefix] of [
      ["this stack's", `${appName}-${raw.stack}`],
      ["its host's", `${appName}-${host}`],
    ])
      rule(
        prefix.length <= maxTenantPrefixLength,
        "platform",
        `${whose} name prefix ${prefix} has ${prefix.length} characters; on a shared platform it may have ${maxTenantPrefixLength}, so the tenant's permissions boundary fits IAM's 6,144-character managed-policy limit (shorten the stack name)`,
      );
    if (hostedCostTag && hostedCostTag.value !== raw.stack)
      problems.push({
        key: "aws:defaultTags",
        message: `tags.environment is "${hostedCostTag.value}"; a stack on ${host}'s platform tags its resources with its own name ("${raw.stack}"): its permissions boundary and its budget go by that tag`,
      });
    for (const key of ["network", "cluster", "domain", "registry"] as const) {
      if (own[key] !== undefined)
        problems.push({
          key: `${ns}:${key}`,
          message: `is the host's: this stack runs on ${host}'s platform (${ns}:platform)${key === "registry" ? " and deploys images from its registry, promoted by digest" : ""}; set it in Pulumi.${host}.yaml, or remove ${ns}:platform to give this stack its own`,
        });
    }
    rule(
      own.tenants === undefined,
      "tenants",
      `is for a stack that owns its platform; this one runs on ${host}'s, and a tenant hosts nobody`,
    );
    rule(
      own.accountBudgetUsd === undefined,
      "accountBudgetUsd",
      `is for the stack that owns the account's platform (${host}); this stack's budget counts its own environment tag`,
    );
    if (!hostedCostTag)
      problems.push({
        key: "aws:defaultTags",
        message: `must give tags.environment: the budget of a stack on ${host}'s platform counts the costs tagged with it`,
      });
  } else if (own.cluster === undefined) {
    problems.push({
      key: `${ns}:cluster`,
      message: `is required (the EKS cluster), unless ${ns}:platform names the stack whose cluster this one shares`,
    });
  }
  if (isProduction && parsed.tenants?.length)
    rule(
      false,
      "tenants",
      "prod hosts no other stack: its account and platform are production's alone (remove the key)",
    );
  if (parsed.accountBudgetUsd !== undefined && parsed.monthlyBudgetUsd !== undefined) {
    rule(
      parsed.accountBudgetUsd >= parsed.monthlyBudgetUsd,
      "accountBudgetUsd",
      `(${parsed.accountBudgetUsd}) is below monthlyBudgetUsd (${parsed.monthlyBudgetUsd}); the account includes this stack`,
    );
  }
  if (parsed.domain && parsed.cluster) {
    rule(
      parsed.cluster.hostedZoneId !== undefined,
      "cluster.hostedZoneId",
      `is required when qualisys:domain is set (the certificate for ${parsed.domain} is validated by DNS in that zone)`,
    );
  }
  if (parsed.network?.availabilityZones && region) {
    parsed.network.availabilityZones.forEach((az, i) =>
      rule(az.startsWith(region), `network.availabilityZones[${i}]`, `${az} is not in region ${region}`),
    );
  }

  // Values AWS refuses at create time that only show with the region and stack name (./aws-names.ts, core/instances.ts).
  if (parsed.cluster && region) {
    for (const pool of ["generalNodes", "playwrightNodes"] as const) {
      const type = parsed.cluster[pool]?.instanceType;
      const problem = type ? regionOfferProblem(type, region) : undefined;
      if (problem) problems.push({ key: `${ns}:cluster.${pool}.instanceType`, message: problem });
    }
  }
  for (const name of derivedNameProblems(`${parsed.appName ?? "qualisys"}-${raw.stack}`)) {
    if (name.problem)
      problems.push({
        key: `${ns}:appName`,
        message: `with stack name "${raw.stack}", the ${name.what} would be "${name.name}": ${name.problem}; shorten or rename the stack, or set a shorter appName`,
      });
  }

  if (problems.length > 0 || !environment || !accountId) throw new ConfigError(raw.stack, distinct(problems));
  const p = parsed as Parsed;
  const namespace = environmentNamespace[environment as Environment];
  // The rules above guarantee one of the two: a host to share, or a cluster of its own.
  const platform: OwnPlatform | SharedPlatform = p.platform
    ? { platform: { stack: p.platform.stack, namespaces: tenantNamespaces(raw.stack) } }
    : {
        tenants: p.tenants ?? [],
        network: { ...p.network, subnets: p.network.subnets ?? defaultSubnetLayout(p.network.cidr, p.network.azCount) },
        cluster: { ...(p.cluster as ClusterConfig), namespaces: p.cluster?.namespaces ?? [namespace] },
      };
  return {
    kind: "environment",
    project: raw.project,
    stack: raw.stack,
    environment: environment as Environment,
    appName: p.appName,
    prefix: `${p.appName}-${raw.stack}`,
    region: region!,
    accountId,
    isProduction,
    protect,
    logRetentionDays: p.logRetentionDays,
    monthlyBudgetUsd: p.monthlyBudgetUsd,
    budget: p.platform
      ? { limitUsd: p.monthlyBudgetUsd, costTag: hostedCostTag }
      : { limitUsd: p.accountBudgetUsd ?? p.monthlyBudgetUsd },
    prodParity: p.prodParity,
    lifetime: p.expiresOn ? { kind: "expires", on: p.expiresOn } : { kind: "long-lived" },
    budgetAlertEmails: p.budgetAlertEmails,
    domain: p.domain,
    ...platform,
    identity: { ...p.identity, githubSubjects: p.identity.githubSubjects ?? [`environment:${namespace}`] },
    // The switch overrides the classes only; everything else (Multi-AZ, storage, shards) stays the stack's.
    database: p.prodParity ? { ...p.database, instanceClass: seedDataTierSizes.databaseInstanceClass } : p.database,
    cache: p.prodParity ? { ...p.cache, nodeType: seedDataTierSizes.cacheNodeType } : p.cache,
    registry: p.registry,
    alerting: p.alerting,
    monitoring: p.monitoring,
    secretsManager: p.secretsManager,
    secretsSet: secretKeys.filter((key) => own[key] !== undefined),
  };
}
