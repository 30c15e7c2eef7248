/**
 * Storage a team adds next (SPEC X5): S3 (public ACLs, TLS-only bucket policies), EFS, EBS volumes and snapshots,
 * and Backup vaults, encrypted with a customer-managed key and never shared with the world.
 */
import type { PolicyResource } from "@pulumi/policy";
import { resourcePolicy, stackPolicy, type Findings } from "../lib/define";
import { documentsOf } from "../lib/documents";
import { cmkProblem } from "../lib/keys";
import { referenced } from "../lib/links";
import { isTrueOrUnknown, list, path, prop, Unknown } from "../lib/values";
import { T } from "./types";

export const efsEncrypted = resourcePolicy({
  name: "efs-encrypted",
  description: "EFS file systems are encrypted at rest with a customer-managed KMS key.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation: "set encrypted: true and kmsKeyId to a customer-managed key.",
  coverage: [
    { control: "at rest", types: [T.efsFileSystem], checkov: ["CKV_AWS_42", "CKV_AWS_184"], cis: ["aws-5.0:2.3.1"] },
  ],
  types: [T.efsFileSystem],
  check: ({ props }) => {
    const out: Findings = [];
    if (!isTrueOrUnknown(prop(props, "encrypted"))) out.push("The file system is not encrypted.");
    const key = cmkProblem(props, "kmsKeyId", "The file system");
    if (key) out.push(key);
    return out;
  },
});

/** Does a resource policy deny requests without TLS (Deny on aws:SecureTransport false)? */
export function deniesInsecureTransport(props: Record<string, unknown>, type: string): boolean {
  return documentsOf(type, props).some((d) =>
    (d.statements ?? []).some(
      (s) =>
        s.effect === "Deny" &&
        Object.entries(s.conditions).some(
          ([op, block]) =>
            /^Bool(IfExists)?$/.test(op) &&
            Object.entries(block).some(([k, v]) => /^aws:SecureTransport$/i.test(k) && v.includes("false")),
        ),
    ),
  );
}

export const efsTlsOnly = stackPolicy({
  name: "efs-tls-only",
  description:
    "Every EFS file system has a file system policy that denies requests without TLS (Deny with Bool aws:SecureTransport false), so no client mounts it in clear text.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation:
    'declare aws.efs.FileSystemPolicy with a Deny statement on Condition { Bool: { "aws:SecureTransport": "false" } }.',
  coverage: [{ control: "in transit", types: [T.efsFileSystem, T.efsFileSystemPolicy] }],
  check: (resources) => {
    const systems = resources.filter((r) => r.type === T.efsFileSystem);
    const enforced = new Set(
      resources
        .filter((r) => r.type === T.efsFileSystemPolicy && deniesInsecureTransport(r.props, r.type))
        .flatMap((r) => referenced(r, "fileSystemId", systems)),
    );
    return systems
      .filter((s) => !enforced.has(s))
      .map((s) => ({
        resource: s,
        message: `File system ${s.name} accepts clients without TLS (no policy denies them).`,
      }));
  },
});

const bucketTypes = [T.bucket, T.bucketV2];

export const s3TlsOnly = stackPolicy({
  name: "s3-tls-only",
  description:
    "Every S3 bucket has a bucket policy that denies requests without TLS (Deny with Bool aws:SecureTransport false).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation:
    'declare aws.s3.BucketPolicy with a Deny of s3:* on the bucket and its objects under Condition { Bool: { "aws:SecureTransport": "false" } }.',
  coverage: [
    {
      control: "in transit",
      types: [T.bucket, T.bucketV2, T.bucketPolicy],
      checkov: ["CKV_AWS_379"],
      cis: ["aws-5.0:2.1.1"],
    },
  ],
  check: (resources) => {
    const buckets = resources.filter((r) => bucketTypes.includes(r.type as (typeof bucketTypes)[number]));
    const enforced = new Set<PolicyResource>(buckets.filter((b) => deniesInsecureTransport(b.props, b.type)));
    for (const p of resources.filter((r) => r.type === T.bucketPolicy && deniesInsecureTransport(r.props, r.type)))
      for (const b of referenced(p, "bucket", buckets)) enforced.add(b);
    return buckets
      .filter((b) => !enforced.has(b))
      .map((b) => ({ resource: b, message: `Bucket ${b.name} accepts requests without TLS (no policy denies them).` }));
  },
});

const aclTypes = [
  T.bucket,
  T.bucketV2,
  T.bucketAcl,
  "aws:s3/bucketAcl:BucketAcl",
  "aws:s3/bucketObject:BucketObject",
  "aws:s3/bucketObjectv2:BucketObjectv2",
  "aws:s3/objectCopy:ObjectCopy",
];
const publicAcls = ["public-read", "public-read-write", "authenticated-read"];
const allUsers = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)/;

export const s3NoPublicAcl = resourcePolicy({
  name: "s3-no-public-acl",
  description:
    "S3 buckets, bucket ACLs and objects grant nothing to everyone or to every AWS account: no canned public-read, public-read-write or authenticated-read ACL, no grant to the AllUsers or AuthenticatedUsers groups.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediation:
    "drop the ACL (object ownership BucketOwnerEnforced) and grant access through a bucket policy naming principals.",
  coverage: [
    {
      control: "exposure",
      types: aclTypes,
      checkov: ["CKV_AWS_375"],
      cis: ["aws-5.0:2.1.4"],
    },
  ],
  types: aclTypes,
  check: ({ props }) => {
    const out: Findings = [];
    const acl = prop(props, "acl");
    if (typeof acl === "string" && publicAcls.includes(acl)) out.push(`The canned ACL ${acl} makes the bucket public.`);
    const grants = [...list(path(props, "accessControlPolicy", "grants")), ...list(prop(props, "grants"))].filter(
      (g) => g !== Unknown,
    );
    for (const g of grants) {
      const uri = path(g, "grantee", "uri") ?? prop(g, "uri");
      if (typeof uri === "string" && allUsers.test(uri)) out.push(`A grant to ${uri} makes the bucket public.`);
    }
    return out;
  },
});

export const s3AccessPointBlocked = resourcePolicy({
  name: "s3-access-point-public-access-block",
  description:
    "S3 access points block public access (all four flags of publicAccessBlockConfiguration, which default to true, left on).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation: "leave publicAccessBlockConfiguration unset or set all four flags to true.",
  coverage: [{ control: "exposure", types: [T.accessPoint], checkov: ["CKV_AWS_392"], cis: ["aws-5.0:2.1.4"] }],
  types: [T.accessPoint],
  check: ({ props }) => {
    const block = prop(props, "publicAccessBlockConfiguration");
    if (block === undefined || block === Unknown) return [];
    const off = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].filter(
      (f) => prop(block, f) === false,
    );
    return off.length ? [`Not blocked: ${off.join(", ")}.`] : [];
  },
});

export const ebsCustomerKey = resourcePolicy({
  name: "ebs-customer-managed-key",
  description:
    "EBS volumes and snapshot copies are encrypted with a customer-managed KMS key (not the account's aws/ebs key).",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediation: "set encrypted: true and kmsKeyId to a customer-managed key.",
  coverage: [
    {
      control: "at rest",
      types: [T.ebsVolume, T.ebsSnapshotCopy],
      checkov: ["CKV_AWS_3", "CKV_AWS_189", "CKV_AWS_183"],
      cis: ["aws-5.0:5.1.1"],
    },
  ],
  types: [T.ebsVolume, T.ebsSnapshotCopy],
  check: ({ props }) => {
    const out: Findings = [];
    if (!isTrueOrUnknown(prop(props, "encrypted"))) out.push("The volume or snapshot is not encrypted.");
    const key = cmkProblem(props, "kmsKeyId", "The volume or snapshot");
    if (key) out.push(key);
    return out;
  },
});

export const snapshotsNotPublic = resourcePolicy({
  name: "snapshots-not-public",
  description:
    "EBS snapshots and RDS instance and cluster snapshots are not shared with every AWS account (createVolumePermission for 'all', sharedAccounts containing 'all').",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediation:
    "share snapshots with named accounts only (and those accounts must be trusted: see iam-foreign-accounts).",
  coverage: [
    {
      control: "exposure",
      types: [T.snapshotCreateVolumePermission, T.rdsSnapshot, T.rdsClusterSnapshot],
      checkov: ["CKV_AWS_302"],
    },
  ],
  types: [T.snapshotCreateVolumePermission, T.rdsSnapshot, T.rdsClusterSnapshot],
  check: ({ type, props }) => {
    if (type === T.snapshotCreateVolumePermission)
      return prop(props, "accountId") === "all" ? ["The snapshot can be copied by every AWS account."] : [];
    return list(prop(props, "sharedAccounts")).includes("all")
      ? ["The snapshot is shared with every AWS account."]
      : [];
  },
});

export const backupVaultKms = resourcePolicy({
  name: "backup-vault-kms",
  description: "AWS Backup vaults encrypt recovery points with a customer-managed KMS key.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediation: "set kmsKeyArn to a customer-managed key.",
  coverage: [{ control: "at rest", types: [T.backupVault], checkov: ["CKV_AWS_166"] }],
  types: [T.backupVault],
  check: ({ props }) => {
    const key = cmkProblem(props, "kmsKeyArn", "The vault");
    return key ? [key] : [];
  },
});

export const storagePolicies = [
  efsEncrypted,
  efsTlsOnly,
  s3TlsOnly,
  s3NoPublicAcl,
  s3AccessPointBlocked,
  ebsCustomerKey,
  snapshotsNotPublic,
  backupVaultKms,
];
