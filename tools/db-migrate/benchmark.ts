/**
 * `npm run db:migrate:benchmark [-- --tenants 1000]`: how fast the fleet runner migrates, on a throw-away embedded
 * PostgreSQL (a benchmark, not a timed test: figures depend on the machine). Creates N tenants through
 * create_tenant as app_user, then migrates all of them with one new migration at concurrency 1, and with another
 * at concurrency 4, and prints tenants/s for each. The figures in docs/data-tier.md come from here.
 */
import { Client } from "pg";
import { applyBootstrap } from "../../components/database/bootstrap/apply";
import { migrateFleet } from "../../components/database/bootstrap/migrate";
import { readTenantMigrations, tenantMigrations } from "../../components/database/bootstrap/migrations";
import { databases, roles } from "../../components/database/bootstrap/plan";
import { freePort, startServer } from "../local-db/server";

const count = Number(process.argv[process.argv.indexOf("--tenants") + 1]) || 1000;
const rate = (n: number, seconds: number) => `${seconds.toFixed(1)} s, ${(n / seconds).toFixed(0)} tenants/s`;

/** A migration of the usual kind: a column and an index on a table every tenant has. */
const migration = (n: number) => ({
  [`${String(n).padStart(4, "0")}_benchmark_${n}.sql`]:
    `ALTER TABLE test_runs ADD COLUMN benchmark_${n} integer;\n` +
    `CREATE INDEX test_runs_benchmark_${n} ON test_runs (benchmark_${n});\n`,
});

async function main() {
  const server = await startServer({ port: await freePort() });
  try {
    await applyBootstrap({ connection: server.connection, passwords: { app: "BenchmarkPassword1" } });
    const app = new Client({
      ...server.connection,
      database: databases.master,
      user: roles.app,
      password: "BenchmarkPassword1",
    });
    await app.connect();
    let started = Date.now();
    for (let i = 0; i < count; i++) await app.query("SELECT control.create_tenant($1)", [`bench_${i}`]);
    await app.end();
    console.log(`created ${count} tenants with create_tenant: ${rate(count, (Date.now() - started) / 1000)}`);

    const files = Object.fromEntries(readTenantMigrations().map((m) => [m.name, m.sql]));
    for (const [index, concurrency] of [1, 4].entries()) {
      Object.assign(files, migration(9000 + index));
      started = Date.now();
      const { outcomes } = await migrateFleet({
        connection: { ...server.connection, database: databases.master },
        migrations: tenantMigrations(files),
        concurrency,
      });
      const migrated = outcomes.filter((o) => o.status === "migrated").length;
      if (migrated !== count) throw new Error(`expected ${count} migrated tenants, got ${migrated}`);
      console.log(
        `migrated ${count} tenants at concurrency ${concurrency}: ${rate(count, (Date.now() - started) / 1000)}`,
      );
    }
  } finally {
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
