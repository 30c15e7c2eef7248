/**
 * Principals of other accounts (SPEC X5, I3): trust policies, resource and key policies, EKS access entries and
 * Lambda permissions name only this stack's account or accounts the pack config lists as trusted; a trust to another
 * account needs MFA or an external ID; a `*` principal "limited" to an account limits it to one of those.
 */
import type { PolicyResource } from "@pulumi/policy";
import { accountOf, ownAccounts, place, type Placement } from "../lib/accounts";
import { clauses } from "../lib/conditions";
import { patternList, stackPolicy } from "../lib/define";
import { documentsOf, documentTypes } from "../lib/documents";
import { label, requiresMfa, type NormalStatement } from "../lib/iam";
import { list, prop, Unknown } from "../lib/values";
import { T } from "./types";

/** A limiting `sts:ExternalId` test (a positive operator, a literal value). */
const hasExternalId = (s: NormalStatement) =>
  clauses(s).some(
    (c) =>
      /^sts:ExternalId$/i.test(c.key) &&
      !c.op.negated &&
      !c.op.ifExists &&
      c.values.length > 0 &&
      c.values.every((v) => !/[*?]/.test(v)),
  );

const accountKeys = /^(aws:(PrincipalAccount|SourceAccount|ResourceAccount|SourceOwner)|kms:CallerAccount)$/i;
const arnKeys = /^aws:(SourceArn|PrincipalArn)$/i;

type Finding = { resource?: PolicyResource; message: string; undecided?: boolean };

export const foreignAccounts = stackPolicy({
  name: "iam-foreign-accounts",
  description:
    "Trust policies, resource and key policies, EKS access entries and Lambda permissions name principals of this stack's account (read from the ARNs AWS returned for the stack's resources) or of accounts listed in trustedAccountIds, never any account (a wildcarded account field); a role trusting another account requires MFA or an sts:ExternalId; a `*` principal limited by aws:PrincipalAccount, aws:SourceAccount or an ARN condition is limited to those accounts. Before the stack's first update its own account is unknown: an account that is not listed is then reported as undecided.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediation:
    "name principals of this account, or add the partner account to trustedAccountIds in the pack config and require MFA (humans) or an sts:ExternalId (a vendor's role) in the trust.",
  configSchema: {
    properties: {
      trustedAccountIds: patternList(
        "Account IDs (globs) besides the stack's own whose principals may be named: the organisation's other accounts, a vendor's.",
        [],
      ),
    },
  },
  coverage: [
    {
      control: "identity",
      types: [T.role, T.eksAccessEntry, T.eksAccessPolicyAssociation, T.eksCluster, T.lambdaPermission],
      checkov: ["CKV_AWS_61", "CKV_AWS_385"],
    },
  ],
  check: (resources, config) => {
    const own = ownAccounts(resources);
    const trusted: string[] = config.trustedAccountIds;
    const out: Finding[] = [];
    const judge = (resource: PolicyResource, where: string, account: string, ok: (p: Placement) => boolean) => {
      const placement = place(account, own, trusted);
      if (placement === "unknown" && ok("foreign")) return;
      if (placement === "unknown")
        out.push({
          resource,
          undecided: true,
          message: `${where} names account ${account}, and the stack's own account is not known yet (no ARN returned), nor is ${account} in trustedAccountIds.`,
        });
      else if (!ok(placement))
        out.push({
          resource,
          message:
            placement === "any"
              ? `${where} names every account (a wildcarded account field).`
              : `${where} names account ${account}, which is neither this stack's (${[...own].join(", ")}) nor in trustedAccountIds.`,
        });
    };
    const known = (ok: Placement[]) => (p: Placement) => ok.includes(p);

    for (const r of resources.filter((x) => documentTypes.includes(x.type))) {
      for (const doc of documentsOf(r.type, r.props)) {
        if (!doc.statements) continue;
        doc.statements.forEach((s, i) => {
          if (s.effect !== "Allow" || doc.kind === "identity" || doc.kind === "boundary") return;
          const where = `${r.name} ${doc.where} ${label(s, i)}`;
          for (const principal of s.principals.aws) {
            const account = accountOf(principal);
            if (!account || principal === "*") continue;
            if (doc.kind === "trust") {
              // A trust to another account: the other account decides who acts as that principal, so require MFA
              // (a human) or an external ID (a vendor's role), even for a listed account.
              const guarded = requiresMfa(s) || hasExternalId(s);
              judge(
                r,
                `${where} trusts ${principal}${guarded ? "" : " without MFA or an external ID"}; it`,
                account,
                (p) => (guarded ? p !== "any" : p === "own"),
              );
            } else judge(r, `${where} grants ${principal}:`, account, known(["own", "trusted"]));
          }
          if (s.principals.star)
            for (const c of clauses(s).filter((c) => accountKeys.test(c.key) || arnKeys.test(c.key)))
              if (!c.op.negated)
                for (const v of c.values) {
                  const account = accountKeys.test(c.key) ? (/[*?]/.test(v) ? "*" : v) : accountOf(v);
                  if (account) judge(r, `${where} limits "*" by ${c.key} ${v}:`, account, known(["own", "trusted"]));
                }
        });
      }
    }

    // EKS access: who can reach the cluster at all.
    const eksPrincipals = (r: PolicyResource): unknown[] => {
      if (r.type === T.eksAccessEntry || r.type === T.eksAccessPolicyAssociation)
        return [prop(r.props, "principalArn")];
      if (r.type !== T.eksCluster) return [];
      const entries = prop(r.props, "accessEntries");
      return entries && entries !== Unknown && typeof entries === "object"
        ? Object.values(entries as Record<string, unknown>).map((e) => prop(e, "principalArn"))
        : [];
    };
    for (const r of resources)
      for (const principal of eksPrincipals(r)) {
        if (typeof principal !== "string") continue;
        const account = accountOf(principal);
        if (account)
          judge(r, `${r.name} gives ${principal} access to the cluster:`, account, known(["own", "trusted"]));
      }

    // Lambda permissions: an account as principal, or as the source.
    for (const r of resources.filter((x) => x.type === T.lambdaPermission))
      for (const value of list(prop(r.props, "principal")).concat(list(prop(r.props, "sourceAccount")))) {
        if (typeof value !== "string") continue;
        const account = accountOf(value);
        if (account)
          judge(r, `${r.name} lets account ${value} invoke the function:`, account, known(["own", "trusted"]));
      }
    return out;
  },
});

export const accountPolicies = [foreignAccounts];
