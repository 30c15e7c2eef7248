/**
 * The fleet runner (SPEC D6): brings every tenant of one database to the registered migrations. One code path
 * for `npm run db:migrate`, the bootstrap (./apply, so db:local and the tests) and the in-cluster Job (./job).
 *
 * 1. Control first, in one transaction: the control schema (sql/10-database.sql, idempotent) and the
 *    registration of every migration file (text + checksum), so create_tenant can give new tenants all of them.
 * 2. Per tenant, pending migrations in order, each in its own transaction with a lock timeout, through
 *    control.apply_tenant_migration (which re-checks the history under a per-tenant lock, so overlapping runners
 *    apply each migration once). A failure rolls back that tenant's migration, is reported, and the tenant's later
 *    migrations wait; the other tenants go on. A re-run resumes from the history.
 */
import { Client, type ClientConfig } from "pg";
import {
  planTenant,
  readTenantMigrations,
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
  /** Plan only: report what would be applied, change nothing. */
  dryRun?: boolean;
  /** Default: ./tenant-migrations. */
  migrations?: TenantMigration[];
  /** The control schema's SQL. Default: sql/10-database.sql. */
  controlSql?: string;
  /** How long one migration may wait for a lock before it fails (its tenant is retried by the next run). */
  lockTimeoutMs?: number;
  /** Called once per tenant as it finishes (progress). */
  onTenant?: (outcome: TenantOutcome, done: number, total: number) => void;
}

/**
 * A db.t3.medium has 2 vCPUs: tenant DDL is CPU- and WAL-bound on the server, so more than a few sessions only
 * queue; four keep both cores busy across client round trips (see the figures in docs/data-tier.md), and leave the 200
 * connections (max_connections) to the application.
 */
export const defaultConcurrency = 4;
export const defaultLockTimeoutMs = 5_000;

export interface FleetResult {
  outcomes: TenantOutcome[];
  seconds: number;
}

const registerSql = "SELECT control.register_tenant_migration($1, $2, $3)";

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

/** Control schema + registration, in one transaction (a drifted file fails it, before any tenant is touched). */
async function updateControl(client: Client, controlSql: string, migrations: TenantMigration[]): Promise<void> {
  await client.query("BEGIN");
  try {
    await client.query(controlSql);
    for (const m of migrations) await client.query(registerSql, [m.name, m.checksum, m.sql]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
}

/** slug → (migration name → checksum applied), for every tenant (or one). */
async function histories(client: Client, tenant?: string): Promise<Map<string, Record<string, string>>> {
  const { rows } = await client.query<{ slug: string; applied: Record<string, string> }>(
    `SELECT t.slug, coalesce(jsonb_object_agg(h.name, h.checksum) FILTER (WHERE h.name IS NOT NULL), '{}') AS applied
       FROM control.tenants t LEFT JOIN control.tenant_migration_history h ON h.slug = t.slug
      WHERE $1::text IS NULL OR t.slug = $1
      GROUP BY t.slug ORDER BY t.slug`,
    [tenant ?? null],
  );
  return new Map(rows.map((row) => [row.slug, row.applied]));
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
      return { applied, error: `${name}: ${message}` };
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

  const admin = await connected(options.connection);
  let plans: TenantPlan[];
  try {
    if (!options.dryRun) await updateControl(admin, options.controlSql ?? readSqlFile(controlFile), migrations);
    const fleet = await histories(admin, options.tenant);
    if (options.tenant && !fleet.has(options.tenant)) throw new Error(`no tenant ${options.tenant}`);
    plans = [...fleet].map(([slug, applied]) => planTenant(slug, migrations, applied));
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
        } else if (!plan.pending.length || options.dryRun) {
          const status = plan.pending.length ? "migrated" : "current";
          finish({ slug: plan.slug, status, applied: plan.pending });
        } else {
          client ??= await connected(options.connection);
          const { applied, error } = await migrateTenant(client, plan.slug, plan.pending, lockTimeoutMs);
          const status = error ? "failed" : applied.length ? "migrated" : "current";
          finish({ slug: plan.slug, status, applied, ...(error ? { error } : {}) });
        }
      }
    } finally {
      await client?.end();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(plans.length, 1)) }, worker));
  outcomes.sort((a, b) => a.slug.localeCompare(b.slug));
  return { outcomes, seconds: (Date.now() - started) / 1000 };
}
