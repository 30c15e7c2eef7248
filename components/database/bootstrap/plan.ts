/**
 * The database bootstrap as data (SPEC D2): which SQL file runs in which database, in what order, and the
 * shell script a Kubernetes Job runs to apply it with psql. Pure: the same plan feeds the Job (on AWS), the
 * Node runner in ./apply (tests and the local database) and the hash that names the Job, so a changed SQL file
 * re-runs the bootstrap and an unchanged one does not.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

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
  | { kind: "create-database"; database: string };

/** The maintenance database the runner connects to first. */
export const maintenanceDatabase = "postgres";

/** The bootstrap, in order. */
export function bootstrapPlan(readSql: (file: string) => string = readSqlFile): Step[] {
  const file = (database: string, name: string): Step => ({ kind: "sql", database, file: name, sql: readSql(name) });
  return [
    file(maintenanceDatabase, "00-roles.sql"),
    { kind: "create-database", database: databases.master },
    { kind: "create-database", database: databases.test },
    file(databases.master, "10-database.sql"),
    file(databases.test, "10-database.sql"),
    file(databases.test, "20-test-tenants.sql"),
  ];
}

export function readSqlFile(name: string): string {
  return readFileSync(join(sqlDirectory, name), "utf8");
}

/** The SQL files a plan uses, by name (what the Job's ConfigMap carries). */
export function sqlFiles(plan: Step[]): Record<string, string> {
  return Object.fromEntries(plan.flatMap((step) => (step.kind === "sql" ? [[step.file, step.sql]] : [])));
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
 * The script the Job runs in a `postgres` image. Connection details come from the environment the Job sets
 * (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGSSLMODE); the role passwords from APP_USER_PASSWORD and
 * MONITOR_PASSWORD, handed to the SQL as connection options (PGOPTIONS) so they are never part of a
 * statement's text. The generated passwords are alphanumeric, so they need no escaping in PGOPTIONS.
 */
export function jobScript(plan: Step[], sqlMountPath = "/bootstrap/sql"): string {
  const lines = [
    "set -eu",
    'case "${APP_USER_PASSWORD}${MONITOR_PASSWORD}" in *[!A-Za-z0-9]*) echo "role passwords must be alphanumeric" >&2; exit 1;; esac',
    `export PGOPTIONS="-c ${passwordSettings.app}=\${APP_USER_PASSWORD} -c ${passwordSettings.monitor}=\${MONITOR_PASSWORD}"`,
    'psql_in() { db=$1; shift; psql --no-psqlrc -v ON_ERROR_STOP=1 --dbname="$db" "$@"; }',
  ];
  const creates = plan.filter((s) => s.kind === "create-database");
  for (const step of plan) {
    if (step.kind === "sql") {
      lines.push(`echo "applying ${step.file} to ${step.database}"`);
      lines.push(`psql_in ${step.database} --single-transaction --file=${sqlMountPath}/${step.file}`);
    } else if (step === creates[0]) {
      // One psql session: the lock, then every CREATE DATABASE outside a transaction block, then the unlock.
      const statements = [`SELECT pg_advisory_lock(hashtext('${lockKey}'));`];
      for (const create of creates) {
        const { check, create: createSql } = createDatabaseSql(create.database);
        statements.push(`SELECT '${createSql.replace(/'/g, "''")}' WHERE NOT EXISTS (${check}) \\gexec`);
      }
      statements.push(`SELECT pg_advisory_unlock(hashtext('${lockKey}'));`);
      lines.push(`echo "creating databases ${creates.map((c) => c.database).join(", ")} if missing"`);
      lines.push(`psql_in ${maintenanceDatabase} <<'SQL'\n${statements.join("\n")}\nSQL`);
    }
  }
  lines.push('echo "bootstrap complete"');
  return lines.join("\n") + "\n";
}

/**
 * The bootstrap's identity: a hash of every SQL file, the Job script and `extra` (e.g. the role password
 * generation), shortened for a Kubernetes name. Changing any of them changes the hash and so the Job's name.
 */
export function bootstrapHash(plan: Step[], extra = ""): string {
  const hash = createHash("sha256");
  for (const step of plan) hash.update(`${step.kind}\0${step.database}\0${step.kind === "sql" ? step.sql : ""}\0`);
  hash.update(jobScript(plan));
  hash.update(extra);
  return hash.digest("hex").slice(0, 10);
}
