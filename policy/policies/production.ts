/**
 * Production-only rules (SPEC C4, N1, D1, R1, I1). Which stacks are production is the pack's own knowledge: its
 * config (a stack-name pattern) or a stack tag set with `pulumi stack tag set`, never the program's config, so a
 * stack named for production that declares itself `dev` in its stack file is still held to these rules.
 */
import { patternList, resourcePolicy, type PolicyConfig } from "../lib/define";
import { documentsOf } from "../lib/documents";
import { globMatch, isTrueOrUnknown, path, prop, stackOf, Unknown } from "../lib/values";
import { T } from "./types";

export const productionConfig = {
  productionStackPattern: {
    type: "string" as const,
    default: "(^|[-_.])(prod|production)($|[-_.])",
    description:
      "Stack names (a case-insensitive regular expression) that are production: prod, production, prod-eu, eu.production; not preprod.",
  },
  productionStackTag: {
    type: "string" as const,
    default: "environment",
    description:
      "A stack tag (`pulumi stack tag set <tag> prod`) whose value prod or production marks a stack as production.",
  },
};

/** Is the resource's stack production, by the pack's config or the stack's tags? */
export function isProductionStack(urn: string, stackTags: ReadonlyMap<string, string>, config: PolicyConfig): boolean {
  const tag = stackTags.get(config.productionStackTag as string);
  if (tag !== undefined && /^(prod|production)$/i.test(tag)) return true;
  return new RegExp(config.productionStackPattern as string, "i").test(stackOf(urn));
}

/** Stateful resource types: losing one loses data, keys (and with them the data they encrypt) or images. */
const statefulTypes = [
  T.rdsInstance,
  T.rdsCluster,
  T.replicationGroup,
  T.serverlessCache,
  T.kmsKey,
  T.ecrRepository,
  T.bucket,
  T.eksCluster,
  T.secret,
];

export const prodStatefulProtected = resourcePolicy({
  name: "prod-stateful-protected",
  description:
    "In production stacks, every stateful resource (databases, caches, KMS keys, registries, buckets, the cluster) carries Pulumi's protect option, and secrets keep a recovery window; databases are Multi-AZ with deletion protection and a final snapshot; caches keep snapshots.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation:
    "declare it with { protect: true } (config protectStatefulResources), multiAz/deletionProtection for RDS, snapshotRetentionLimit for caches, and leave recoveryWindowInDays above 0 on secrets.",
  configSchema: { properties: { ...productionConfig } },
  types: statefulTypes,
  check: ({ type, urn, props, protect, stackTags }, config) => {
    if (!isProductionStack(urn, stackTags, config)) return [];
    const out: string[] = [];
    if (type === T.secret) {
      const window = prop(props, "recoveryWindowInDays");
      if (window === 0) out.push("recoveryWindowInDays is 0: deleting the secret loses it at once.");
      return out;
    }
    if (!protect) out.push("The resource is not protected: one `pulumi destroy` or a replacement deletes it.");
    if (type === T.rdsInstance || type === T.rdsCluster) {
      if (type === T.rdsInstance && !isTrueOrUnknown(prop(props, "multiAz"))) out.push("The database is not Multi-AZ.");
      if (!isTrueOrUnknown(prop(props, "deletionProtection"))) out.push("Deletion protection is off.");
      if (prop(props, "skipFinalSnapshot") === true) out.push("skipFinalSnapshot is true.");
    }
    if (type === T.replicationGroup) {
      const keep = prop(props, "snapshotRetentionLimit");
      if (keep !== Unknown && !(typeof keep === "number" && keep > 0)) out.push("The cache keeps no snapshots.");
    }
    return out;
  },
});

export const prodNatPerAz = resourcePolicy({
  name: "prod-nat-per-az",
  description: "In production stacks, awsx VPCs run a NAT gateway per availability zone (SPEC N1).",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediation: 'set natGateways: { strategy: "OnePerAz" } (config network.natGateways: onePerAz).',
  configSchema: { properties: { ...productionConfig } },
  types: [T.awsxVpc],
  check: ({ urn, props, stackTags }, config) => {
    if (!isProductionStack(urn, stackTags, config)) return [];
    const strategy = path(props, "natGateways", "strategy");
    return strategy === Unknown || strategy === "OnePerAz"
      ? []
      : [`natGateways.strategy is ${String(strategy ?? "unset (awsx default: OnePerAz only when set)")}.`];
  },
});

export const prodCiThroughEnvironment = resourcePolicy({
  name: "prod-ci-through-environment",
  description:
    "In production stacks, roles trusted by GitHub Actions accept only GitHub Environment subjects (repo:<repo>:environment:<name>), which carry required reviewers; branches, tags and pull requests are refused. Read-only preview roles (config) are exempt.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediation:
    'list only "environment:<name>" subjects for prod (config identity.githubSubjects), or name the role as a read-only preview role.',
  coverage: [{ control: "identity", types: [T.role] }],
  configSchema: {
    properties: {
      ...productionConfig,
      readOnlyCiRolePatterns: patternList(
        "Role names (globs) of read-only CI roles (pulumi preview on pull requests) exempt from this rule.",
        ["*-ci-preview"],
      ),
    },
  },
  types: [T.role],
  check: ({ type, urn, props, stackTags }, config) => {
    if (!isProductionStack(urn, stackTags, config)) return [];
    const name = prop(props, "name");
    if (typeof name === "string" && (config.readOnlyCiRolePatterns as string[]).some((p) => globMatch(p, name)))
      return [];
    const out: string[] = [];
    for (const doc of documentsOf(type, props).filter((d) => d.kind === "trust" && d.statements))
      for (const s of doc.statements!)
        for (const block of Object.values(s.conditions))
          for (const [key, values] of Object.entries(block))
            if (/^token\.actions\.githubusercontent\.com:sub$/i.test(key))
              for (const v of values.filter((v) => !/^repo:[^:*?]+\/[^:*?]+:environment:[^:*?]+$/.test(v)))
                out.push(`GitHub subject ${v} can assume a production role without an Environment's reviewers.`);
    return out;
  },
});

export const productionPolicies = [prodStatefulProtected, prodNatPerAz, prodCiThroughEnvironment];
