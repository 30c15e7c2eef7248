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

/** A provider input that the engine may send as JSON text (`"[\"123456789012\"]"`) or as a value. */
function jsonish(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * The account an explicit AWS provider deploys into: its single `allowedAccountIds` entry, else the account of the
 * role it assumes. Undefined for other providers, or when the provider does not pin one account.
 */
export function providerAccount(provider: PolicyResource["provider"]): string | undefined {
  if (!provider || provider.type !== "pulumi:providers:aws") return undefined;
  const allowed = jsonish(prop(provider.props, "allowedAccountIds"));
  if (Array.isArray(allowed) && allowed.length === 1 && /^\d{12}$/.test(String(allowed[0]))) return String(allowed[0]);
  const roles = jsonish(prop(provider.props, "assumeRoles"));
  const role = Array.isArray(roles) ? prop(roles[0], "roleArn") : undefined;
  const account = typeof role === "string" ? accountOf(role) : undefined;
  return account && account !== "*" ? account : undefined;
}

/**
 * The stack's own accounts: those in the `arn` outputs of its resources, and those its resources are created in
 * through an explicit AWS provider (a stack that deploys into several accounts, as the organisation stack does).
 */
export function ownAccounts(resources: PolicyResource[]): Set<string> {
  const own = new Set<string>();
  for (const r of resources) {
    if (!r.type.startsWith("aws:")) continue;
    const arn = prop(r.props, "arn");
    const account = typeof arn === "string" ? accountOf(arn) : undefined;
    if (account && account !== "*") own.add(account);
    const deployedTo = providerAccount(r.provider);
    if (deployedTo) own.add(deployedTo);
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
