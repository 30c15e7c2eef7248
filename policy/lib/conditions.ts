/**
 * Condition blocks read the way IAM evaluates them (AWS IAM User Guide, "IAM JSON policy elements: Condition
 * operators" and "Single-valued vs. multivalued context keys"), so that a condition only counts as limiting a
 * statement when it really does:
 *
 * - blocks and keys are ANDed, the values of one key are ORed: one limiting key limits the statement, and a key
 *   limits only when every one of its values does;
 * - a negated operator (`StringNotEquals`, `ArnNotLike`, `NotIpAddress`, …) matches everything except what it
 *   lists, so it limits nothing;
 * - `…IfExists` is true when the key is absent, and `ForAllValues:` is true when the key is absent or empty: a
 *   request without the key passes, so neither limits;
 * - `Null` only tests presence;
 * - `StringLike`, `ArnLike` and `ArnEquals` take `*` and `?`: a value that leaves open what it is meant to pin (the
 *   account of an ARN, an account or organisation ID, the whole value) matches everything it is meant to exclude.
 *   A bare wildcard counts as open under every operator: written in a condition it never states a limit.
 */
import type { NormalStatement } from "./iam";

export interface Operator {
  /** The operator without its set prefix and `IfExists` suffix (`StringLike`). */
  base: string;
  negated: boolean;
  ifExists: boolean;
  /** `ForAllValues` / `ForAnyValue`, when the key is multivalued. */
  set?: "ForAllValues" | "ForAnyValue";
  /** Whether values may carry `*` and `?`. */
  wildcards: boolean;
}

export function parseOperator(operator: string): Operator {
  let rest = operator;
  let set: Operator["set"];
  const prefix = /^(ForAllValues|ForAnyValue):/i.exec(rest);
  if (prefix) {
    set = prefix[1].toLowerCase() === "forallvalues" ? "ForAllValues" : "ForAnyValue";
    rest = rest.slice(prefix[0].length);
  }
  const ifExists = /IfExists$/i.test(rest);
  const base = ifExists ? rest.slice(0, -"IfExists".length) : rest;
  return {
    base,
    negated: /Not/i.test(base),
    ifExists,
    set,
    wildcards: /^(StringLike|StringNotLike|ArnLike|ArnNotLike|ArnEquals|ArnNotEquals)$/i.test(base),
  };
}

/** A condition as its parts: operator, key and the values of that key. */
export interface Clause {
  operator: string;
  op: Operator;
  key: string;
  values: string[];
}

export const clauses = (s: NormalStatement): Clause[] =>
  Object.entries(s.conditions).flatMap(([operator, block]) =>
    Object.entries(block).map(([key, values]) => ({ operator, op: parseOperator(operator), key, values })),
  );

const wild = (text: string) => /[*?]/.test(text);
/** Policy variables (`${aws:username}`) resolve to one value of the caller's request: not a wildcard. */
const withoutVariables = (text: string) => text.replace(/\$\{[^}]*\}/g, "x");

/** What a key's value is expected to pin, which decides when a wildcard leaves it open. */
type KeyKind = "account" | "organization" | "arn" | "value";

function kindOf(key: string): KeyKind {
  if (/^(aws:(PrincipalAccount|SourceAccount|ResourceAccount|SourceOwner)|kms:CallerAccount)$/i.test(key))
    return "account";
  if (/^aws:(PrincipalOrgID|PrincipalOrgPaths|ResourceOrgID|ResourceOrgPaths|SourceOrgID|SourceOrgPaths)$/i.test(key))
    return "organization";
  if (/Arn$/i.test(key)) return "arn";
  return "value";
}

/**
 * True when `value`, as the operator reads it, matches every value of the kind the key is meant to pin: a bare
 * wildcard; for accounts and organisations, any wildcard (it is not one account); for ARNs, a wildcard in the
 * partition, service or account field (or a value that is not an ARN at all under a wildcard operator).
 */
export function matchesAny(key: string, value: string, op: Operator): boolean {
  const v = withoutVariables(value);
  if (/^[*?]+$/.test(v)) return true;
  if (!op.wildcards && !/^String(Like|NotLike)$/i.test(op.base)) return false;
  switch (kindOf(key)) {
    case "account":
      return wild(v);
    case "organization":
      return wild(v.split("/")[0]);
    case "arn": {
      const parts = v.split(":");
      if (parts.length < 6) return wild(v);
      // ARNs without an account (S3 buckets) name their owner nowhere: any wildcard reaches every account's.
      if (parts[4] === "") return wild(v);
      return parts.slice(0, 5).some((p, i) => (i === 3 ? false : wild(p)));
    }
    default:
      return false;
  }
}

/**
 * True when the clause limits requests to what its values name: a positive operator, evaluated only when the key
 * is present, with no value that matches everything. (Which keys are worth limiting by is the caller's question.)
 */
export function limits(clause: Clause): boolean {
  const { op } = clause;
  if (op.negated || op.ifExists || op.set === "ForAllValues" || /^Null$/i.test(op.base)) return false;
  if (!clause.values.length) return false;
  return clause.values.every((v) => !matchesAny(clause.key, v, op));
}

/** Why a clause on a relevant key does not limit, for messages; undefined when it does. */
export function whyNotLimiting(clause: Clause): string | undefined {
  const { op, operator, key } = clause;
  if (op.negated) return `${operator} on ${key} matches everything it does not list`;
  if (op.ifExists) return `${operator} on ${key} passes when the key is absent`;
  if (op.set === "ForAllValues") return `${operator} on ${key} passes when the key is absent or empty`;
  if (/^Null$/i.test(op.base)) return `Null on ${key} only tests whether the key is present`;
  const open = clause.values.filter((v) => matchesAny(key, v, op));
  if (open.length) return `${operator} on ${key} has ${open.map((v) => `"${v}"`).join(", ")}, which matches any value`;
  return undefined;
}

/** The statement's clauses on keys matching `keys` that really limit it. */
export function limitingClauses(s: NormalStatement, keys: RegExp[]): Clause[] {
  return clauses(s).filter((c) => keys.some((k) => k.test(c.key)) && limits(c));
}

/** The statement's clauses on keys matching `keys` that look like limits but are not (with why). */
export function falseLimits(s: NormalStatement, keys: RegExp[]): string[] {
  return clauses(s)
    .filter((c) => keys.some((k) => k.test(c.key)))
    .map(whyNotLimiting)
    .filter((w): w is string => w !== undefined);
}
