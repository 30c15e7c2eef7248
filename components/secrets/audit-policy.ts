/** Policies of the secrets-access audit trail (SPEC S2), as pure values. */
import { accountRoot, policyDocument, type AwsAccount, type PolicyDocument } from "../iam";
import { keyAdministrationActions } from "../keys/policy";

/** The trail's name, and so its ARN (policies name it before it exists). */
export const auditTrailName = (prefix: string) => `${prefix}-secrets-audit`;

const trailArn = (account: AwsAccount, prefix: string) =>
  `arn:${account.partition}:cloudtrail:${account.region}:${account.accountId}:trail/${auditTrailName(prefix)}`;

/**
 * The trail's own key: the account administers it; CloudTrail may encrypt only for this trail; readers of
 * this account may decrypt log files through S3. (The shared keys do not admit CloudTrail, and should not.)
 */
export function auditKeyPolicy(account: AwsAccount, prefix: string): PolicyDocument {
  const root = accountRoot(account.partition, account.accountId);
  return policyDocument(
    {
      Sid: "KeyAdministration",
      Effect: "Allow",
      Principal: { AWS: root },
      Action: keyAdministrationActions,
      Resource: "*",
    },
    {
      Sid: "CloudTrailEncryptsThisTrail",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: ["kms:GenerateDataKey*", "kms:DescribeKey"],
      Resource: "*",
      Condition: {
        StringEquals: { "aws:SourceArn": trailArn(account, prefix) },
        StringLike: {
          "kms:EncryptionContext:aws:cloudtrail:arn": `arn:${account.partition}:cloudtrail:*:${account.accountId}:trail/*`,
        },
      },
    },
    {
      Sid: "ReadLogFilesThroughS3",
      Effect: "Allow",
      Principal: { AWS: root },
      Action: ["kms:Decrypt", "kms:ReEncryptFrom"],
      Resource: "*",
      Condition: {
        StringEquals: {
          "kms:CallerAccount": account.accountId,
          "kms:ViaService": `s3.${account.region}.amazonaws.com`,
        },
      },
    },
  );
}

/** CloudTrail may check the ACL and write under AWSLogs/<account>/ for this trail only; TLS is required. */
export function auditBucketPolicy(account: AwsAccount, prefix: string, bucketArn: string): PolicyDocument {
  const source = { "aws:SourceArn": trailArn(account, prefix) };
  return policyDocument(
    {
      Sid: "CloudTrailAclCheck",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "s3:GetBucketAcl",
      Resource: bucketArn,
      Condition: { StringEquals: source },
    },
    {
      Sid: "CloudTrailWrite",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: `${bucketArn}/AWSLogs/${account.accountId}/*`,
      Condition: { StringEquals: { ...source, "s3:x-amz-acl": "bucket-owner-full-control" } },
    },
    {
      Sid: "TlsOnly",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: "s3:*",
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  );
}
