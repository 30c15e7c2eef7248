/**
 * The organisation stack's configuration (`Pulumi.organization.yaml`, SPEC P2, P4, P5): the other kind of stack
 * file. A stack file with `qualisys:organization` declares the Pulumi Cloud organisation itself (agent pools, every
 * stack's Deployments settings, schedules, teams, the GitHub OIDC issuer, the policy group) instead of an
 * environment. It learns the application stacks from the repository's other stack files, parsed exactly as the
 * environment program parses them, so a stack file that the program would refuse stops the organisation stack too.
 * Pure: raw values and stack files in, a typed configuration or one {@link ConfigError} listing every problem out.
 */
import { z } from "zod";
import type { Environment } from "../core/environments";
import { ConfigError, parseStackConfig, type ConfigProblem, type Lifetime, type RawConfig } from "./schema";
import { fromConfig } from "./zod";

/** The key that makes a stack file the organisation kind. */
export const organizationKey = "organization";

/** Whether a stack file's `config:` map (or the engine's values) belongs to the organisation kind. */
export function isOrganizationStackFile(config: Record<string, unknown>, project = "qualisys"): boolean {
  return `${project}:${organizationKey}` in config;
}

const login = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,38}$/, { error: "is not a Pulumi Cloud user name" });
const accountId = z.string().regex(/^\d{12}$/, { error: "must be a 12-digit AWS account id" });

const organizationSection = z.strictObject({
  /** Pulumi Cloud organisation. Required; every application stack's `qualisys:identity.pulumiOrganization` names it. */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { error: "is not a Pulumi organisation name" }),
  /** `owner/name` of the GitHub repository: what Deployments check out, whose workflows get Pulumi tokens. Required. */
  githubRepository: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { error: 'must be "owner/name" without wildcards' }),
  /**
   * Per AWS account that holds a platform (a stack with its own runner): the role this stack assumes there to keep
   * the runner's pool token in that account's Secrets Manager. Required for every platform account.
   */
  accountRoles: z.record(
    accountId,
    z.string().regex(/^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]+$/, { error: "is not an IAM role ARN" }),
  ),
  /** Pulumi Cloud user names of the human teams (docs/pulumi-cloud.md). Default: none (the teams exist, empty). */
  members: z
    .strictObject({
      /** Deploy dev and review stacks, read staging. */
      developers: z.array(login).default([]),
      /** See every stack's configuration and details, decrypt nothing (the custom `stack-observer` role). */
      observers: z.array(login).default([]),
    })
    .default({ developers: [], observers: [] }),
  /** When drift detection runs on every long-lived stack: a five-field cron in UTC. Default daily at 06:00. */
  driftSchedule: z
    .string()
    .regex(/^\S+( \S+){4}$/, { error: 'must be a five-field cron expression such as "0 6 * * *"' })
    .default("0 6 * * *"),
});

/** Keys of the organisation kind, project-namespaced. */
const keys = {
  organization: fromConfig(organizationSection),
  /** Monthly AWS budget of this stack's own resources (the pool tokens' keys and secrets); the preview fails above it. */
  monthlyBudgetUsd: fromConfig(z.number().positive({ error: "must be a positive amount of USD" })),
  /** Slack incoming-webhook URL for drift notifications. Secret. Default none: drift shows in Pulumi Cloud only. */
  slackWebhookUrl: z
    .url({ protocol: /^https$/, hostname: /^hooks\.slack\.com$/, error: "must be an https://hooks.slack.com/… URL" })
    .optional(),
};

/** An application stack as the organisation stack sees it: what its settings, schedules and permissions need. */
export interface ApplicationStack {
  stack: string;
  environment: Environment;
  isProduction: boolean;
  /** `${appName}-${stack}`: names its roles (`<prefix>-deploy`) and, for a platform, its pool and token secret. */
  prefix: string;
  region: string;
  /** The one AWS account its provider may touch (`aws:allowedAccountIds`). */
  accountId: string;
  /** The stack whose platform (network, cluster, runner pool) it runs on; none when it has its own. */
  host?: string;
  lifetime: Lifetime;
}

export interface OrganizationConfig {
  kind: "organization";
  project: string;
  /** This stack's name (`organization`). */
  stack: string;
  /** The Pulumi Cloud organisation. */
  name: string;
  githubRepository: string;
  monthlyBudgetUsd: number;
  driftSchedule: string;
  members: { developers: string[]; observers: string[] };
  /** Account id → the role this stack assumes there. */
  accountRoles: Record<string, string>;
  /** Every application stack of the repository, in stack-file order. */
  stacks: ApplicationStack[];
  /** The policy pack this stack publishes and enforces. */
  policyPack: PolicyPackSource;
  /** Secret keys that are set (read as Pulumi secrets by config/index.ts, never here). */
  secretsSet: "slackWebhookUrl"[];
}

/** One application stack file of the repository, as the engine would pass its values. */
export interface RepositoryStackFile {
  stack: string;
  values: Record<string, string>;
  secretKeys: string[];
  /** Problems reading the file itself (YAML, `secure:` values), each starting with the file name. */
  errors: string[];
}

/** The account a stack file pins its provider to: exactly one 12-digit id in `aws:allowedAccountIds`. */
function allowedAccount(values: Record<string, string>): string | undefined {
  try {
    const ids = JSON.parse(values["aws:allowedAccountIds"] ?? "null") as unknown;
    return Array.isArray(ids) && ids.length === 1 && /^\d{12}$/.test(String(ids[0])) ? String(ids[0]) : undefined;
  } catch {
    return undefined;
  }
}

/** What the organisation stack reads from the repository besides its own stack file. */
export interface RepositoryContext {
  /** The application stack files. */
  files: RepositoryStackFile[];
  /** The policy pack it publishes: its folder and the version in its package.json. */
  policyPack: PolicyPackSource;
  /** The current day (YYYY-MM-DD, UTC): a review stack whose expiry is not after it is an error. */
  today: string;
}

export interface PolicyPackSource {
  /** Folder of the pack, relative to the project (`policy`). */
  directory: string;
  /** Its package.json version: Pulumi Cloud keeps each published version immutable. */
  versionTag: string;
}

/** Validates the organisation stack's raw configuration against the repository's application stack files. */
export function parseOrganizationConfig(
  raw: RawConfig,
  { files, policyPack, today }: RepositoryContext,
): OrganizationConfig {
  const ns = raw.project;
  const problems: ConfigProblem[] = [];
  const own: Record<string, string> = {};
  for (const [fullKey, value] of Object.entries(raw.values)) {
    const [namespace, key] = fullKey.split(/:(.*)/s);
    if (namespace === ns && key in keys) own[key] = value;
    else
      problems.push({
        key: fullKey,
        message: `unknown key for the organisation stack (it takes ${Object.keys(keys)
          .map((k) => `${ns}:${k}`)
          .join(", ")})`,
      });
  }
  const parsed: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(keys)) {
    const result = (schema as z.ZodType).safeParse(own[key]);
    if (result.success) parsed[key] = result.data;
    else
      for (const issue of result.error.issues) {
        const path = issue.path.reduce<string>(
          (text, part) => (typeof part === "number" ? `${text}[${part}]` : `${text}.${String(part)}`),
          `${ns}:${key}`,
        );
        if (issue.code === "unrecognized_keys")
          for (const unknown of issue.keys) problems.push({ key: `${path}.${unknown}`, message: "unknown key" });
        else
          problems.push({
            key: path,
            message: issue.message.endsWith("received undefined") ? "is required" : issue.message,
          });
      }
  }
  if (own.slackWebhookUrl !== undefined && !raw.secretKeys.includes(`${ns}:slackWebhookUrl`))
    problems.push({
      key: `${ns}:slackWebhookUrl`,
      message: "is a secret; set it with `pulumi config set --secret slackWebhookUrl`, not as plain text",
    });
  const organization = parsed.organization as z.infer<typeof organizationSection> | undefined;

  const stacks: ApplicationStack[] = [];
  for (const file of files) {
    const where = `Pulumi.${file.stack}.yaml`;
    if (file.errors.length) {
      problems.push(...file.errors.map((message) => ({ key: where, message })));
      continue;
    }
    let config;
    try {
      config = parseStackConfig({
        project: raw.project,
        stack: file.stack,
        values: file.values,
        secretKeys: file.secretKeys,
      });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems.map((p) => ({ key: where, message: `${p.key}: ${p.message}` })));
      continue;
    }
    const accountId = allowedAccount(file.values);
    if (!accountId)
      problems.push({
        key: where,
        message:
          "aws:allowedAccountIds must name the stack's one AWS account (its deploy role and pool token live there)",
      });
    if (organization && config.identity.pulumiOrganization !== organization.name)
      problems.push({
        key: `${ns}:organization.name`,
        message: `is ${organization.name}, but ${where} deploys through ${config.identity.pulumiOrganization} (qualisys:identity.pulumiOrganization)`,
      });
    if (organization && config.identity.githubRepository !== organization.githubRepository)
      problems.push({
        key: `${ns}:organization.githubRepository`,
        message: `is ${organization.githubRepository}, but ${where} trusts ${config.identity.githubRepository} (qualisys:identity.githubRepository)`,
      });
    if (config.lifetime.kind === "expires" && config.lifetime.on <= today)
      problems.push({
        key: where,
        message: `qualisys:expiresOn (${config.lifetime.on}) has passed: its TTL schedule has destroyed the stack; remove the stack file, then deploy this stack (it deletes the empty stack)`,
      });
    stacks.push({
      stack: file.stack,
      environment: config.environment,
      isProduction: config.isProduction,
      prefix: config.prefix,
      region: config.region,
      accountId: accountId ?? "",
      ...(config.platform ? { host: config.platform.stack } : {}),
      lifetime: config.lifetime,
    });
  }

  // A platform (a stack with its own runner) needs a way in for its pool token; its tenants must find it.
  const byName = new Map(stacks.map((s) => [s.stack, s]));
  for (const s of stacks) {
    const host = s.host === undefined ? undefined : byName.get(s.host);
    if (s.host !== undefined && (!host || host.host !== undefined))
      problems.push({
        key: `Pulumi.${s.stack}.yaml`,
        message: `qualisys:platform.stack names ${s.host}, which is not a stack of this repository with a platform of its own`,
      });
    if (host && host.lifetime.kind === "expires")
      problems.push({
        key: `Pulumi.${host.stack}.yaml`,
        message: `qualisys:expiresOn: ${s.stack} runs on this stack's platform, so it cannot expire`,
      });
    if (s.host === undefined && organization && s.accountId && !organization.accountRoles[s.accountId])
      problems.push({
        key: `${ns}:organization.accountRoles`,
        message: `names no role in account ${s.accountId}, where ${s.stack}'s runner reads its pool token`,
      });
  }
  for (const [account, role] of Object.entries(organization?.accountRoles ?? {}))
    if (role.split(":")[4] !== account)
      problems.push({
        key: `${ns}:organization.accountRoles.${account}`,
        message: `${role} is not a role of account ${account}`,
      });

  if (problems.length > 0 || !organization) throw new ConfigError(raw.stack, problems);
  return {
    kind: "organization",
    project: raw.project,
    stack: raw.stack,
    name: organization.name,
    githubRepository: organization.githubRepository,
    monthlyBudgetUsd: parsed.monthlyBudgetUsd as number,
    driftSchedule: organization.driftSchedule,
    members: organization.members,
    accountRoles: organization.accountRoles,
    stacks,
    policyPack,
    secretsSet: own.slackWebhookUrl === undefined ? [] : ["slackWebhookUrl"],
  };
}
