/**
 * IAM policy documents as plain data. Every policy this program attaches is built by a pure function returning
 * a {@link PolicyDocument}, so tests (and the policy pack) read the same JSON that AWS receives. No Pulumi SDK here
 * (what renders a document once the account id is known is ./account's `policyJson`), so a test or the pack that
 * only reads documents does not load it.
 */
export type OneOrMany<T> = T | T[];

export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: "*" | { AWS?: OneOrMany<string>; Service?: OneOrMany<string>; Federated?: OneOrMany<string> };
  Action?: OneOrMany<string>;
  NotAction?: OneOrMany<string>;
  Resource?: OneOrMany<string>;
  NotResource?: OneOrMany<string>;
  Condition?: Record<string, Record<string, OneOrMany<string>>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: Statement[];
}

export function policyDocument(...statements: Statement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/** Where the stack runs: what every ARN needs. */
export interface AwsAccount {
  accountId: string;
  partition: string;
  region: string;
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>`; IAM ARNs have no region. */
export function arn(account: AwsAccount, service: string, resource: string): string {
  const region = service === "iam" ? "" : account.region;
  return `arn:${account.partition}:${service}:${region}:${account.accountId}:${resource}`;
}

/** The account principal (`…:root`), which delegates to the account's own IAM policies. */
export function accountRoot(partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:root`;
}

/** ARN of an AWS managed policy. */
export function managedPolicy(partition: string, name: string): string {
  return `arn:${partition}:iam::aws:policy/${name}`;
}

/** The partition a region belongs to (`aws`, `aws-us-gov`, `aws-cn`), known without asking AWS. */
export function partitionOf(region: string): string {
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("cn-")) return "aws-cn";
  return "aws";
}

/** What identifies a Kubernetes service account to IAM (IRSA). */
export interface ServiceAccountRef {
  /** ARN of the cluster's IAM OIDC provider. */
  oidcProviderArn: string;
  /** The provider's issuer without `https://` (`oidc.eks.<region>.amazonaws.com/id/<id>`). */
  oidcIssuer: string;
  namespace: string;
  serviceAccount: string;
}

/** Trust for tokens from an OIDC provider (GitHub, Pulumi, an EKS cluster), narrowed by `condition`. */
export function webIdentityTrust(sid: string, providerArn: string, condition: Statement["Condition"]): PolicyDocument {
  return policyDocument({
    Sid: sid,
    Effect: "Allow",
    Principal: { Federated: providerArn },
    Action: "sts:AssumeRoleWithWebIdentity",
    Condition: condition,
  });
}

/** Trust for an IRSA role: only tokens for exactly this namespace and service account, for STS. */
export function serviceAccountTrustPolicy(ref: ServiceAccountRef): PolicyDocument {
  return webIdentityTrust("ThisServiceAccountOnly", ref.oidcProviderArn, {
    StringEquals: {
      [`${ref.oidcIssuer}:sub`]: `system:serviceaccount:${ref.namespace}:${ref.serviceAccount}`,
      [`${ref.oidcIssuer}:aud`]: "sts.amazonaws.com",
    },
  });
}
