/**
 * The fleet runner (SPEC D6): brings every tenant of one database to the registered migrations. One code path
 * for `npm run db:migrate`, the bootstrap (./apply, so db:local and the tests) and the in-cluster Job (./job).
 *
 * 1. Control first, in one transaction: the control schema (sql/10-database.sql, idempotent), the tenant cap,
 *    then each migration file offered to the template in order (control.offer_tenant_migration). A file is
 *    registered — and so given to every new tenant by create_tenant — only once a throw-away tenant built from
 *    the template plus that file gets every migration; the first file that fails is held back with every file
 *    after it, and reaches no tenant. A file edited after a tenant applied it is drift: the run stops here.
 * 2. Per tenant, its pending registered migrations in order, each in its own transaction with a lock timeout,
 *    through control.apply_tenant_migration (which re-checks the history under a per-tenant lock, so overlapping
 *    runners apply each migration once). A failure rolls back that tenant's migration, is reported, and the
 *    tenant's later migrations wait; the other tenants go on. A re-run resumes from the history.
 * 3. What failed, counted against the history, so the report can name the recovery (./migrations recoveryLines).
 *
 * A dry run does step 1 in a transaction it rolls back (so "would register" is the template check's verdict, not a
 * guess) and plans step 2 without touching a tenant. What it cannot foresee is a migration's own failure on one
 * tenant's data (a constraint its rows violate, a held lock): only applying it tells, and a real run does that in a
 * transaction per tenant, rolled back on failure.
 */
import { Client, type ClientConfig } from "pg";
import {
  planTenant,
  readTenantMigrations,
  type FleetResult,
  type MigrationFailure,
  type TemplateReport,
  type TenantMigration,
  type TenantOutcome,
  type TenantPlan,
} from "./migrations";
import { controlFile, readSqlFile, roles } from "./plan";

export interface MigrateOptions {
  /** The admin (master) connection, including the database whose tenants to migrate. */
  connection: ClientConfig;
  /** Tenants migrated at once, each on its own connection. Default {@link defaultConcurrency}. */
  concurrency?: number;
  /** Only this tenant. */
  tenant?: string;
  /** Plan only: report what a real run would do, change nothing. */
  dryRun?: boolean;
  /** Default: ./tenant-migrations. */
  migrations?: TenantMigration[];
  /** The control schema's SQL. Default: sql/10-database.sql. */
  controlSql?: string;
  /** The tenant cap to set (database.maxTenants). Default: leave the database's as it is. */
  maxTenants?: number;
  /** How long one migration may wait for a lock before it fails (its tenant is retried by the next run). */
  lockTimeoutMs?: number;
  /** Called once per tenant as it finishes (progress). */
  onTenant?: (outcome: TenantOutcome, done: number, total: number) => void;
}

/**
 * A db.t3.medium has 2 vCPUs: tenant DDL is CPU- and WAL-bound on the server, so more than a few sessions only
 * queue; four keep both cores busy across client round trips (see docs/migrations.md's figures), and leave the
 * 200 connections (max_connections) to the application.
 */
export const defaultConcurrency = 4;
export const defaultLockTimeoutMs = 5_000;

/**
 * A connected client. A connection the server drops while idle (a shutdown, a failover) surfaces as an error
 * event, which would end the process; the next query fails with it instead, where the caller handles it.
 */
export async function connected(config: ClientConfig): Promise<Client> {
  const client = new Client(config);
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

/** The database a connection names (a `database` field or the path of a connection string). */
function databaseOf(config: ClientConfig): string {
  if (config.database) return config.database;
  return config.connectionString ? decodeURIComponent(new URL(config.connectionString).pathname.slice(1)) : "";
}

async function inTransaction<T>(client: Client, commit: boolean, run: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    const result = await run();
    await client.query(commit ? "COMMIT" : "ROLLBACK");
    return result;
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
}

const appliedCounts = async (client: Client, names: string[]): Promise<Map<string, number>> => {
  const { rows } = await client.query<{ name: string; n: number }>(
    `SELECT m.name, (SELECT count(*)::int FROM control.tenant_migration_history h WHERE h.name = m.name) AS n
       FROM unnest($1::text[]) AS m (name)`,
    [names],
  );
  return new Map(rows.map((row) => [row.name, row.n]));
};

/**
 * Step 1 on `client`, inside the caller's transaction: the control schema, the cap, the offers; then what the
 * template holds, every tenant's history, and so every tenant's plan.
 */
async function updateControl(client: Client, options: MigrateOptions, migrations: TenantMigration[]) {
  await client.query(options.controlSql ?? readSqlFile(controlFile));
  if (options.maxTenants !== undefined) {
    await client.query("UPDATE control.settings SET max_tenants = $1", [options.maxTenants]);
  }
  const template: TemplateReport = { registered: [], held: [], orphaned: [] };
  let broken: { name: string; error: string } | undefined;
  for (const m of migrations) {
    const { rows } = await client.query<{ status: string; failed: string; error: string }>(
      "SELECT * FROM control.offer_tenant_migration($1, $2, $3)",
      [m.name, m.checksum, m.sql],
    );
    const { status, failed, error } = rows[0];
    if (status === "registered") template.registered.push(m.name);
    if (status !== "rejected") continue;
    // The offered file failed, or one registered before it: the template itself no longer builds.
    if (failed === m.name) template.rejected = { name: m.name, error };
    else broken = { name: failed, error };
    break;
  }
  if (!template.rejected && !broken) {
    // Nothing offered failed, but the template as registered must still build: a registration from before the
    // check existed, or a change outside the tenant schemas, can break it.
    const { rows } = await client.query<{ migration: string | null; error: string }>(
      "SELECT * FROM control.check_template()",
    );
    if (rows[0].migration) broken = { name: rows[0].migration, error: rows[0].error };
  }
  const { rows: registry } = await client.query<{ name: string }>("SELECT name FROM control.tenant_migrations");
  const registered = new Set(registry.map((row) => row.name));
  const files = new Set(migrations.map((m) => m.name));
  template.held = migrations.filter((m) => !registered.has(m.name)).map((m) => m.name);
  const orphans = [...registered].filter((name) => !files.has(name)).sort();
  const counts = await appliedCounts(client, [...orphans, ...(broken ? [broken.name] : [])]);
  template.orphaned = orphans.map((name) => ({ name, appliedBy: counts.get(name) ?? 0 }));
  if (broken) template.broken = { ...broken, appliedBy: counts.get(broken.name) ?? 0 };

  const { rows: fleet } = await client.query<{ slug: string; applied: Record<string, string> }>(
    `SELECT t.slug, coalesce(jsonb_object_agg(h.name, h.checksum) FILTER (WHERE h.name IS NOT NULL), '{}') AS applied
       FROM control.tenants t LEFT JOIN control.tenant_migration_history h ON h.slug = t.slug
      WHERE $1::text IS NULL OR t.slug = $1
      GROUP BY t.slug ORDER BY t.slug`,
    [options.tenant ?? null],
  );
  if (options.tenant && !fleet.length) throw new Error(`no tenant ${options.tenant}`);
  const plans = fleet.map((row) => planTenant(row.slug, migrations, row.applied, registered));
  return { template, plans };
}

/** Applies one tenant's pending migrations on `client`, one transaction each; stops at its first failure. */
async function migrateTenant(client: Client, slug: string, pending: string[], lockTimeoutMs: number) {
  const applied: string[] = [];
  for (const name of pending) {
    try {
      await client.query(`BEGIN; SET LOCAL lock_timeout = ${Math.floor(lockTimeoutMs)}; SET LOCAL ROLE ${roles.owner}`);
      const { rows } = await client.query<{ result: string }>(
        "SELECT control.apply_tenant_migration($1, $2) AS result",
        [slug, name],
      );
      await client.query("COMMIT");
      if (rows[0].result === "applied") applied.push(name);
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      const message = error instanceof Error ? error.message : String(error);
      return { applied, error: `${name}: ${message}`, failedMigration: name };
    }
  }
  return { applied };
}

/** Migrates the fleet of one database; never throws for a tenant's failure (see the outcomes). */
export async function migrateFleet(options: MigrateOptions): Promise<FleetResult> {
  const started = Date.now();
  const migrations = options.migrations ?? readTenantMigrations();
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? defaultConcurrency));
  const lockTimeoutMs = options.lockTimeoutMs ?? defaultLockTimeoutMs;
  const dryRun = Boolean(options.dryRun);

  const admin = await connected(options.connection);
  let template: TemplateReport;
  let plans: TenantPlan[];
  try {
    ({ template, plans } = await inTransaction(admin, !dryRun, () => updateControl(admin, options, migrations)));
  } finally {
    await admin.end();
  }

  const outcomes: TenantOutcome[] = [];
  const finish = (outcome: TenantOutcome) => {
    outcomes.push(outcome);
    options.onTenant?.(outcome, outcomes.length, plans.length);
  };
  const queue = [...plans];
  const worker = async () => {
    let client: Client | undefined;
    try {
      for (let plan = queue.shift(); plan; plan = queue.shift()) {
        if (plan.drift.length) {
          finish({ slug: plan.slug, status: "failed", applied: [], error: `drift: ${plan.drift.join("; ")}` });
        } else if (!plan.pending.length || dryRun) {
          const status = plan.pending.length ? "migrated" : "current";
          finish({ slug: plan.slug, status, applied: plan.pending });
        } else {
          client ??= await connected(options.connection);
          const { applied, error, failedMigration } = await migrateTenant(
            client,
            plan.slug,
            plan.pending,
            lockTimeoutMs,
          );
          const status = error ? "failed" : applied.length ? "migrated" : "current";
          finish({ slug: plan.slug, status, applied, ...(error ? { error, failedMigration } : {}) });
        }
      }
    } finally {
      await client?.end();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(plans.length, 1)) }, worker));
  outcomes.sort((a, b) => a.slug.localeCompare(b.slug));

  // Which failed migrations some tenant has (fix forward) and which none has (may change, or be withdrawn).
  const failedOn = new Map<string, string[]>();
  for (const o of outcomes)
    if (o.failedMigration) failedOn.set(o.failedMigration, [...(failedOn.get(o.failedMigration) ?? []), o.slug]);
  let failures: MigrationFailure[] = [];
  if (failedOn.size) {
    const client = await connected(options.connection);
    try {
      const counts = await appliedCounts(client, [...failedOn.keys()]);
      failures = [...failedOn]
        .sort()
        .map(([name, slugs]) => ({ name, appliedBy: counts.get(name) ?? 0, failedOn: slugs }));
    } finally {
      await client.end();
    }
  }
  return {
    database: databaseOf(options.connection),
    dryRun,
    template,
    outcomes,
    failures,
    seconds: (Date.now() - started) / 1000,
  };
}

/** Takes a migration no tenant has back out of a database's template (`db:migrate --withdraw`); throws why not. */
export async function withdrawMigration(options: Pick<MigrateOptions, "connection" | "controlSql">, name: string) {
  const client = await connected(options.connection);
  try {
    await inTransaction(client, true, async () => {
      // The control schema first: a database set up before withdrawal existed gets the function it needs.
      await client.query(options.controlSql ?? readSqlFile(controlFile));
      await client.query("SELECT control.withdraw_tenant_migration($1)", [name]);
    });
  } finally {
    await client.end();
  }
}
