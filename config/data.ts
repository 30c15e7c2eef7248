/**
 * `qualisys:database`, `qualisys:cache`, `qualisys:registry`, `qualisys:secretsManager` — the data tier (SPEC D1,
 * D4, R1, G1, S1, S2).
 */
import { z } from "zod";
import { cacheNodeTypes, databaseInstanceClasses } from "../core/instances";
import { cacheEngineVersions, postgresMajors } from "./catalog";
import { dailyLength, dailyOverlapsWeekly, weeklyLength } from "./windows";
import { count, oneOf } from "./zod";

const window = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;
const weeklyWindow =
  /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/;

/**
 * database.maxTenants' default: ten times the 1,000-tenant fleet the migration benchmark measures, and within what
 * the bootstrap Job's one-hour deadline migrates (docs/migrations.md). sql/10-database.sql starts from it too.
 */
export const defaultMaxTenants = 10_000;

export const databaseSchema = z
  .strictObject({
    /** PostgreSQL major version. Default 17. The spec's floor is 15. */
    engineMajor: z
      .int()
      .refine((v) => (postgresMajors as readonly number[]).includes(v), {
        error: (issue) => `PostgreSQL ${issue.input} is not supported; use one of ${postgresMajors.join(", ")}`,
      })
      .default(17),
    /** RDS instance class (SPEC C2: db.t3.medium dev, db.r5.large staging/prod). */
    instanceClass: oneOf(databaseInstanceClasses, "RDS instance class"),
    /** Standby in a second AZ (SPEC D1: prod). */
    multiAz: z.boolean(),
    /** Initial gp3 storage in GiB. Default 50. */
    allocatedStorageGb: count(20, 65536).default(50),
    /** Storage autoscaling ceiling in GiB. Default 200. */
    maxAllocatedStorageGb: count(20, 65536).default(200),
    /** Days of automated backups. Default 7 (SPEC D1). */
    backupRetentionDays: count(1, 35).default(7),
    /** Daily backup window, UTC. Default 03:00–03:30 (SPEC D1). */
    backupWindow: z.string().regex(window, { error: 'must look like "03:00-03:30"' }).default("03:00-03:30"),
    /** Weekly maintenance window, UTC; must not overlap the backup window. Default sun:04:00–sun:04:30. */
    maintenanceWindow: z
      .string()
      .regex(weeklyWindow, { error: 'must look like "sun:04:00-sun:04:30"' })
      .default("sun:04:00-sun:04:30"),
    /** `max_connections` in the parameter group. Default 200 (SPEC D1). */
    maxConnections: count(20, 5000).default(200),
    /** `log_min_duration_statement` in ms: statements slower than this are logged. Default 500. */
    slowStatementMs: count(0, 600000).default(500),
    /** Days of Performance Insights history (7 is the free tier; otherwise a multiple of 31, up to 731). */
    performanceInsightsRetentionDays: z
      .int()
      .refine((d) => d === 7 || d === 731 || (d % 31 === 0 && d >= 31 && d <= 713), {
        error: "must be 7, 731 or a multiple of 31 between 31 and 713 (what RDS accepts)",
      })
      .default(7),
    /**
     * The date (YYYY-MM-DD) the generated app_user and monitor passwords were last rotated. Changing it generates
     * new passwords, stores them in Secrets Manager and re-runs the bootstrap Job, which sets them (SPEC D4: every
     * 90 days; the program warns when it is older). Required, so each stack's rotation is visible in its file.
     */
    rolePasswordsRotatedOn: z.iso.date({ error: 'must be a date like "2026-11-01"' }),
    /**
     * The most tenants `control.create_tenant` creates in each application database; past it a sign-up fails with
     * SQLSTATE 54000, "tenant cap reached". Bounds what the application role (or whoever holds its password) can
     * create: each tenant is a schema of tables, indexes and files. 1 to 100000; default 10000. The bootstrap Job
     * sets it on every run, so a change applies with `pulumi up`.
     */
    maxTenants: count(1, 100_000).default(defaultMaxTenants),
  })
  .superRefine((db, ctx) => {
    if (db.maxAllocatedStorageGb < db.allocatedStorageGb) {
      ctx.addIssue({
        code: "custom",
        path: ["maxAllocatedStorageGb"],
        message: `(${db.maxAllocatedStorageGb}) is below allocatedStorageGb (${db.allocatedStorageGb})`,
      });
    }
    // RDS refuses the create ("The backup window and maintenance window must not overlap"): ./windows.ts.
    if (dailyOverlapsWeekly(db.backupWindow, db.maintenanceWindow)) {
      ctx.addIssue({
        code: "custom",
        path: ["maintenanceWindow"],
        message: `(${db.maintenanceWindow}) overlaps database.backupWindow (${db.backupWindow}), which runs every day; RDS refuses overlapping windows: move one of them`,
      });
    }
  });

export const cacheSchema = z
  .strictObject({
    /** ElastiCache engine. Default redis. */
    engine: z.enum(["redis", "valkey"]).default("redis"),
    /** Engine version (Redis 7.0/7.1, Valkey 7.2/8.0/8.1). Default 7.1. The spec's floor is Redis 7. */
    engineVersion: z.string().default("7.1"),
    /** Node type (SPEC C2: cache.t3.micro dev, cache.r5.large staging/prod). */
    nodeType: oneOf(cacheNodeTypes, "ElastiCache node type"),
    /** Shards (node groups) in cluster mode. Default 2 (SPEC R1). */
    shards: count(1, 500).default(2),
    /** Replicas per shard; at least 1 for automatic failover. Default 1 (SPEC R1). */
    replicasPerShard: count(1, 5).default(1),
    /** Days of daily snapshots. Default 7. */
    snapshotRetentionDays: count(1, 35).default(7),
    /** Daily snapshot window, UTC. Default 04:00–05:00 (after the database's backup window). */
    snapshotWindow: z.string().regex(window, { error: 'must look like "04:00-05:00"' }).default("04:00-05:00"),
    /** Weekly maintenance window, UTC; must not overlap the snapshot window. Default sun:05:30–sun:06:30. */
    maintenanceWindow: z
      .string()
      .regex(weeklyWindow, { error: 'must look like "sun:05:30-sun:06:30"' })
      .default("sun:05:30-sun:06:30"),
  })
  .superRefine((cache, ctx) => {
    const known: readonly string[] = cacheEngineVersions[cache.engine];
    if (!known.includes(cache.engineVersion)) {
      const major = Number.parseInt(cache.engineVersion, 10);
      ctx.addIssue({
        code: "custom",
        path: ["engineVersion"],
        message:
          cache.engine === "redis" && major < 7
            ? `Redis ${cache.engineVersion} is below the required major 7; use one of ${known.join(", ")}`
            : `${cache.engine} ${cache.engineVersion} is not supported; use one of ${known.join(", ")}`,
      });
    }
    // What ElastiCache refuses at create time (./windows.ts): windows under an hour, or overlapping each other.
    for (const [key, length] of [
      ["snapshotWindow", dailyLength(cache.snapshotWindow)],
      ["maintenanceWindow", weeklyLength(cache.maintenanceWindow)],
    ] as const) {
      if (length < 60) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `is ${length} minutes long; ElastiCache's minimum is 60 minutes`,
        });
      }
    }
    if (dailyOverlapsWeekly(cache.snapshotWindow, cache.maintenanceWindow)) {
      ctx.addIssue({
        code: "custom",
        path: ["maintenanceWindow"],
        message: `(${cache.maintenanceWindow}) overlaps cache.snapshotWindow (${cache.snapshotWindow}), which runs every day; ElastiCache refuses overlapping windows: move one of them`,
      });
    }
  });

export const registrySchema = z.strictObject({
  /** ECR repositories to create (SPEC G1). */
  repositories: z
    .array(z.string().regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/, { error: "is not a valid ECR repository name" }))
    .min(1)
    .default(["qualisys-api", "qualisys-web", "playwright-runner"]),
  /** Tagged images kept per repository. Default 10 (SPEC G1). */
  keepLastImages: count(1, 1000).default(10),
  /** Days before an untagged image expires. Default 7 (SPEC G1). */
  untaggedExpiryDays: count(1, 365).default(7),
});

export const secretsManagerSchema = z.strictObject({
  /**
   * Audit access to this stack's secrets (SPEC S2): a CloudTrail trail of management events (Secrets Manager
   * reads such as GetSecretValue are management events) into a KMS-encrypted, private S3 bucket. Default false:
   * many accounts already run an organisation trail, and a second trail of management events is billed.
   */
  auditAccess: z.boolean().default(false),
  /** Days a deleted secret can be restored. Default 30 (AWS allows 7–30). */
  recoveryWindowDays: count(7, 30).default(30),
});

export type DatabaseConfig = z.infer<typeof databaseSchema>;
export type CacheConfig = z.infer<typeof cacheSchema>;
export type RegistryConfig = z.infer<typeof registrySchema>;
export type SecretsManagerConfig = z.infer<typeof secretsManagerSchema>;
