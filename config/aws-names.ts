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
 */
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
    (alb.length > 32 || !/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(alb)) &&
      `a load balancer name is at most 32 letters, digits and hyphens (this one is ${alb.length})`,
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
  return names;
}
