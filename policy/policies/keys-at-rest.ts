/**
 * Customer-managed keys for the data-bearing types that have nothing to check but their key (SPEC K1, X5): one
 * table, type by type, of where the key input sits. A missing key means an AWS-owned or AWS-managed key, whose
 * policy no one in the account writes.
 */
import { resourcePolicy, type Findings } from "../lib/define";
import { keyVerdict } from "../lib/keys";
import { isTrueOrUnknown, list, path, prop, Unknown } from "../lib/values";

interface KeyInput {
  /** What the type holds, for messages. */
  what: string;
  /** The key reference(s) of a resource; `[]` when the type encrypts under its default (no key input set). */
  keys: (props: Record<string, unknown>) => unknown[];
  /** Set when the type also has an on/off switch that must be on. */
  encryptedFlag?: string;
}

const at = (key: string) => (props: Record<string, unknown>) => [prop(props, key)];
const eachConfig = (list_: string, key: string) => (props: Record<string, unknown>) => {
  const configs = list(prop(props, list_));
  return configs.length ? configs.map((c) => (c === Unknown ? Unknown : prop(c, key))) : [undefined];
};

/** Types and where their key sits (inputs as @pulumi/aws names them). */
export const keyInputs: Record<string, KeyInput> = {
  "aws:s3/filesFileSystem:FilesFileSystem": { what: "The S3 Files file system", keys: at("kmsKeyId") },
  "aws:s3/vectorsVectorBucket:VectorsVectorBucket": {
    what: "The vector bucket",
    keys: eachConfig("encryptionConfigurations", "kmsKeyArn"),
  },
  "aws:s3/vectorsIndex:VectorsIndex": {
    what: "The vector index",
    keys: eachConfig("encryptionConfigurations", "kmsKeyArn"),
  },
  "aws:dynamodb/tableReplica:TableReplica": { what: "The table replica", keys: at("kmsKeyArn") },
  "aws:kinesis/videoStream:VideoStream": { what: "The video stream", keys: at("kmsKeyId") },
  "aws:msk/channel:Channel": {
    what: "The MSK channel",
    keys: (props) => [path(props, "encryptionConfiguration", "kmsKeyArn")],
  },
  "aws:opensearch/application:Application": { what: "The OpenSearch application", keys: at("kmsKeyArn") },
  "aws:rds/clusterActivityStream:ClusterActivityStream": { what: "The activity stream", keys: at("kmsKeyId") },
  "aws:rds/exportTask:ExportTask": { what: "The snapshot export", keys: at("kmsKeyId") },
  "aws:rds/integration:Integration": { what: "The zero-ETL integration", keys: at("kmsKeyId") },
  "aws:rds/customDbEngineVersion:CustomDbEngineVersion": { what: "The custom engine version", keys: at("kmsKeyId") },
  "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": {
    what: "The replicated backups",
    keys: at("kmsKeyId"),
  },
  "aws:rds/snapshotCopy:SnapshotCopy": { what: "The snapshot copy", keys: at("kmsKeyId") },
  "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy": { what: "The cluster snapshot copy", keys: at("kmsKeyId") },
  "aws:lambda/capacityProvider:CapacityProvider": { what: "The Lambda capacity provider", keys: at("kmsKeyArn") },
  "aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault": {
    what: "The air-gapped vault",
    keys: at("encryptionKeyArn"),
  },
  "aws:cloudwatch/logAnomalyDetector:LogAnomalyDetector": { what: "The anomaly detector", keys: at("kmsKeyId") },
  "aws:ebs/snapshotImport:SnapshotImport": {
    what: "The imported snapshot",
    keys: at("kmsKeyId"),
    encryptedFlag: "encrypted",
  },
  "aws:ec2/amiCopy:AmiCopy": { what: "The AMI copy", keys: at("kmsKeyId"), encryptedFlag: "encrypted" },
};

/** S3 objects inherit the bucket's default encryption; one that names its own must name KMS and a customer key. */
const objectTypes = [
  "aws:s3/bucketObject:BucketObject",
  "aws:s3/bucketObjectv2:BucketObjectv2",
  "aws:s3/objectCopy:ObjectCopy",
];

export const customerManagedKeys = resourcePolicy({
  name: "kms-customer-managed-keys",
  description:
    "Data-bearing types whose only encryption setting is their key (S3 Files and vector buckets, table replicas, video streams, MSK channels, OpenSearch applications, RDS activity streams, exports, integrations, snapshot copies and replicated backups, air-gapped vaults, log anomaly detectors, imported snapshots, AMI copies) name a customer-managed KMS key; S3 objects that set their own encryption use aws:kms with a customer-managed key.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediation: "set the key input (kmsKeyId, kmsKeyArn, encryptionKeyArn) to a customer-managed key of the stack.",
  coverage: [
    {
      control: "at rest",
      types: [...Object.keys(keyInputs), ...objectTypes],
      checkov: [
        "CKV_AWS_181",
        "CKV_AWS_186",
        "CKV_AWS_177",
        "CKV_AWS_271",
        "CKV_AWS_245",
        "CKV_AWS_246",
        "CKV_AWS_235",
      ],
    },
  ],
  types: [...Object.keys(keyInputs), ...objectTypes],
  check: ({ type, props }) => {
    const out: Findings = [];
    if (objectTypes.includes(type)) {
      const sse = prop(props, "serverSideEncryption");
      if (sse === undefined || sse === Unknown) return out;
      if (sse !== "aws:kms" && sse !== "aws:kms:dsse")
        out.push(`The object is encrypted with ${String(sse)}, not KMS.`);
      else if (keyVerdict(prop(props, "kmsKeyId")) !== "customer-managed")
        out.push("The object is encrypted under the AWS-managed aws/s3 key, not a customer-managed key.");
      return out;
    }
    const input = keyInputs[type];
    if (input.encryptedFlag && !isTrueOrUnknown(prop(props, input.encryptedFlag)))
      out.push(`${input.what} is not encrypted.`);
    for (const key of input.keys(props)) {
      const verdict = keyVerdict(key);
      if (verdict === "missing") out.push(`${input.what} is not encrypted with a customer-managed KMS key.`);
      else if (verdict === "aws-managed") out.push(`${input.what} uses the AWS-managed key ${String(key)}.`);
    }
    return out;
  },
});

export const keysAtRestPolicies = [customerManagedKeys];
