/**
 * `npm run db:migrate:benchmark [-- --tenants 1000]`: how fast the fleet runner migrates, on a throw-away embedded
 * PostgreSQL (a benchmark, not a timed test: figures depend on the machine). Creates N tenants through
 * create_tenant as app_user, then migrates all of them with one new migration at concurrency 1, and with another
 * at concurrency 4, and prints tenants/s for each; then probes isolation on a sample of the migrated fleet (each
 * tenant against the next) and prints the whole run's time. docs/migrations.md's figures come from here.
 */
import { Client } from "pg";
import { applyBootstrap } from "../../components/database/bootstrap/apply";
import { isolationBreaches } from "../../components/database/bootstrap/isolation";
import { migrateFleet } from "../../components/database/bootstrap/migrate";
import { fleetFailed, readTenantMigrations, tenantMigrations } from "../../components/database/bootstrap/migrations";
import { databases, roles } from "../../components/database/bootstrap/plan";
import { freePort, startServer } from "../local-db/server";

const count = Number(process.argv[process.argv.indexOf("--tenants") + 1]) || 1000;
const rate = (n: number, seconds: number) => `${seconds.toFixed(1)} s, ${(n / seconds).toFixed(0)} tenants/s`;
/** Tenants whose isolation is probed against their neighbour (every pair of 1,000 would take minutes). */
const probed = 100;

/** A migration of the usual kind: a column and an index on a table every tenant has. */
const migration = (n: number) => ({
  [`${String(n).padStart(4, "0")}_benchmark_${n}.sql`]:
    `ALTER TABLE test_runs ADD COLUMN benchmark_${n} integer;\n` +
    `CREATE INDEX test_runs_benchmark_${n} ON test_runs (benchmark_${n});\n`,
});

async function main() {
  const begun = Date.now();
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
    const slugs = Array.from({ length: count }, (_, i) => `bench_${i}`);
    let started = Date.now();
    for (const slug of slugs) await app.query("SELECT control.create_tenant($1)", [slug]);
    console.log(`created ${count} tenants with create_tenant: ${rate(count, (Date.now() - started) / 1000)}`);

    const files = Object.fromEntries(readTenantMigrations().map((m) => [m.name, m.sql]));
    for (const [index, concurrency] of [1, 4].entries()) {
      Object.assign(files, migration(9000 + index));
      started = Date.now();
      const result = await migrateFleet({
        connection: { ...server.connection, database: databases.master },
        migrations: tenantMigrations(files),
        concurrency,
      });
      const migrated = result.outcomes.filter((o) => o.status === "migrated").length;
      if (migrated !== count || fleetFailed(result))
        throw new Error(`expected ${count} migrated tenants, got ${migrated}`);
      console.log(
        `migrated ${count} tenants at concurrency ${concurrency}: ${rate(count, (Date.now() - started) / 1000)}`,
      );
    }

    // One row per probed tenant, so a read or write across the boundary would have something to find.
    const sample = slugs.slice(0, Math.min(probed, count));
    for (const slug of sample) {
      await app.query("BEGIN");
      await app.query("SELECT set_config('app.current_tenant', $1, true)", [slug]);
      await app.query(`INSERT INTO tenant_${slug}.projects (name) VALUES ('benchmark')`);
      await app.query("COMMIT");
    }
    started = Date.now();
    const pairs = sample.map((slug, i): [string, string] => [slug, sample[(i + 1) % sample.length]]);
    const { checks, breaches } = await isolationBreaches(app, sample, pairs);
    await app.end();
    console.log(
      `isolation on the migrated fleet (${sample.length} tenants, each against the next): ${breaches.length} ` +
        `breaches in ${checks} checks (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    for (const breach of breaches) console.log(`  ${breach}`);
  } finally {
    await server.stop();
  }
  console.log(`whole benchmark: ${((Date.now() - begun) / 1000).toFixed(1)} s`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
