/**
 * Which AWS account a principal, an ARN or a condition value names, and which accounts are this stack's own. The
 * stack's accounts are read from the ARNs the provider returned for the stack's resources (a role's or a key's
 * `arn` output): a program cannot choose them, so a planted foreign account never counts as its own. Before the
 * first update those ARNs are unknown; a rule that then meets an account it cannot place says so.
 */
import type { PolicyResource } from "@pulumi/policy";
import { globMatch, prop } from "./values";

/** The account of an ARN or bare account ID: `*` when it is wildcarded, undefined when none is named. */
export function accountOf(value: string): string | undefined {
  if (/^\d{12}$/.test(value)) return value;
  const parts = value.split(":");
  if (parts[0] !== "arn" || parts.length < 5) return /^[*?]+$/.test(value) ? "*" : undefined;
  const account = parts[4];
  if (account === "" || account === "aws") return undefined;
  return /[*?]/.test(account) ? "*" : account;
}

/** The accounts in the `arn` outputs of the stack's own resources. */
export function ownAccounts(resources: PolicyResource[]): Set<string> {
  const own = new Set<string>();
  for (const r of resources) {
    if (!r.type.startsWith("aws:")) continue;
    const arn = prop(r.props, "arn");
    if (typeof arn !== "string") continue;
    const account = accountOf(arn);
    if (account && account !== "*") own.add(account);
  }
  return own;
}

export type Placement = "own" | "trusted" | "foreign" | "any" | "unknown";

/** Where an account stands: this stack's, listed as trusted (globs), another's, every account, or not placeable yet. */
export function place(account: string, own: Set<string>, trusted: string[]): Placement {
  if (account === "*") return "any";
  if (own.has(account)) return "own";
  if (trusted.some((t) => globMatch(t, account))) return "trusted";
  return own.size ? "foreign" : "unknown";
}
