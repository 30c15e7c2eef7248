/**
 * Least privilege (SPEC X1, I3, I4): no wildcard actions, no write or permission-management on every resource
 * unless a condition scopes it, no unscoped iam:PassRole, no NotAction/NotResource with Allow, administrator
 * policies only on allow-listed roles, no `*` principals, no policies on users, no access keys.
 */
import { patternList, resourcePolicy, stackPolicy } from "../lib/define";
import {
  boundaryTag,
  documentsOf,
  documentTypes,
  isBoundaryPolicy,
  keyPolicyTypes,
  resourcePolicyTypes,
  type FoundDocument,
} from "../lib/documents";
import { falseLimits, limitingClauses } from "../lib/conditions";
import { actionsOf, changes, isKnownAction, isKnownConditionKey, scopable } from "../lib/catalogue";
import {
  actionMatches,
  hasScopingCondition,
  isStarResource,
  label,
  scopingLookalikes,
  type NormalStatement,
} from "../lib/iam";
import { globMatch, list, prop, Unknown } from "../lib/values";
import { T } from "./types";

const identityTypes = [T.iamPolicy, T.rolePolicy, T.groupPolicy, T.userPolicy, T.role];

/** Every statement of the resource's documents of `kinds`, with where it sits; unparsable documents as messages. */
function eachStatement(
  type: string,
  props: Record<string, unknown>,
  kinds: FoundDocument["kind"][],
  visit: (s: NormalStatement, where: string) => string[],
): string[] {
  const out: string[] = [];
  for (const doc of documentsOf(type, props)) {
    if (!kinds.includes(doc.kind)) continue;
    if (doc.error) {
      out.push(`${doc.where} ${doc.error}.`);
      continue;
    }
    doc.statements!.forEach((s, i) => out.push(...visit(s, `${doc.where} ${label(s, i)}`)));
  }
  return out;
}

/** `*` or a whole service (`s3:*`). */
const wholeService = (a: string) => a === "*" || /^[^:]+:\*$/.test(a);
const hasWildcard = (a: string) => /[*?]/.test(a);

export const noWildcardActions = resourcePolicy({
  name: "iam-no-wildcard-actions",
  description:
    'Identity policies never Allow Action "*" or "service:*", nor any other action pattern (prefix, suffix or infix wildcard, in the action or the service) that AWS\'s IAM catalogue expands to a write, tagging or permissions-management action: a pattern may only gather read and list actions (ec2:Describe*).',
  enforcementLevel: "mandatory",
  severity: "critical",
  remediation: "list the actions the principal needs (a read-only verb prefix such as ec2:Describe* is fine).",
  coverage: [
    { control: "identity", types: identityTypes, checkov: ["CKV_AWS_63", "CKV_AWS_62"], cis: ["aws-5.0:1.15"] },
  ],
  types: identityTypes,
  check: async ({ type, props }) => {
    const found: { pattern: string; where: string }[] = [];
    const out: string[] = eachStatement(type, props, ["identity"], (s, where) => {
      if (s.effect === "Allow") for (const pattern of s.actions.filter(hasWildcard)) found.push({ pattern, where });
      return [];
    });
    for (const { pattern, where } of found) {
      if (wholeService(pattern)) {
        out.push(`${where} allows ${pattern}.`);
        continue;
      }
      const changing = (await actionsOf(pattern)).filter(changes);
      if (changing.length)
        out.push(
          `${where} allows ${pattern}, which the catalogue expands to ${changing.length} action(s) that change something (${changing
            .slice(0, 4)
            .map((a) => a.action)
            .join(", ")}${changing.length > 4 ? ", …" : ""}).`,
        );
    }
    return out;
  },
});

export const noStarResourceOnWrite = resourcePolicy({
  name: "iam-no-star-resource-on-write",
  description:
    'Identity policies Allow write, tagging or permissions-management actions (the access levels of AWS\'s IAM catalogue) on Resource "*" only where the catalogue lists no required resource type to scope them to, or under a Condition that scopes them (resource/request tags, kms:ViaService, …); read and list actions may use "*".',
  enforcementLevel: "mandatory",
  severity: "high",
  remediation:
    "name the ARNs, or add a Condition on aws:ResourceTag/… or aws:RequestTag/… (as the official controller policies do) with a positive operator (StringEquals, StringLike) and a value that is not a wildcard.",
  coverage: [{ control: "identity", types: identityTypes, checkov: ["CKV_AWS_290", "CKV_AWS_355"] }],
  types: identityTypes,
  check: async ({ type, props }) => {
    const found: { s: NormalStatement; where: string }[] = [];
    const out = eachStatement(type, props, ["identity"], (s, where) => {
      if (s.effect === "Allow" && s.resources.some(isStarResource) && !hasScopingCondition(s)) found.push({ s, where });
      return [];
    });
    for (const { s, where } of found) {
      const risky: string[] = [];
      for (const pattern of s.actions) {
        if (pattern === "*") {
          risky.push("* (every action)");
          continue;
        }
        const scoped = (await actionsOf(pattern)).filter((a) => changes(a) && scopable(a));
        if (scoped.length)
          risky.push(
            pattern.includes("*") || pattern.includes("?")
              ? `${pattern} (${scoped.length} scopable write actions, e.g. ${scoped
                  .slice(0, 3)
                  .map((a) => a.action)
                  .join(", ")})`
              : scoped[0].action,
          );
      }
      const lookalikes = scopingLookalikes(s);
      if (risky.length)
        out.push(
          `${where} allows ${risky.join(", ")} on every resource${lookalikes.length ? ` (its condition does not scope: ${lookalikes.join("; ")})` : ""}.`,
        );
    }
    return out;
  },
});

/** Every action (and NotAction) of every statement, with where it sits. */
function eachAction(type: string, props: Record<string, unknown>) {
  const found: { action: string; where: string }[] = [];
  const errors = eachStatement(type, props, ["identity", "boundary", "trust", "key", "resource"], (s, where) => {
    for (const action of [...s.actions, ...(s.notActions ?? [])]) found.push({ action, where });
    return [];
  });
  return { found, errors };
}

export const actionsExist = resourcePolicy({
  name: "iam-actions-exist",
  description:
    "Every action (and NotAction) in every IAM document (identity, trust, key and resource policies) is an action of AWS's IAM catalogue, or a wildcard that matches at least one: a typo or a retired action grants nothing and hides the intent.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation:
    "spell the action as the Service Authorization Reference lists it (service prefix and action name); drop retired actions.",
  coverage: [{ control: "identity", types: documentTypes }],
  types: documentTypes,
  check: async ({ type, name, props }) => {
    const { found, errors } = eachAction(type, props);
    const out = [...errors];
    for (const { action, where } of found)
      if (!(await isKnownAction(action)))
        out.push(`${name} ${where} names ${action}, which is not an action in AWS's IAM catalogue.`);
    return out;
  },
});

export const conditionKeysExist = resourcePolicy({
  name: "iam-condition-keys-exist",
  description:
    "Every condition key in every IAM document is a key of AWS's IAM catalogue (global aws: keys, service keys, tag keys) or an OIDC provider's own claim (<issuer>:sub, <issuer>:aud): a misspelt key never matches, which silently turns a condition off (or an IfExists guard into a pass).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation: "spell the condition key as the Service Authorization Reference lists it.",
  coverage: [{ control: "identity", types: documentTypes }],
  types: documentTypes,
  check: async ({ type, name, props }) => {
    const found: { key: string; where: string }[] = [];
    const out = eachStatement(type, props, ["identity", "boundary", "trust", "key", "resource"], (s, where) => {
      for (const block of Object.values(s.conditions)) for (const key of Object.keys(block)) found.push({ key, where });
      return [];
    });
    for (const { key, where } of found)
      if (!(await isKnownConditionKey(key)))
        out.push(`${name} ${where} tests ${key}, which is not a condition key in AWS's IAM catalogue.`);
    return out;
  },
});

/**
 * An IAM resource ARN whose name part leaves open which principal or policy it is (`role/*`, `role/qualisys-*`,
 * `role/*admin*`). Policy variables (`user/${aws:username}`) name the caller alone; service-linked role paths
 * (`role/aws-service-role/<service>/…`) hold only roles AWS defines for that service.
 */
export function iamNameGlob(resource: string): boolean {
  const m = /^arn:[^:]*:iam::[^:]*:(role|user|group|policy|instance-profile)\/(.*)$/.exec(resource);
  if (!m) return /^arn:[^:]*:iam::[^:]*:\*/.test(resource);
  if (m[1] === "role" && m[2].startsWith("aws-service-role/")) return false;
  return /[*?]/.test(m[2].replace(/\$\{[^}]*\}/g, ""));
}

export const noUnscopedPassRole = resourcePolicy({
  name: "iam-no-unscoped-passrole",
  description:
    "iam:PassRole (however the action is spelt: iam:Pass*, iam:*Role, *:PassRole) and IAM write and permissions-management actions name the roles, users, groups and policies they act on one by one: never every resource, nor a name glob (role/qualisys-*, role/*admin*) that covers more than one.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediation:
    "set Resource to the ARNs of the roles this principal hands to a service (and add iam:PassedToService), or of the IAM entities it manages; service-linked role paths (role/aws-service-role/<service>/*) are fine.",
  coverage: [{ control: "identity", types: identityTypes, checkov: ["CKV_AWS_286", "CKV_AWS_289"] }],
  types: identityTypes,
  check: async ({ type, props }) => {
    const found: { s: NormalStatement; where: string }[] = [];
    const out = eachStatement(type, props, ["identity"], (s, where) => {
      if (s.effect === "Allow") found.push({ s, where });
      return [];
    });
    for (const { s, where } of found) {
      const passes = s.actions.some((a) => actionMatches(a, "iam:PassRole"));
      const broad = s.resources.filter((r) => isStarResource(r) || r.endsWith(":*") || iamNameGlob(r));
      if (!broad.length) continue;
      if (passes) {
        out.push(
          `${where} lets the principal pass any role its resources match (${broad.join(", ")}): privilege escalation.`,
        );
        continue;
      }
      const globs = broad.filter(iamNameGlob);
      if (!globs.length) continue;
      const writes: string[] = [];
      for (const pattern of s.actions) {
        if (pattern === "*") writes.push("*");
        else
          writes.push(
            ...(await actionsOf(pattern)).filter((a) => a.action.startsWith("iam:") && changes(a)).map((a) => a.action),
          );
      }
      if (writes.length)
        out.push(
          `${where} allows IAM changes (${[...new Set(writes)].slice(0, 4).join(", ")}${writes.length > 4 ? ", …" : ""}) on ${globs.join(", ")}, a name glob that covers more than one IAM entity.`,
        );
    }
    return out;
  },
});

export const noNotActionAllow = resourcePolicy({
  name: "iam-no-notaction-allow",
  description:
    "No Allow statement uses NotAction or NotResource (they grant everything not listed, including future actions).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation: "list the allowed actions and resources; keep NotAction for Deny statements (like the MFA guard).",
  coverage: [{ control: "identity", types: [...identityTypes, ...keyPolicyTypes, ...resourcePolicyTypes] }],
  types: [...identityTypes, ...keyPolicyTypes, ...resourcePolicyTypes],
  check: ({ type, props }) =>
    eachStatement(type, props, ["identity", "boundary", "trust", "key", "resource"], (s, where) => {
      if (s.effect !== "Allow") return [];
      const out: string[] = [];
      if (s.notActions) out.push(`${where} is an Allow with NotAction.`);
      if (s.notResources) out.push(`${where} is an Allow with NotResource.`);
      return out;
    }),
});

export const adminConfig = {
  properties: {
    allowedRolePatterns: patternList(
      "Role names (globs) that may carry an administrator policy: break-glass and the deployer.",
      ["*-devops", "*-deploy"],
    ),
    // AWS managed policies that grant administration or a path to it (AWS Managed Policy Reference,
    // docs.aws.amazon.com/aws-managed-policy/latest/reference, read 2026-12-06): AdministratorAccess (everything),
    // PowerUserAccess (everything but IAM, Organizations and Account: any data, any compute), IAMFullAccess (grants
    // itself the rest), AWSCloudShellFullAccess (CIS AWS Foundations 5.0 item 1.21: a shell with the caller's rights
    // and file transfer out).
    adminPolicyNames: patternList("AWS managed policy names treated as administrator (broad managed policies).", [
      "AdministratorAccess",
      "PowerUserAccess",
      "IAMFullAccess",
      "AWSCloudShellFullAccess",
    ]),
  },
};

export const policyName = (arn: string) => arn.split("/").pop() ?? arn;
const isAdminArn = (arn: unknown, names: string[]) =>
  typeof arn === "string" && /^arn:[^:]+:iam::aws:policy\//.test(arn) && names.includes(policyName(arn));

export const adminPolicyAllowList = resourcePolicy({
  name: "iam-admin-policy-allow-list",
  description:
    "Broad AWS managed policies (AdministratorAccess, PowerUserAccess, IAMFullAccess, AWSCloudShellFullAccess; config) are attached only to roles on the allow-list (default *-devops, *-deploy), through attachments or a role's managedPolicyArns; never to groups or users.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediation:
    "attach a scoped policy instead, or (for a real break-glass/deployer role) add its name pattern to allowedRolePatterns in the pack config.",
  configSchema: adminConfig,
  coverage: [
    {
      control: "identity",
      types: [T.rolePolicyAttachment, T.groupPolicyAttachment, T.userPolicyAttachment, T.policyAttachment, T.role],
      checkov: ["CKV_AWS_274"],
      cis: ["aws-5.0:1.15", "aws-5.0:1.21"],
    },
  ],
  types: [T.rolePolicyAttachment, T.groupPolicyAttachment, T.userPolicyAttachment, T.policyAttachment, T.role],
  check: ({ type, props }, config) => {
    const names: string[] = config.adminPolicyNames;
    const allowed = (role: unknown) =>
      typeof role === "string" && (config.allowedRolePatterns as string[]).some((p) => globMatch(p, policyName(role)));
    if (type === T.role) {
      const arns = list(prop(props, "managedPolicyArns")).filter((a) => isAdminArn(a, names));
      return arns.length && !allowed(prop(props, "name"))
        ? [
            `Role ${String(prop(props, "name"))} carries ${arns.map((a) => policyName(String(a))).join(", ")} but is not on the allow-list.`,
          ]
        : [];
    }
    const arn = props.policyArn;
    if (!isAdminArn(arn, names)) return [];
    if (type === T.rolePolicyAttachment) {
      const role = props.role;
      return allowed(role)
        ? []
        : [`${policyName(String(arn))} is attached to role ${String(role)}, which is not on the allow-list.`];
    }
    if (type === T.policyAttachment) {
      const out: string[] = [];
      if (list(prop(props, "users")).length || list(prop(props, "groups")).length)
        out.push(`${policyName(String(arn))} is attached to users or groups.`);
      const roles = list(prop(props, "roles")).filter((r) => r !== Unknown && !allowed(r));
      if (roles.length)
        out.push(`${policyName(String(arn))} is attached to roles not on the allow-list: ${roles.join(", ")}.`);
      return out;
    }
    return [
      `${policyName(String(arn))} is attached to a ${type === T.groupPolicyAttachment ? "group" : "user"}; administrators work through an MFA-protected role.`,
    ];
  },
});

export const noStarPrincipalInTrust = resourcePolicy({
  name: "iam-trust-no-star-principal",
  description: 'Role trust policies never Allow Principal "*" (or AWS "*").',
  enforcementLevel: "mandatory",
  severity: "critical",
  remediation: "name the account, role, service or OIDC provider that may assume the role.",
  coverage: [{ control: "identity", types: [T.role], checkov: ["CKV_AWS_60"] }],
  types: [T.role],
  check: ({ type, props }) =>
    eachStatement(type, props, ["trust"], (s, where) =>
      s.effect === "Allow" && s.principals.star ? [`${where} lets anyone assume the role.`] : [],
    ),
});

/** Conditions that limit a `*` principal on a resource policy to this organisation or account. */
export const principalScopeKeys = [
  /^aws:PrincipalAccount$/i,
  /^aws:PrincipalOrgID$/i,
  /^aws:PrincipalOrgPaths$/i,
  /^aws:SourceAccount$/i,
  /^aws:SourceArn$/i,
  /^aws:SourceOwner$/i,
  /^aws:PrincipalArn$/i,
  /^aws:SourceVpce?$/i,
];

export const noStarPrincipalInResourcePolicies = resourcePolicy({
  name: "resource-policy-no-star-principal",
  description:
    'Resource policies (S3, SQS, SNS, ECR, Secrets Manager, OpenSearch, EFS, Backup, Kinesis, MSK, DynamoDB, API Gateway, Lambda) never Allow Principal "*" unless a condition limits it to an account, organisation, source or VPC endpoint, as IAM evaluates it: a negated operator, an IfExists or ForAllValues test, or a wildcard in the account, organisation or ARN account field limits nothing. (Which account a condition names is iam-foreign-accounts\' concern.)',
  enforcementLevel: "mandatory",
  severity: "critical",
  remediation:
    "name the principals (the CI role, the node role), or add aws:PrincipalAccount / aws:SourceAccount / aws:PrincipalOrgID with StringEquals and a literal value.",
  coverage: [
    {
      control: "exposure",
      types: resourcePolicyTypes,
      checkov: ["CKV_AWS_70", "CKV_AWS_32", "CKV_AWS_168", "CKV_AWS_169", "CKV_AWS_387"],
    },
  ],
  types: resourcePolicyTypes,
  check: ({ type, props }) =>
    eachStatement(type, props, ["resource"], (s, where) => {
      if (s.effect !== "Allow" || !s.principals.star || limitingClauses(s, principalScopeKeys).length) return [];
      const lookalikes = falseLimits(s, principalScopeKeys);
      return [
        `${where} allows anyone${lookalikes.length ? ` (its condition limits nothing: ${lookalikes.join("; ")})` : ""}.`,
      ];
    }),
});

export const kmsKeyPolicyNoStar = resourcePolicy({
  name: "kms-key-policy-no-star-principal",
  description: 'KMS key policies name their principals: no Allow to Principal "*" or AWS "*", no "kms:*" for anyone.',
  enforcementLevel: "mandatory",
  severity: "critical",
  remediation: "name the account root, the admin roles and the service principals; split administration from use.",
  coverage: [{ control: "exposure", types: keyPolicyTypes, checkov: ["CKV_AWS_33"] }],
  types: keyPolicyTypes,
  check: ({ type, props }) =>
    eachStatement(type, props, ["key"], (s, where) => {
      if (s.effect !== "Allow") return [];
      const out: string[] = [];
      if (s.principals.star) out.push(`${where} allows Principal "*".`);
      if (s.actions.some((a) => a === "*" || a.toLowerCase() === "kms:*"))
        out.push(`${where} allows kms:* (administration and use together).`);
      return out;
    }),
});

export const noUserPolicies = resourcePolicy({
  name: "iam-no-user-policies",
  description:
    "No policy is attached directly to an IAM user: users get rights through groups (which carry the MFA guard) and roles.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediation: "attach the policy to a group the user joins, or to a role the user assumes with MFA.",
  coverage: [
    {
      control: "identity",
      types: [T.userPolicy, T.userPolicyAttachment, T.policyAttachment],
      checkov: ["CKV_AWS_40"],
      cis: ["aws-5.0:1.14"],
    },
  ],
  types: [T.userPolicy, T.userPolicyAttachment, T.policyAttachment],
  check: ({ type, props }) => {
    if (type === T.policyAttachment)
      return list(prop(props, "users")).length ? ["The policy attachment names users."] : [];
    return ["A policy is attached directly to a user."];
  },
});

export const noAccessKeys = resourcePolicy({
  name: "iam-no-access-keys",
  description: "No long-lived IAM access keys: CI uses OIDC, humans use roles with MFA (SPEC I1).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation: "remove the access key; use GitHub/Pulumi OIDC or IRSA.",
  coverage: [{ control: "identity", types: [T.accessKey] }],
  types: [T.accessKey],
  check: () => ["An IAM access key is created; its secret would live in state and never expire."],
});

const attachmentTypes: string[] = [
  T.rolePolicyAttachment,
  T.groupPolicyAttachment,
  T.userPolicyAttachment,
  T.policyAttachment,
];

export const boundaryNeverGranted = stackPolicy({
  name: "iam-boundary-never-granted",
  description: `A managed policy tagged ${boundaryTag.key}=${boundaryTag.value} is a permissions boundary, which the identity rules do not read (it grants nothing by itself): it is never attached to a role, group or user (policy attachments, a role's managedPolicyArns). An attachment whose policy ARN is unknown at preview is reported as undecided.`,
  enforcementLevel: "mandatory",
  severity: "critical",
  remediation:
    "set the policy as the roles' permissionsBoundary only, or remove the tag and keep it within the identity rules.",
  coverage: [{ control: "identity", types: [T.iamPolicy, ...attachmentTypes, T.role] }],
  check: (resources) => {
    const boundaries = resources.filter((r) => r.type === T.iamPolicy && isBoundaryPolicy(r.props));
    const names = new Set(
      boundaries.map((b) => prop(b.props, "name")).filter((n): n is string => typeof n === "string"),
    );
    const arns = new Set(boundaries.map((b) => prop(b.props, "arn")).filter((a): a is string => typeof a === "string"));
    if (boundaries.length === 0) return [];
    // By ARN, or by name when the ARN is not known yet (a policy's name is the last part of its ARN, path aside).
    const isBoundary = (arn: unknown) =>
      arn === Unknown ? Unknown : typeof arn === "string" && (arns.has(arn) || names.has(policyName(arn)));
    const out: { resource: (typeof resources)[number]; message: string; undecided?: boolean }[] = [];
    for (const r of resources) {
      const attached =
        r.type === T.role
          ? list(prop(r.props, "managedPolicyArns"))
          : attachmentTypes.includes(r.type)
            ? [prop(r.props, "policyArn")]
            : [];
      for (const arn of attached) {
        const hit = isBoundary(arn);
        if (hit === Unknown)
          out.push({
            resource: r,
            undecided: true,
            message: `${r.name} attaches a policy not known yet, which may be a permissions boundary.`,
          });
        else if (hit)
          out.push({
            resource: r,
            message: `${r.name} attaches the permissions boundary ${policyName(String(arn))} as an identity policy.`,
          });
      }
    }
    return out;
  },
});

export const leastPrivilegePolicies = [
  boundaryNeverGranted,
  noWildcardActions,
  noStarResourceOnWrite,
  actionsExist,
  conditionKeysExist,
  noUnscopedPassRole,
  noNotActionAllow,
  adminPolicyAllowList,
  noStarPrincipalInTrust,
  noStarPrincipalInResourcePolicies,
  kmsKeyPolicyNoStar,
  noUserPolicies,
  noAccessKeys,
];

export { documentTypes };
