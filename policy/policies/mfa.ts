/**
 * MFA (SPEC X1, I1, I2): a role that IAM principals can assume requires MFA in its trust policy; every human IAM
 * user sits in a group carrying the deny-unless-MFA policy; OIDC trust is pinned to a subject. Service principals
 * (`ec2.amazonaws.com`), OIDC/IRSA and SAML federation are machine or already-MFA'd identities and are exempt.
 */
import type { PolicyResource } from "@pulumi/policy";
import { patternList, resourcePolicy, stackPolicy } from "../lib/define";
import { documentsOf } from "../lib/documents";
import {
  actionMatches,
  isMfaDenyStatement,
  label,
  parseDocumentOrUnknown,
  requiresMfa,
  type NormalStatement,
} from "../lib/iam";
import { clauses, limits, whyNotLimiting } from "../lib/conditions";
import { referenced } from "../lib/links";
import { globMatch, prop, Unknown } from "../lib/values";
import { T } from "./types";

const assumes = (s: NormalStatement) => s.actions.some((a) => actionMatches(a, "sts:AssumeRole"));

export const humanRolesRequireMfa = resourcePolicy({
  name: "iam-human-role-requires-mfa",
  description:
    "Roles whose trust policy lets IAM principals (AWS accounts, users, roles) call sts:AssumeRole require aws:MultiFactorAuthPresent (Bool true) or an MFA age; service, OIDC/IRSA and SAML principals are exempt.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediation:
    'add Condition { Bool: { "aws:MultiFactorAuthPresent": "true" }, NumericLessThan: { "aws:MultiFactorAuthAge": "3600" } } to the trust statement.',
  coverage: [{ control: "identity", types: [T.role] }],
  configSchema: {
    properties: {
      machinePrincipalPatterns: patternList(
        "AWS principal ARNs (globs) that are machines, exempt from the MFA rule (e.g. another account's CI role). Default: the deployment runner's instance role, which the deploy role trusts.",
        ["arn:*:iam::*:role/*-runner"],
      ),
    },
  },
  types: [T.role],
  check: ({ type, props }, config) => {
    const out: string[] = [];
    for (const doc of documentsOf(type, props).filter((d) => d.kind === "trust")) {
      if (doc.error) {
        out.push(`assumeRolePolicy ${doc.error}.`);
        continue;
      }
      doc.statements!.forEach((s, i) => {
        if (s.effect !== "Allow" || !assumes(s)) return;
        const humans = s.principals.aws.filter(
          (p) => !(config.machinePrincipalPatterns as string[]).some((m) => globMatch(m, p)),
        );
        if ((humans.length || s.principals.star) && !requiresMfa(s))
          out.push(`Trust ${label(s, i)} lets ${humans.join(", ") || "*"} assume the role without MFA.`);
      });
    }
    return out;
  },
});

/** A subject value that pins nothing: a bare wildcard, a wildcarded repository owner or name, or a wildcarded namespace. */
const openSubject = (v: string) =>
  /^[*?]+$/.test(v) ||
  /^repo:[^/]*[*?]/.test(v) ||
  /^repo:[^/:]*\/[^:]*[*?][^:]*:/.test(v) ||
  /^repo:[^:]*[*?][^:]*$/.test(v) ||
  /^system:serviceaccount:[^:]*[*?]/.test(v) ||
  /^[^:]*:\*$/.test(v);

export const oidcTrustPinned = resourcePolicy({
  name: "iam-oidc-trust-pinned",
  description:
    "Roles trusted by an OIDC provider (GitHub, Pulumi, EKS/IRSA) pin the token's audience and subject with a condition IAM evaluates as a limit: a positive operator (StringEquals, or StringLike with a fixed repository or namespace), not a negated one (StringNotEquals / StringNotLike match every other subject), not IfExists or ForAllValues.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediation: "add StringEquals (or StringLike with a fixed prefix) on <issuer>:sub and <issuer>:aud.",
  coverage: [{ control: "identity", types: [T.role], checkov: ["CKV_AWS_393"] }],
  types: [T.role],
  check: ({ type, props }) => {
    const out: string[] = [];
    for (const doc of documentsOf(type, props).filter((d) => d.kind === "trust" && d.statements)) {
      doc.statements!.forEach((s, i) => {
        if (s.effect !== "Allow" || !s.actions.some((a) => actionMatches(a, "sts:AssumeRoleWithWebIdentity"))) return;
        const all = clauses(s);
        const sub = all.filter((c) => /:sub$/.test(c.key));
        const aud = all.filter((c) => /:aud$/.test(c.key));
        const pinning = sub.filter((c) => limits(c));
        if (!sub.length)
          out.push(
            `Trust ${label(s, i)} accepts any subject of the provider (no :sub condition): any repository or workload could assume it.`,
          );
        else if (!pinning.length)
          out.push(
            `Trust ${label(s, i)} has a :sub condition that pins nothing (${sub.map((c) => whyNotLimiting(c) ?? `${c.operator} on ${c.key}`).join("; ")}).`,
          );
        else if (pinning.some((c) => c.values.some(openSubject)))
          out.push(`Trust ${label(s, i)} has a :sub condition that matches anything.`);
        if (!aud.some((c) => limits(c))) out.push(`Trust ${label(s, i)} does not pin the audience (:aud).`);
      });
    }
    return out;
  },
});

/** Groups carrying an MFA enforcement policy, inline or attached (a managed policy declared in the stack). */
function mfaGroups(resources: PolicyResource[]): Set<PolicyResource> {
  const groups = resources.filter((r) => r.type === T.group);
  const enforced = new Set<PolicyResource>();
  const isMfaDoc = (get: () => unknown) => {
    const doc = parseDocumentOrUnknown(get);
    return doc !== Unknown && doc.ok && doc.statements.some(isMfaDenyStatement);
  };
  for (const r of resources.filter((r) => r.type === T.groupPolicy)) {
    if (isMfaDoc(() => r.props.policy)) referenced(r, "group", groups).forEach((g) => enforced.add(g));
  }
  const managed = resources.filter((r) => r.type === T.iamPolicy && isMfaDoc(() => r.props.policy));
  for (const r of resources.filter((r) => r.type === T.groupPolicyAttachment)) {
    if (referenced(r, "policyArn", managed).length) referenced(r, "group", groups).forEach((g) => enforced.add(g));
  }
  return enforced;
}

export const humanUsersMfa = stackPolicy({
  name: "iam-users-mfa-enforced",
  description:
    "Every IAM group carries a deny-unless-MFA policy (Deny NotAction … with BoolIfExists aws:MultiFactorAuthPresent false), and every IAM user belongs to such a group.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediation:
    "attach the MFA enforcement policy (components/identity mfaEnforcementPolicy) to the group, and add each user to a group that has it.",
  coverage: [{ control: "identity", types: [T.user, T.group], cis: ["aws-5.0:1.9"] }],
  check: (resources) => {
    const out: { resource?: PolicyResource; message: string }[] = [];
    const enforced = mfaGroups(resources);
    for (const group of resources.filter((r) => r.type === T.group && !enforced.has(r)))
      out.push({
        resource: group,
        message: `Group ${group.name} has no deny-unless-MFA policy; its members could act without MFA.`,
      });
    const groups = resources.filter((r) => r.type === T.group);
    const memberOf = new Map<PolicyResource, PolicyResource[]>();
    const users = resources.filter((r) => r.type === T.user);
    for (const m of resources.filter((r) => r.type === T.userGroupMembership))
      for (const u of referenced(m, "user", users))
        memberOf.set(u, [...(memberOf.get(u) ?? []), ...referenced(m, "groups", groups)]);
    for (const m of resources.filter((r) => r.type === T.groupMembership))
      for (const u of referenced(m, "users", users))
        memberOf.set(u, [...(memberOf.get(u) ?? []), ...referenced(m, "group", groups)]);
    for (const user of users)
      if (!(memberOf.get(user) ?? []).some((g) => enforced.has(g)))
        out.push({ resource: user, message: `User ${user.name} is in no group with the deny-unless-MFA policy.` });
    return out;
  },
});

export const passwordPolicy = resourcePolicy({
  name: "iam-password-policy",
  description:
    "The account password policy meets CIS: at least 14 characters, all character classes, reuse prevention 24.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediation: "minimumPasswordLength ≥ 14, require lowercase/uppercase/numbers/symbols, passwordReusePrevention ≥ 24.",
  coverage: [
    {
      control: "identity",
      types: [T.passwordPolicy],
      checkov: ["CKV_AWS_10", "CKV_AWS_11", "CKV_AWS_12", "CKV_AWS_13", "CKV_AWS_14", "CKV_AWS_15"],
      cis: ["aws-5.0:1.7", "aws-5.0:1.8"],
    },
  ],
  types: [T.passwordPolicy],
  check: ({ props }) => {
    const out: string[] = [];
    const length = prop(props, "minimumPasswordLength");
    if (length !== Unknown && !(typeof length === "number" && length >= 14))
      out.push("Passwords may be shorter than 14 characters.");
    for (const flag of [
      "requireLowercaseCharacters",
      "requireUppercaseCharacters",
      "requireNumbers",
      "requireSymbols",
    ]) {
      const v = prop(props, flag);
      if (v !== Unknown && v !== true) out.push(`${flag} is not set.`);
    }
    const reuse = prop(props, "passwordReusePrevention");
    if (reuse !== Unknown && !(typeof reuse === "number" && reuse >= 24))
      out.push("passwordReusePrevention is below 24.");
    return out;
  },
});

export const mfaPolicies = [humanRolesRequireMfa, oidcTrustPinned, humanUsersMfa, passwordPolicy];
