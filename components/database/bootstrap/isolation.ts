/**
 * An isolation probe for a whole fleet (SPEC D3), as the application role sees it: for each pair of tenants, with
 * the first selected, every table of the second must read empty, refuse an insert, and update or delete nothing;
 * with no tenant selected, every table reads empty. Each probe runs in a transaction that is rolled back, so the
 * fleet is unchanged. Used by the tests on fleets that went through failed and recovered migrations, and by the
 * benchmark on its 1,000 tenants. Meaningful only when the probed tenants hold rows (callers seed one each).
 */
import type { Client } from "pg";

export interface IsolationReport {
  /** Probes run (reads, inserts, updates, deletes, and reads with no tenant). */
  checks: number;
  /** What crossed a tenant boundary, e.g. "test_1 read 1 row(s) of tenant_test_2.projects". */
  breaches: string[];
}

const quoted = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/** The tables of a tenant's schema, as the application role can list them, each with a column it may write. */
async function tablesOf(app: Client, slug: string): Promise<{ table: string; column: string }[]> {
  const { rows } = await app.query<{ table: string; column: string }>(
    `SELECT DISTINCT ON (table_name) table_name AS table, column_name AS column
       FROM information_schema.columns
      WHERE table_schema = $1 AND is_identity = 'NO' AND is_generated = 'NEVER'
      ORDER BY table_name, ordinal_position`,
    [`tenant_${slug}`],
  );
  return rows;
}

/** Runs `sql` in a savepoint: its row count (a count(*) query: the count), or the SQLSTATE it was refused with. */
async function attempt(app: Client, sql: string): Promise<number | string> {
  await app.query("SAVEPOINT probe");
  try {
    const { rowCount, rows } = await app.query(sql);
    await app.query("RELEASE SAVEPOINT probe");
    return sql.startsWith("SELECT count") ? Number(rows[0].n) : (rowCount ?? 0);
  } catch (error) {
    await app.query("ROLLBACK TO SAVEPOINT probe");
    return (error as { code?: string }).code ?? "error";
  }
}

/**
 * Probes every ordered pair in `pairs` (default: each tenant against every other) on `app`, a connection as the
 * application role. Inserts use the target's own slug in the tenant column, so only the policy can refuse them.
 */
export async function isolationBreaches(
  app: Client,
  slugs: string[],
  pairs: [string, string][] = slugs.flatMap((a) => slugs.filter((b) => b !== a).map((b): [string, string] => [a, b])),
): Promise<IsolationReport> {
  const report: IsolationReport = { checks: 0, breaches: [] };
  const tables = new Map<string, { table: string; column: string }[]>();
  for (const slug of slugs) tables.set(slug, await tablesOf(app, slug));
  // Row-level security filters reads, updates and deletes silently (0 rows) and refuses an insert with 42501;
  // anything else — rows, or another error that hides what would have happened — counts against the fleet.
  const judge = (who: string, did: string, relation: string, outcome: number | string, refused?: string) => {
    report.checks++;
    if (outcome === refused || outcome === 0) return;
    report.breaches.push(
      typeof outcome === "number"
        ? `${who} ${did} ${outcome} row(s) of ${relation}`
        : `${who} ${did} ${relation}: ${outcome}`,
    );
  };
  const probeAs = async (selected: string | undefined, target: string) => {
    const schema = quoted(`tenant_${target}`);
    const who = selected ?? "no tenant";
    await app.query("BEGIN");
    try {
      if (selected) await app.query("SELECT set_config('app.current_tenant', $1, true)", [selected]);
      for (const { table, column } of tables.get(target) ?? []) {
        const relation = `${schema}.${quoted(table)}`;
        judge(who, "read", relation, await attempt(app, `SELECT count(*) AS n FROM ${relation}`));
        if (!selected) continue;
        const set = `${quoted(column)} = ${quoted(column)}`;
        judge(who, "updated", relation, await attempt(app, `UPDATE ${relation} SET ${set}`));
        judge(who, "deleted", relation, await attempt(app, `DELETE FROM ${relation}`));
      }
      if (selected && tables.get(target)?.some((t) => t.table === "projects")) {
        const insert = `INSERT INTO ${schema}.projects (tenant, name) VALUES ('${target}', 'isolation probe')`;
        judge(who, "inserted into", `${schema}.projects`, await attempt(app, insert), "42501");
      }
    } finally {
      await app.query("ROLLBACK");
    }
  };
  for (const [selected, target] of pairs) await probeAs(selected, target);
  for (const slug of slugs) await probeAs(undefined, slug);
  return report;
}
