/**
 * IAM documents, normalised once. Documents reach a policy as JSON strings (what the program sends) or as objects
 * (what `aws.iam.getPolicyDocument` or a literal in another program sends); `Action`, `Resource` and principals
 * as a string or a list. Every policy of the pack reads the normalised {@link NormalStatement} instead.
 */
import { falseLimits, limitingClauses } from "./conditions";
import { Unknown, read } from "./values";

export interface NormalStatement {
  sid?: string;
  effect: "Allow" | "Deny";
  /** Principals by kind; `star` when the principal is `"*"` or `{ AWS: "*" }`. */
  principals: { aws: string[]; service: string[]; federated: string[]; canonical: string[]; star: boolean };
  /** True when the statement names a principal at all (resource and trust policies do; identity policies don't). */
  hasPrincipal: boolean;
  actions: string[];
  /** Set when the statement uses NotAction. */
  notActions?: string[];
  resources: string[];
  notResources?: string[];
  /** Operator → condition key → values. */
  conditions: Record<string, Record<string, string[]>>;
}

export type ParsedDocument = { ok: true; statements: NormalStatement[] } | { ok: false; error: string };

const strings = (value: unknown): string[] => {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => String(v));
};

/** Copies a value out of the runtime's proxy into plain data (reading every field, so unknowns throw here). */
function plain(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(plain);
  return Object.fromEntries(Object.keys(value).map((k) => [k, plain((value as Record<string, unknown>)[k])]));
}

function normaliseStatement(raw: Record<string, unknown>): NormalStatement {
  const principal = raw.Principal;
  const principals = {
    aws: [] as string[],
    service: [] as string[],
    federated: [] as string[],
    canonical: [] as string[],
    star: false,
  };
  if (principal === "*") principals.star = true;
  else if (principal && typeof principal === "object") {
    const p = principal as Record<string, unknown>;
    principals.aws = strings(p.AWS);
    principals.service = strings(p.Service);
    principals.federated = strings(p.Federated);
    principals.canonical = strings(p.CanonicalUser);
    if (principals.aws.includes("*")) principals.star = true;
  }
  const conditions: NormalStatement["conditions"] = {};
  if (raw.Condition && typeof raw.Condition === "object") {
    for (const [operator, block] of Object.entries(raw.Condition as Record<string, unknown>)) {
      conditions[operator] = {};
      if (block && typeof block === "object")
        for (const [key, values] of Object.entries(block as Record<string, unknown>))
          conditions[operator][key] = strings(values);
    }
  }
  return {
    sid: typeof raw.Sid === "string" ? raw.Sid : undefined,
    effect: raw.Effect === "Deny" ? "Deny" : "Allow",
    principals,
    hasPrincipal: principal !== undefined || raw.NotPrincipal !== undefined,
    actions: strings(raw.Action),
    notActions: raw.NotAction === undefined ? undefined : strings(raw.NotAction),
    resources: strings(raw.Resource),
    notResources: raw.NotResource === undefined ? undefined : strings(raw.NotResource),
    conditions,
  };
}

/**
 * Parses a policy document given as a JSON string or an object. An unknown document (or an unknown value inside
 * one) makes the runtime's proxy throw, which the runtime reports as "can't run during preview": exactly what a
 * policy should do when the document cannot be seen yet.
 */
export function parseDocument(value: unknown): ParsedDocument {
  let doc: unknown = value;
  if (typeof value === "string") {
    try {
      doc = JSON.parse(value);
    } catch (e) {
      return { ok: false, error: `is not valid JSON (${(e as Error).message})` };
    }
  } else doc = plain(value);
  if (!doc || typeof doc !== "object") return { ok: false, error: "is not a policy document" };
  const statement = (doc as Record<string, unknown>).Statement;
  if (statement === undefined) return { ok: false, error: "has no Statement" };
  const list = Array.isArray(statement) ? statement : [statement];
  return { ok: true, statements: list.filter((s) => s && typeof s === "object").map((s) => normaliseStatement(s)) };
}

/** `parseDocument`, but an unknown document yields `Unknown` instead of throwing. */
export function parseDocumentOrUnknown(get: () => unknown): ParsedDocument | typeof Unknown {
  return read(() => parseDocument(get()));
}

/** How a statement is named in a message. */
export const label = (s: NormalStatement, index: number) =>
  s.sid ? `statement "${s.sid}"` : `statement #${index + 1}`;

// What an action is (its access level, whether AWS offers a resource type to scope it to, whether it exists at
// all) comes from AWS's published catalogue: ./catalogue. This module only reads documents.

/**
 * Condition keys that scope a statement on `Resource: "*"` to resources the statement's owner controls: tags on
 * the resource or the request, the calling service, the passed-to service, the source account/ARN.
 */
const scopingConditionKey = [
  /:ResourceTag\//i,
  /:RequestTag\//i,
  /^aws:TagKeys$/i,
  /^kms:ViaService$/i,
  /^kms:CallerAccount$/i,
  /^iam:AWSServiceName$/i,
  /^iam:PassedToService$/i,
  /^aws:SourceArn$/i,
  /^aws:SourceAccount$/i,
  /^aws:ResourceAccount$/i,
  /^ec2:Vpc$/i,
  /^ec2:Subnet$/i,
];

/**
 * True when a condition on one of those keys really limits the statement, as IAM evaluates it (./conditions): a
 * negated operator, an IfExists or ForAllValues test, or a wildcard value scopes nothing.
 */
export function hasScopingCondition(s: NormalStatement): boolean {
  return limitingClauses(s, scopingConditionKey).length > 0;
}

/** Conditions on scoping keys that do not scope (with why), for messages. */
export const scopingLookalikes = (s: NormalStatement) => falseLimits(s, scopingConditionKey);

/** `*`, or an ARN that is all wildcards (`arn:aws:*:*:*`, `arn:*`). */
export function isStarResource(resource: string): boolean {
  return resource === "*" || /^arn:[^:]*:\*(:\*)*(:\*)?$/.test(resource) || resource === "arn:*";
}

/** Does `pattern` (an IAM action, possibly with wildcards) cover `action`? Case-insensitive, as IAM matches. */
export function actionMatches(pattern: string, action: string): boolean {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`, "i").test(action);
}

/** True when a statement requires MFA (present, or a maximum age). */
export function requiresMfa(s: NormalStatement): boolean {
  for (const [operator, block] of Object.entries(s.conditions)) {
    for (const [key, values] of Object.entries(block)) {
      // Only Bool: BoolIfExists also passes when the key is absent (long-term keys), i.e. without MFA.
      if (/^aws:MultiFactorAuthPresent$/i.test(key) && operator === "Bool" && values.includes("true")) return true;
      // A numeric test on the MFA age is false when the key is absent, so it requires MFA too.
      if (/^aws:MultiFactorAuthAge$/i.test(key) && /^NumericLessThan(Equals)?$/.test(operator)) return true;
    }
  }
  return false;
}

/** The "deny everything unless MFA is present" statement of an MFA enforcement policy. */
export function isMfaDenyStatement(s: NormalStatement): boolean {
  if (s.effect !== "Deny") return false;
  const broad = s.notActions !== undefined || s.actions.some((a) => a === "*");
  if (!broad) return false;
  const bool = { ...(s.conditions.BoolIfExists ?? {}), ...(s.conditions.Bool ?? {}) };
  const present = Object.entries(bool).find(([key]) => /^aws:MultiFactorAuthPresent$/i.test(key));
  if (present && present[1].includes("false")) return true;
  const isNull = Object.entries(s.conditions.Null ?? {}).find(([key]) => /^aws:MultiFactorAuthAge$/i.test(key));
  return !!isNull && isNull[1].includes("true");
}
