/**
 * Physical names derived from the stack's prefix (`<appName>-<stack>`) that AWS validates at create time. A Pulumi
 * stack name may hold `.` and `_` and up to 100 characters; several of these names may not. The rules are those the
 * pinned provider documents (@pulumi/aws 7.48.0):
 * - EKS cluster name: 1–100 characters, `^[0-9A-Za-z][A-Za-z0-9\-_]*$` (eks.Cluster `name`).
 * - Load balancer name: at most 32 characters, only alphanumerics and hyphens, not beginning or ending with a
 *   hyphen (lb.LoadBalancer `name`).
 * - RDS final snapshot identifier (`<identifier>-final`, prod): must begin with a letter, only alphanumerics and
 *   hyphens, not end with a hyphen or contain two consecutive hyphens (rds.Instance `finalSnapshotIdentifier`).
 * - ElastiCache replication group id: at most 40 characters (components/naming.ts).
 * - S3 bucket name (the secrets audit trail's, `<prefix>-secrets-audit-<account id>` in components/secrets/audit.ts,
 *   with `secretsManager.auditAccess`): lowercase, at most 63 characters (s3.Bucket `bucket`).
 * This is the one check of the stack name (SPEC C4): a prefix that passes it fits every name AWS validates.
 */

/** A load balancer name's limit; `<prefix>-alb` is the tightest name the prefix must fit. */
export const loadBalancerNameLimit = 32;

/**
 * The longest prefix (`<appName>-<stack>`) every derived name fits: the load balancer's, whose limit is the
 * tightest (tests/personal-stacks.test.ts names a stack at this length and checks every name in its record).
 */
export const maxPrefixLength = loadBalancerNameLimit - "-alb".length;
export interface DerivedName {
  what: string;
  name: string;
  problem?: string;
}

/** Each name the program derives from `prefix`, with what AWS would refuse about it. */
export function derivedNameProblems(prefix: string): DerivedName[] {
  const names: DerivedName[] = [];
  const check = (what: string, name: string, problem: string | false) =>
    names.push({ what, name, ...(problem ? { problem } : {}) });
  check(
    "EKS cluster name",
    prefix,
    (!/^[0-9A-Za-z][A-Za-z0-9\-_]*$/.test(prefix) || prefix.length > 100) &&
      "EKS allows 1–100 letters, digits, hyphens and underscores, starting with a letter or digit",
  );
  const alb = `${prefix}-alb`;
  check(
    "load balancer name",
    alb,
    (alb.length > loadBalancerNameLimit || !/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(alb)) &&
      `a load balancer name is at most ${loadBalancerNameLimit} letters, digits and hyphens (this one is ${alb.length})`,
  );
  const snapshot = `${prefix}-postgres-final`;
  check(
    "RDS final snapshot identifier",
    snapshot,
    (!/^[A-Za-z][A-Za-z0-9-]*$/.test(snapshot) || snapshot.includes("--") || snapshot.endsWith("-")) &&
      "RDS needs a letter first, then only letters, digits and single hyphens",
  );
  const cache = `${prefix}-redis`;
  check(
    "ElastiCache replication group id",
    cache,
    cache.length > 40 && `an ElastiCache replication group id is at most 40 characters (this one is ${cache.length})`,
  );
  // The account id is 12 digits, which makes the name as long as it will be.
  const bucket = `${prefix}-secrets-audit-123456789012`;
  check(
    "S3 bucket name of the secrets audit trail",
    bucket,
    (bucket !== bucket.toLowerCase() || bucket.length > 63) &&
      `an S3 bucket name is lowercase and at most 63 characters (this one is ${bucket.length})`,
  );
  return names;
}
