/**
 * Encryption at rest and in transit (SPEC X1, K1): every data store, log group, topic, registry and secret is
 * encrypted with a customer-managed key, and clients must use TLS where the service can enforce it.
 */
import { resourcePolicy } from "../lib/define";
import { cmkProblem, keyVerdict } from "../lib/keys";
import { isSet, isTrueOrUnknown, list, path, prop, Unknown } from "../lib/values";
import { T } from "./types";

export const rdsStorageEncrypted = resourcePolicy({
  name: "rds-storage-encrypted",
  description: "RDS instances and clusters encrypt storage, snapshots and backups with a customer-managed KMS key.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation: "set storageEncrypted: true and kmsKeyId to the stack's rds key.",
  coverage: [
    {
      control: "at rest",
      types: [T.rdsInstance, T.rdsCluster],
      checkov: ["CKV_AWS_16", "CKV_AWS_96", "CKV_AWS_327"],
      cis: ["aws-5.0:2.2.1"],
    },
  ],
  types: [T.rdsInstance, T.rdsCluster],
  check: ({ props }) => {
    const out: string[] = [];
    if (!isTrueOrUnknown(prop(props, "storageEncrypted"))) out.push("Storage is not encrypted.");
    if (!isSet(props, "kmsKeyId"))
      out.push("No customer-managed KMS key (kmsKeyId); the AWS-managed key cannot be scoped or audited.");
    return out;
  },
});

export const rdsPerformanceInsightsEncrypted = resourcePolicy({
  name: "rds-performance-insights-encrypted",
  description:
    "RDS instances enable Performance Insights and encrypt its data (which holds query text) with a customer-managed key.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediation: "set performanceInsightsEnabled: true and performanceInsightsKmsKeyId to the rds key.",
  coverage: [{ control: "at rest", types: [T.rdsInstance], checkov: ["CKV_AWS_354"] }],
  types: [T.rdsInstance],
  check: ({ props }) => {
    if (!isTrueOrUnknown(prop(props, "performanceInsightsEnabled"))) return ["Performance Insights is disabled."];
    return isSet(props, "performanceInsightsKmsKeyId")
      ? []
      : ["Performance Insights data is not encrypted with a customer-managed key."];
  },
});

const forceSslOn = (parameters: unknown): boolean | typeof Unknown => {
  for (const p of list(parameters)) {
    if (p === Unknown) return Unknown;
    if (prop(p, "name") === "rds.force_ssl") {
      const value = prop(p, "value");
      return value === Unknown || String(value) === "1";
    }
  }
  return false;
};

export const rdsForceSsl = resourcePolicy({
  name: "rds-force-ssl",
  description: "PostgreSQL parameter groups set rds.force_ssl = 1, so the server refuses unencrypted connections.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation: 'add { name: "rds.force_ssl", value: "1" } to the parameter group\'s parameters.',
  coverage: [{ control: "in transit", types: [T.rdsParameterGroup, T.rdsClusterParameterGroup] }],
  types: [T.rdsParameterGroup, T.rdsClusterParameterGroup],
  check: ({ props }) => {
    const family = prop(props, "family");
    if (typeof family === "string" && !/postgres/i.test(family)) return [];
    return forceSslOn(prop(props, "parameters")) === false
      ? ["rds.force_ssl is not 1: clients may connect without TLS."]
      : [];
  },
});

export const rdsCustomParameterGroup = resourcePolicy({
  name: "rds-custom-parameter-group",
  description:
    "RDS instances use the program's parameter group (where rds.force_ssl is enforced), not an AWS default group.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediation: "set parameterGroupName to the parameter group declared with the instance.",
  coverage: [{ control: "in transit", types: [T.rdsInstance] }],
  types: [T.rdsInstance],
  check: ({ props }) => {
    const name = prop(props, "parameterGroupName");
    if (name === Unknown) return [];
    if (typeof name !== "string" || name === "" || name.startsWith("default."))
      return ["The instance uses an AWS default parameter group, which the program cannot make enforce TLS."];
    return [];
  },
});

export const elasticacheAtRest = resourcePolicy({
  name: "elasticache-at-rest-encrypted",
  description: "ElastiCache replication groups and serverless caches encrypt data at rest with a customer-managed key.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation: "set atRestEncryptionEnabled: true and kmsKeyId to the elasticache key.",
  coverage: [
    { control: "at rest", types: [T.replicationGroup, T.serverlessCache], checkov: ["CKV_AWS_29", "CKV_AWS_191"] },
  ],
  types: [T.replicationGroup, T.serverlessCache],
  check: ({ type, props }) => {
    const out: string[] = [];
    if (type === T.replicationGroup && !isTrueOrUnknown(prop(props, "atRestEncryptionEnabled")))
      out.push("At-rest encryption is off.");
    if (!isSet(props, "kmsKeyId")) out.push("No customer-managed KMS key (kmsKeyId).");
    return out;
  },
});

export const elasticacheInTransit = resourcePolicy({
  name: "elasticache-in-transit-encrypted",
  description: "ElastiCache replication groups require TLS (transit encryption on, mode not 'preferred').",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation: "set transitEncryptionEnabled: true and leave transitEncryptionMode unset or 'required'.",
  coverage: [{ control: "in transit", types: [T.replicationGroup], checkov: ["CKV_AWS_30"] }],
  types: [T.replicationGroup],
  check: ({ props }) => {
    if (!isTrueOrUnknown(prop(props, "transitEncryptionEnabled")))
      return ["Transit encryption is off: Redis traffic and the auth token travel in clear text."];
    return prop(props, "transitEncryptionMode") === "preferred"
      ? ["transitEncryptionMode is 'preferred', which still accepts clear-text clients."]
      : [];
  },
});

export const elasticacheAuth = resourcePolicy({
  name: "elasticache-auth",
  description: "ElastiCache replication groups require authentication: an auth token or an RBAC user group.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation: "set authToken from a generated secret (stored in Secrets Manager) or userGroupIds.",
  coverage: [{ control: "identity", types: [T.replicationGroup], checkov: ["CKV_AWS_31"] }],
  types: [T.replicationGroup],
  check: ({ props }) =>
    isSet(props, "authToken") || isSet(props, "userGroupIds")
      ? []
      : ["Any client that reaches the port can use the cache: no auth token or user group."],
});

export const eksSecretsEncryption = resourcePolicy({
  name: "eks-secrets-encryption",
  description: "EKS clusters envelope-encrypt Kubernetes secrets with a customer-managed KMS key.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation:
    "eks.Cluster: set encryptionConfigKeyArn to the eks key; aws.eks.Cluster: encryptionConfig { resources: ['secrets'], provider.keyArn }.",
  coverage: [{ control: "at rest", types: [T.eksCluster, T.awsEksCluster], checkov: ["CKV_AWS_58"] }],
  types: [T.eksCluster, T.awsEksCluster],
  check: ({ type, props }) => {
    if (type === T.eksCluster)
      return isSet(props, "encryptionConfigKeyArn")
        ? []
        : ["Kubernetes secrets are not envelope-encrypted (no encryptionConfigKeyArn)."];
    const config = prop(props, "encryptionConfig");
    if (config === Unknown) return [];
    const resources = list(prop(config, "resources"));
    const keyArn = path(config, "provider", "keyArn");
    const ok =
      (resources.includes("secrets") || resources.includes(Unknown)) &&
      (keyArn === Unknown || (typeof keyArn === "string" && keyArn !== ""));
    return ok ? [] : ["Kubernetes secrets are not envelope-encrypted (encryptionConfig with 'secrets' and a key ARN)."];
  },
});

export const ecrEncrypted = resourcePolicy({
  name: "ecr-kms-encryption",
  description:
    "ECR repositories, and the templates that create repositories on push or pull through, encrypt images with a customer-managed KMS key.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediation: "set encryptionConfigurations: [{ encryptionType: 'KMS', kmsKey: <ecr key ARN> }].",
  coverage: [{ control: "at rest", types: [T.ecrRepository, T.ecrCreationTemplate], checkov: ["CKV_AWS_136"] }],
  types: [T.ecrRepository, T.ecrCreationTemplate],
  check: ({ props }) => {
    const configs = list(prop(props, "encryptionConfigurations"));
    if (configs.includes(Unknown)) return [];
    const c = configs[0];
    if (!c || prop(c, "encryptionType") !== "KMS")
      return ["Images are encrypted with AES256 (the AWS default), not a customer-managed key."];
    const key = keyVerdict(prop(c, "kmsKey"));
    return key === "customer-managed"
      ? []
      : [
          `encryptionType is KMS but kmsKey is ${key === "missing" ? "not set" : "an AWS-managed alias"}, so the AWS-managed key is used.`,
        ];
  },
});

export const secretsKms = resourcePolicy({
  name: "secretsmanager-kms",
  description:
    "Secrets Manager secrets are encrypted with a customer-managed key: not the default, and not an AWS-managed alias (alias/aws/secretsmanager).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation: "set kmsKeyId to the stack's secrets key ARN.",
  coverage: [{ control: "at rest", types: [T.secret], checkov: ["CKV_AWS_149"] }],
  types: [T.secret],
  check: ({ props }) => {
    const problem = cmkProblem(props, "kmsKeyId", "The secret");
    return problem
      ? [`${problem} Anyone with secretsmanager:GetSecretValue can read it; no key policy of yours applies.`]
      : [];
  },
});

export const logGroupKms = resourcePolicy({
  name: "log-group-kms",
  description: "CloudWatch log groups are encrypted with the stack's customer-managed logs key.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediation: "set kmsKeyId to the logs key ARN (its key policy lets the logs service of this account use it).",
  coverage: [{ control: "at rest", types: [T.logGroup], checkov: ["CKV_AWS_158"] }],
  types: [T.logGroup],
  check: ({ props }) =>
    isSet(props, "kmsKeyId") ? [] : ["The log group is not encrypted with a customer-managed key."],
});

export const snsKms = resourcePolicy({
  name: "sns-kms",
  description:
    "SNS topics are encrypted with a customer-managed key, not an AWS-managed alias (CloudWatch alarms cannot publish to a topic under alias/aws/sns).",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediation: "set kmsMasterKeyId to the sns key ARN.",
  coverage: [{ control: "at rest", types: [T.topic], checkov: ["CKV_AWS_26"] }],
  types: [T.topic],
  check: ({ props }) => {
    const problem = cmkProblem(props, "kmsMasterKeyId", "The topic");
    return problem ? [problem] : [];
  },
});

export const s3BucketEncryption = resourcePolicy({
  name: "s3-sse-kms",
  description:
    "S3 server-side encryption configurations use KMS (aws:kms or aws:kms:dsse) with a customer-managed key.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation: "set rules[0].applyServerSideEncryptionByDefault { sseAlgorithm: 'aws:kms', kmsMasterKeyId }.",
  coverage: [{ control: "at rest", types: [T.bucketSse] }],
  types: [T.bucketSse],
  check: ({ props }) => {
    const rules = list(prop(props, "rules"));
    if (rules.includes(Unknown)) return [];
    const ok = rules.some((r) => {
      const d = prop(r, "applyServerSideEncryptionByDefault");
      const algorithm = prop(d, "sseAlgorithm");
      return (
        (algorithm === Unknown || algorithm === "aws:kms" || algorithm === "aws:kms:dsse") && isSet(d, "kmsMasterKeyId")
      );
    });
    return ok ? [] : ["The bucket is not encrypted with a customer-managed KMS key."];
  },
});

export const s3PublicAccessBlockFlags = resourcePolicy({
  name: "s3-public-access-block",
  description: "S3 public access blocks set all four flags.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation: "set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true.",
  coverage: [
    {
      control: "exposure",
      types: [T.bucketPublicAccessBlock],
      checkov: ["CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"],
      cis: ["aws-5.0:2.1.4"],
    },
  ],
  types: [T.bucketPublicAccessBlock],
  check: ({ props }) => {
    const flags = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
    const off = flags.filter((f) => !isTrueOrUnknown(prop(props, f)));
    return off.length ? [`Not blocked: ${off.join(", ")}.`] : [];
  },
});

const ebsEncryptedFlag = (v: unknown) => v === Unknown || v === true || v === "true";

export const ebsEncrypted = resourcePolicy({
  name: "ebs-encrypted",
  description: "EBS volumes, instance root volumes and launch template block devices are encrypted.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation:
    "EBS volume: encrypted: true (+ kmsKeyId); launch template: blockDeviceMappings [{ deviceName: '/dev/xvda', ebs: { encrypted: 'true' } }]; instance: rootBlockDevice.encrypted.",
  coverage: [
    {
      control: "at rest",
      types: [T.ebsVolume, T.launchTemplate, T.instance],
      checkov: ["CKV_AWS_3", "CKV_AWS_8"],
      cis: ["aws-5.0:5.1.1"],
    },
  ],
  types: [T.ebsVolume, T.launchTemplate, T.instance],
  check: ({ type, props }) => {
    if (type === T.ebsVolume) return ebsEncryptedFlag(prop(props, "encrypted")) ? [] : ["The volume is not encrypted."];
    if (type === T.instance)
      return ebsEncryptedFlag(path(props, "rootBlockDevice", "encrypted")) ? [] : ["The root volume is not encrypted."];
    const mappings = list(prop(props, "blockDeviceMappings"));
    if (mappings.includes(Unknown)) return [];
    if (mappings.length === 0)
      return ["No block device mapping: the root volume inherits the AMI snapshot's (unencrypted) setting."];
    const bad = mappings.filter((m) => prop(m, "ebs") !== undefined && !ebsEncryptedFlag(path(m, "ebs", "encrypted")));
    return bad.map((m) => `Block device ${String(prop(m, "deviceName"))} is not encrypted.`);
  },
});

export const nodeRootVolumesEncrypted = resourcePolicy({
  name: "eks-node-volumes-encrypted",
  description:
    "EKS nodes get encrypted root volumes: managed node groups through a launch template, the eks.Cluster default node group skipped or encrypted.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation:
    "eks.ManagedNodeGroup / aws.eks.NodeGroup: pass a launchTemplate whose root block device is encrypted; eks.Cluster: skipDefaultNodeGroup: true (or nodeRootVolumeEncrypted: true).",
  coverage: [{ control: "at rest", types: [T.eksManagedNodeGroup, T.awsEksNodeGroup, T.eksCluster] }],
  types: [T.eksManagedNodeGroup, T.awsEksNodeGroup, T.eksCluster],
  check: ({ type, props }) => {
    if (type === T.eksCluster) {
      if (isTrueOrUnknown(prop(props, "skipDefaultNodeGroup")) || isSet(props, "fargate")) return [];
      return isTrueOrUnknown(prop(props, "nodeRootVolumeEncrypted"))
        ? []
        : ["The default node group's root volumes are not encrypted."];
    }
    return isSet(props, "launchTemplate")
      ? []
      : [
          "Without a launch template, node root volumes follow the account's EBS default, which is unencrypted unless changed.",
        ];
  },
});

export const kmsRotation = resourcePolicy({
  name: "kms-key-rotation",
  description: "Symmetric customer-managed KMS keys rotate automatically.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediation: "set enableKeyRotation: true (rotationPeriodInDays 365 or less).",
  coverage: [{ control: "at rest", types: [T.kmsKey], checkov: ["CKV_AWS_7"], cis: ["aws-5.0:3.6"] }],
  types: [T.kmsKey],
  check: ({ props }) => {
    const spec = prop(props, "customerMasterKeySpec") ?? prop(props, "keySpec");
    if (typeof spec === "string" && spec !== "SYMMETRIC_DEFAULT") return [];
    return isTrueOrUnknown(prop(props, "enableKeyRotation")) ? [] : ["Automatic key rotation is off."];
  },
});

export const cloudTrailEncrypted = resourcePolicy({
  name: "cloudtrail-encrypted",
  description: "CloudTrail trails encrypt their log files with KMS and validate log file integrity.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediation: "set kmsKeyId and enableLogFileValidation: true.",
  coverage: [
    {
      control: "logging",
      types: [T.trail],
      checkov: ["CKV_AWS_35", "CKV_AWS_36"],
      cis: ["aws-5.0:3.2", "aws-5.0:3.5"],
    },
  ],
  types: [T.trail],
  check: ({ props }) => {
    const out: string[] = [];
    if (!isSet(props, "kmsKeyId")) out.push("Log files are not encrypted with a customer-managed key.");
    if (!isTrueOrUnknown(prop(props, "enableLogFileValidation"))) out.push("Log file validation is off.");
    return out;
  },
});

export const encryptionPolicies = [
  rdsStorageEncrypted,
  rdsPerformanceInsightsEncrypted,
  rdsForceSsl,
  rdsCustomParameterGroup,
  elasticacheAtRest,
  elasticacheInTransit,
  elasticacheAuth,
  eksSecretsEncryption,
  ecrEncrypted,
  secretsKms,
  logGroupKms,
  snsKms,
  s3BucketEncryption,
  s3PublicAccessBlockFlags,
  ebsEncrypted,
  nodeRootVolumesEncrypted,
  kmsRotation,
  cloudTrailEncrypted,
];
