/**
 * KMS key policies (SPEC K1). Each key names who may administer it (the account and the devops role) and who
 * may use it: the AWS service it exists for, acting for principals of this account (`kms:ViaService` plus
 * `kms:CallerAccount`), and, for logs and alarms, the service principal that writes with it. No `*` principal.
 */
import { accountRoot, policyDocument, type AwsAccount, type PolicyDocument, type Statement } from "../iam";

export const keyDomains = ["eks", "rds", "elasticache", "secrets", "logs", "ecr", "sns"] as const;
export type KeyDomain = (typeof keyDomains)[number];

/** The service endpoint each domain's key is used through. */
const viaService: Record<KeyDomain, string> = {
  eks: "eks",
  rds: "rds",
  elasticache: "elasticache",
  secrets: "secretsmanager",
  logs: "logs",
  ecr: "ecr",
  sns: "sns",
};

export const keyDescriptions: Record<KeyDomain, string> = {
  eks: "EKS envelope encryption of Kubernetes secrets",
  rds: "RDS PostgreSQL storage, snapshots and Performance Insights",
  elasticache: "ElastiCache at-rest encryption",
  secrets: "Secrets Manager secrets",
  logs: "CloudWatch Logs log groups",
  ecr: "ECR repositories",
  sns: "SNS alarm topics",
};

/** What administering a key takes, without the right to use it. */
export const keyAdministrationActions = [
  "kms:Create*",
  "kms:Describe*",
  "kms:Enable*",
  "kms:List*",
  "kms:Put*",
  "kms:Update*",
  "kms:Revoke*",
  "kms:Disable*",
  "kms:Get*",
  "kms:Delete*",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
  "kms:RotateKeyOnDemand",
];

const useActions = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

export interface KeyPolicyArgs {
  account: AwsAccount;
  domain: KeyDomain;
  /** Roles that administer (but cannot use) the key, beside the account itself. */
  adminRoleArns: string[];
}

/** Statements for service principals that write with the key themselves rather than on a caller's behalf. */
function servicePrincipalStatements({ account, domain }: KeyPolicyArgs): Statement[] {
  if (domain === "logs") {
    return [
      {
        Sid: "CloudWatchLogsOfThisAccount",
        Effect: "Allow",
        Principal: { Service: `logs.${account.region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: {
          ArnLike: {
            "kms:EncryptionContext:aws:logs:arn": `arn:${account.partition}:logs:${account.region}:${account.accountId}:log-group:*`,
          },
        },
      },
    ];
  }
  if (domain === "sns") {
    return [
      {
        Sid: "AlarmAndBudgetPublishers",
        Effect: "Allow",
        Principal: { Service: ["cloudwatch.amazonaws.com", "budgets.amazonaws.com", "events.amazonaws.com"] },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": account.accountId } },
      },
    ];
  }
  return [];
}

/** The policy of one domain's key. In a key policy, `Resource: "*"` means "this key". */
export function keyPolicy(args: KeyPolicyArgs): PolicyDocument {
  const { account, domain } = args;
  const root = accountRoot(account.partition, account.accountId);
  const service = `${viaService[domain]}.${account.region}.amazonaws.com`;
  return policyDocument(
    {
      Sid: "KeyAdministration",
      Effect: "Allow",
      Principal: { AWS: [root, ...args.adminRoleArns] },
      Action: keyAdministrationActions,
      Resource: "*",
    },
    {
      Sid: `UseThrough${domain[0].toUpperCase()}${domain.slice(1)}`,
      Effect: "Allow",
      Principal: { AWS: root },
      Action: useActions,
      Resource: "*",
      Condition: { StringEquals: { "kms:ViaService": service, "kms:CallerAccount": account.accountId } },
    },
    {
      Sid: "GrantsForAwsResourcesOnly",
      Effect: "Allow",
      Principal: { AWS: root },
      Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
      Resource: "*",
      Condition: {
        StringEquals: { "kms:ViaService": service, "kms:CallerAccount": account.accountId },
        Bool: { "kms:GrantIsForAWSResource": "true" },
      },
    },
    ...servicePrincipalStatements(args),
  );
}
