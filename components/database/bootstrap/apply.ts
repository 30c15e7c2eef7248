/**
 * Applies the bootstrap plan with node-postgres: in the cluster's Job (./job, bundled), in the tests and for the
 * local database (tools/local-db). One code path: the tenant steps are the fleet runner `npm run db:migrate` uses.
 */
import { Client, type ClientConfig } from "pg";
import { connected, migrateFleet } from "./migrate";
import { fleetFailed, outcomeLine, recoveryLines, summaryLine } from "./migrations";
import { bootstrapPlan, createDatabaseSql, lockKey, passwordSettings, type Step } from "./plan";

export interface ApplyOptions {
  /** How to reach the server as the master user; `database` is replaced per step. */
  connection: Omit<ClientConfig, "database">;
  /** Passwords to set for app_user and monitor (alphanumeric); omitted ones are left unchanged. */
  passwords?: { app?: string; monitor?: string };
  /** The plan to apply. Default: the full bootstrap. */
  plan?: Step[];
  /** Progress messages. Default: silent. */
  log?: (message: string) => void;
  /** Tenants migrated at once (see ./migrate). */
  concurrency?: number;
  /** The tenant cap of each application database (database.maxTenants). Default: leave it as it is. */
  maxTenants?: number;
}

async function withClient<T>(config: ClientConfig, run: (client: Client) => Promise<T>): Promise<T> {
  const client = await connected(config);
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Applies the bootstrap; safe to call again and concurrently. */
export async function applyBootstrap(options: ApplyOptions): Promise<void> {
  const plan = options.plan ?? bootstrapPlan();
  const log = options.log ?? (() => undefined);
  const passwords = options.passwords ?? {};
  for (const value of [passwords.app, passwords.monitor]) {
    if (value !== undefined && !/^[A-Za-z0-9]+$/.test(value)) throw new Error("role passwords must be alphanumeric");
  }
  const settings = [
    passwords.app ? `-c ${passwordSettings.app}=${passwords.app}` : "",
    passwords.monitor ? `-c ${passwordSettings.monitor}=${passwords.monitor}` : "",
  ]
    .filter(Boolean)
    .join(" ");
  const config = (database: string): ClientConfig => ({
    ...options.connection,
    database,
    ...(settings ? { options: settings } : {}),
  });

  const creates = plan.filter((s) => s.kind === "create-database");
  for (const step of plan) {
    if (step.kind === "sql") {
      log(`applying ${step.file} to ${step.database}`);
      await withClient(config(step.database), async (client) => {
        await client.query("BEGIN");
        try {
          await client.query(step.sql);
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          throw error;
        }
      });
    } else if (step.kind === "tenants") {
      log(`migrating the tenants of ${step.database} (${step.migrations.length} migrations)`);
      const result = await migrateFleet({
        connection: { ...options.connection, database: step.database },
        controlSql: step.sql,
        migrations: step.migrations,
        concurrency: options.concurrency,
        maxTenants: options.maxTenants,
        onTenant: (outcome) => {
          const line = outcomeLine(outcome);
          if (line) log(line);
        },
      });
      for (const line of recoveryLines(result)) log(line);
      log(summaryLine(result));
      if (fleetFailed(result)) throw new Error(`the tenants of ${step.database} are not all current (see above)`);
    } else if (step === creates[0]) {
      log(`creating databases ${creates.map((c) => c.database).join(", ")} if missing`);
      await withClient(config("postgres"), async (client) => {
        await client.query("SELECT pg_advisory_lock(hashtext($1))", [lockKey]);
        try {
          for (const create of creates) {
            const sql = createDatabaseSql(create.database);
            if ((await client.query(sql.check)).rowCount === 0) await client.query(sql.create);
          }
        } finally {
          await client.query("SELECT pg_advisory_unlock(hashtext($1))", [lockKey]);
        }
      });
    }
  }
}
