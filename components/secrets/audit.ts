/**
 * Who read which secret (SPEC S2, behind `secretsManager.auditAccess`): a single-region CloudTrail trail of
 * management events — Secrets Manager's GetSecretValue/DescribeSecret are management (read) events, and
 * CloudTrail cannot filter management events by service, so the trail records all of them — into a private,
 * versioned S3 bucket encrypted with the trail's own KMS key, with log-file validation.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyJson, type AccountRef } from "../account";
import { auditBucketPolicy, auditKeyPolicy, auditTrailName } from "./audit-policy";

export interface SecretsAuditArgs {
  account: AccountRef;
  /** Prefix of names (`qualisys-dev`). */
  prefix: string;
  /** Protect the key and the bucket (prod). */
  protect: boolean;
  /** Days before log files expire. Default 365. */
  retentionDays?: number;
}

export class SecretsAudit extends pulumi.ComponentResource {
  public readonly bucketName: pulumi.Output<string>;
  public readonly trailArn: pulumi.Output<string>;

  constructor(name: string, args: SecretsAuditArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:secrets:SecretsAudit", name, {}, opts);
    const parent = { parent: this };
    const stateful = { parent: this, protect: args.protect };

    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `${args.prefix}: secrets access audit trail`,
        enableKeyRotation: true,
        rotationPeriodInDays: 365,
        deletionWindowInDays: 30,
        policy: policyJson(args.account, (account) => auditKeyPolicy(account, args.prefix)),
      },
      stateful,
    );
    // Bucket names are global: the account id makes this one unique.
    const bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      { bucket: pulumi.interpolate`${args.prefix}-secrets-audit-${args.account.accountId}`, forceDestroy: false },
      stateful,
    );
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-bucket`,
      {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      parent,
    );
    new aws.s3.BucketOwnershipControls(
      `${name}-bucket`,
      { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      parent,
    );
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-bucket`,
      {
        bucket: bucket.id,
        rules: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn },
            bucketKeyEnabled: true,
          },
        ],
      },
      parent,
    );
    new aws.s3.BucketVersioning(
      `${name}-bucket`,
      { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
      parent,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-bucket`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "expire-log-files",
            status: "Enabled",
            filter: { prefix: "AWSLogs/" },
            expiration: { days: args.retentionDays ?? 365 },
            noncurrentVersionExpiration: { noncurrentDays: 30 },
          },
        ],
      },
      parent,
    );
    const policy = new aws.s3.BucketPolicy(
      `${name}-bucket`,
      {
        bucket: bucket.id,
        policy: pulumi
          .all([pulumi.output(args.account.accountId), bucket.arn])
          .apply(([accountId, arn]) =>
            JSON.stringify(auditBucketPolicy({ ...args.account, accountId }, args.prefix, arn)),
          ),
      },
      { parent: this, dependsOn: [publicAccess] },
    );
    const trail = new aws.cloudtrail.Trail(
      `${name}-trail`,
      {
        name: auditTrailName(args.prefix),
        s3BucketName: bucket.id,
        kmsKeyId: key.arn,
        enableLogFileValidation: true,
        isMultiRegionTrail: false,
        includeGlobalServiceEvents: false,
        eventSelectors: [{ readWriteType: "All", includeManagementEvents: true }],
      },
      { parent: this, dependsOn: [policy, encryption] },
    );
    this.bucketName = bucket.id;
    this.trailArn = trail.arn;
    this.registerOutputs({ bucketName: this.bucketName, trailArn: this.trailArn });
  }
}
