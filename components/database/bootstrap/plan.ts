/**
 * The database bootstrap as data (SPEC D2, D6): which SQL file runs in which database, in what order, and the
 * tenant migrations each application database's fleet is brought to. Pure: the same plan feeds the Node runner
 * in ./apply (the in-cluster Job, the tests and the local database) and the hash that names the Job, so a changed
 * SQL or migration file re-runs the bootstrap and an unchanged one does not.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readTenantMigrations, type TenantMigration } from "./migrations";

/** The application databases. */
export const databases = { master: "qualisys_master", test: "qualisys_test" } as const;

/** Roles the bootstrap creates (see sql/00-roles.sql). */
export const roles = { owner: "qualisys_owner", app: "app_user", monitor: "monitor" } as const;

/** Custom settings the runner sets on its connection to pass the generated role passwords to the SQL. */
export const passwordSettings = {
  app: "qualisys.app_user_password",
  monitor: "qualisys.monitor_password",
} as const;

/** Where the SQL files live (shipped next to this module). */
export const sqlDirectory = join(__dirname, "sql");

export type Step =
  /** Run one SQL file in one database, in a single transaction. */
  | { kind: "sql"; database: string; file: string; sql: string }
  /** CREATE DATABASE … OWNER qualisys_owner unless it exists (cannot run inside a transaction). */
  | { kind: "create-database"; database: string }
  /** The control schema (`control`, one SQL file), then every tenant brought to `migrations` (./migrate). */
  | { kind: "tenants"; database: string; file: string; sql: string; migrations: TenantMigration[] };

/** The maintenance database the runner connects to first. */
export const maintenanceDatabase = "postgres";

/** The control schema's file (the migration runner applies it first, in every run). */
export const controlFile = "10-database.sql";

/** The bootstrap, in order. The test tenants come last, so create_tenant gives them every migration. */
export function bootstrapPlan(
  readSql: (file: string) => string = readSqlFile,
  migrations: TenantMigration[] = readTenantMigrations(),
): Step[] {
  const file = (database: string, name: string): Step => ({ kind: "sql", database, file: name, sql: readSql(name) });
  const tenants = (database: string): Step => ({
    kind: "tenants",
    database,
    file: controlFile,
    sql: readSql(controlFile),
    migrations,
  });
  return [
    file(maintenanceDatabase, "00-roles.sql"),
    { kind: "create-database", database: databases.master },
    { kind: "create-database", database: databases.test },
    tenants(databases.master),
    tenants(databases.test),
    file(databases.test, "20-test-tenants.sql"),
  ];
}

export function readSqlFile(name: string): string {
  return readFileSync(join(sqlDirectory, name), "utf8");
}

/** The SQL files a plan uses, by name (what the Job's ConfigMap carries under sql/). */
export function sqlFiles(plan: Step[]): Record<string, string> {
  return Object.fromEntries(plan.flatMap((step) => (step.kind === "create-database" ? [] : [[step.file, step.sql]])));
}

/** The tenant migrations a plan uses, by file name (the ConfigMap carries them under tenant-migrations/). */
export function migrationFiles(plan: Step[]): Record<string, string> {
  return Object.fromEntries(
    plan.flatMap((step) => (step.kind === "tenants" ? step.migrations.map((m) => [m.name, m.sql]) : [])),
  );
}

/**
 * A session advisory lock held in the maintenance database while databases are created, so two runners never
 * race on CREATE DATABASE. The per-database files take the same key as a transaction lock in their database.
 */
export const lockKey = "qualisys.bootstrap";

/** Whether `name` may be spliced into SQL unquoted (the plan's database names are constants; this guards them). */
const plainIdentifier = /^[a-z_][a-z0-9_]{0,62}$/;

/** The statements that create a database unless it exists; `\gexec` runs the generated statement in psql. */
export function createDatabaseSql(database: string): { check: string; create: string } {
  if (!plainIdentifier.test(database)) throw new Error(`refusing to create database with name ${database}`);
  return {
    check: `SELECT 1 FROM pg_catalog.pg_database WHERE datname = '${database}'`,
    create: `CREATE DATABASE ${database} OWNER ${roles.owner} ENCODING 'UTF8' TEMPLATE template0`,
  };
}

/**
 * The bootstrap's identity: a hash of every SQL file, every tenant migration, `runner` (the Job's bundled code)
 * and `extra` (e.g. the role password generation), shortened for a Kubernetes name. Changing any of them changes
 * the hash and so the Job's name: a new migration file rolls out by `pulumi up`.
 */
export function bootstrapHash(plan: Step[], extra = "", runner = ""): string {
  const hash = createHash("sha256");
  for (const step of plan) {
    hash.update(`${step.kind}\0${step.database}\0${step.kind === "create-database" ? "" : step.sql}\0`);
    if (step.kind === "tenants") for (const m of step.migrations) hash.update(`${m.name}\0${m.checksum}\0`);
  }
  hash.update(`${runner}\0${extra}`);
  return hash.digest("hex").slice(0, 10);
}
