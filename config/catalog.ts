/**
 * The instance classes and engine versions this program knows. Validation rejects anything else, so a typo
 * (`t3.meduim`, `db.r5.larg`) fails before a preview instead of during a deploy. Add a class here (with its
 * family's constraints in mind) to allow it.
 */

/** EC2 instance types allowed for EKS node groups (x86_64, EKS-optimised AMIs). */
export const nodeInstanceTypes = [
  "t3.medium",
  "t3.large",
  "t3.xlarge",
  "t3.2xlarge",
  "m5.large",
  "m5.xlarge",
  "m5.2xlarge",
  "m6i.large",
  "m6i.xlarge",
  "m6i.2xlarge",
  "m7i.large",
  "m7i.xlarge",
  "c5.large",
  "c5.xlarge",
  "c5.2xlarge",
  "c5.4xlarge",
  "c6i.large",
  "c6i.xlarge",
  "c6i.2xlarge",
  "c7i.xlarge",
  "r5.large",
  "r5.xlarge",
] as const;

/** RDS for PostgreSQL instance classes. */
export const databaseInstanceClasses = [
  "db.t3.micro",
  "db.t3.small",
  "db.t3.medium",
  "db.t3.large",
  "db.t4g.medium",
  "db.t4g.large",
  "db.m5.large",
  "db.m5.xlarge",
  "db.m6i.large",
  "db.m6i.xlarge",
  "db.r5.large",
  "db.r5.xlarge",
  "db.r5.2xlarge",
  "db.r6i.large",
  "db.r6i.xlarge",
  "db.r6g.large",
  "db.r6g.xlarge",
] as const;

/** ElastiCache node types. */
export const cacheNodeTypes = [
  "cache.t3.micro",
  "cache.t3.small",
  "cache.t3.medium",
  "cache.t4g.micro",
  "cache.t4g.small",
  "cache.t4g.medium",
  "cache.m5.large",
  "cache.m6g.large",
  "cache.r5.large",
  "cache.r5.xlarge",
  "cache.r6g.large",
  "cache.r6g.xlarge",
  "cache.r7g.large",
] as const;

/** PostgreSQL majors RDS offers that this program supports (the spec's floor is 15). */
export const postgresMajors = [15, 16, 17, 18] as const;

/** ElastiCache engines and the versions this program supports (the spec's floor is 7). */
export const cacheEngineVersions = {
  redis: ["7.0", "7.1"],
  valkey: ["7.2", "8.0", "8.1"],
} as const;

/** CloudWatch Logs accepts only these retention periods (days). */
export const logRetentionDays = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** EKS Kubernetes versions in standard support (late 2026). */
export const kubernetesVersions = ["1.32", "1.33", "1.34", "1.35"] as const;
