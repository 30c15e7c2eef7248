/** `qualisys:database`, `qualisys:cache`, `qualisys:registry` — the data tier (SPEC D1, R1, G1). */
import { z } from "zod";
import { cacheEngineVersions, cacheNodeTypes, databaseInstanceClasses, postgresMajors } from "./catalog";
import { count, oneOf } from "./zod";

const window = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;
const weeklyWindow =
  /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/;

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
  })
  .superRefine((db, ctx) => {
    if (db.maxAllocatedStorageGb < db.allocatedStorageGb) {
      ctx.addIssue({
        code: "custom",
        path: ["maxAllocatedStorageGb"],
        message: `(${db.maxAllocatedStorageGb}) is below allocatedStorageGb (${db.allocatedStorageGb})`,
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

export type DatabaseConfig = z.infer<typeof databaseSchema>;
export type CacheConfig = z.infer<typeof cacheSchema>;
export type RegistryConfig = z.infer<typeof registrySchema>;
