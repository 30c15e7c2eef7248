/** Planning tenant migrations (pure): file rules, pending lists, drift, and what the runner prints. */
import {
  migrationChecksum,
  outcomeLine,
  planTenant,
  progressBar,
  readTenantMigrations,
  summaryLine,
  tenantMigrations,
} from "./migrations";

const files = tenantMigrations({
  "0002_b.sql": "ALTER TABLE t ADD b int;",
  "0001_a.sql": "CREATE TABLE t (a int);",
  "0003_c.sql": "CREATE INDEX t_b ON t (b);",
});
const sum = (name: string) => files.find((f) => f.name === name)!.checksum;

describe("tenant migration files", () => {
  it("are ordered by number and carry the sha256 of their text", () => {
    expect(files.map((f) => f.name)).toEqual(["0001_a.sql", "0002_b.sql", "0003_c.sql"]);
    expect(sum("0001_a.sql")).toBe(migrationChecksum("CREATE TABLE t (a int);"));
    expect(sum("0001_a.sql")).toMatch(/^[0-9a-f]{64}$/);
    expect(migrationChecksum("CREATE TABLE t (a int); ")).not.toBe(sum("0001_a.sql"));
  });

  it.each([["1_a.sql"], ["0001-a.sql"], ["0001_A.sql"], ["0001_a.txt"], ["0001_.sql"]])(
    "refuse the name %s",
    (name) => {
      expect(() => tenantMigrations({ [name]: "SELECT 1" })).toThrow(/must be named NNNN_/);
    },
  );

  it("refuse two files with one number", () => {
    expect(() => tenantMigrations({ "0001_a.sql": "", "0001_b.sql": "" })).toThrow(/share a number: 0001_b.sql/);
  });

  it("in the repository start with today's template and follow the rules", () => {
    const shipped = readTenantMigrations();
    expect(shipped[0].name).toBe("0001_template.sql");
    expect(shipped[0].sql).toContain("CREATE TABLE IF NOT EXISTS projects");
    // Schema-unqualified: the runner puts the tenant's schema on search_path.
    for (const m of shipped) expect(m.sql).not.toMatch(/\btenant_\w+\./);
  });
});

describe("planTenant", () => {
  it("gives a new tenant everything, in order", () => {
    expect(planTenant("acme", files, {})).toEqual({
      slug: "acme",
      pending: ["0001_a.sql", "0002_b.sql", "0003_c.sql"],
      drift: [],
    });
  });

  it("gives a tenant only what it lacks, and nothing to a current one", () => {
    const applied = { "0001_a.sql": sum("0001_a.sql") };
    expect(planTenant("acme", files, applied).pending).toEqual(["0002_b.sql", "0003_c.sql"]);
    const all = Object.fromEntries(files.map((f) => [f.name, f.checksum]));
    expect(planTenant("acme", files, all)).toEqual({ slug: "acme", pending: [], drift: [] });
  });

  it("reports an edited or vanished applied file as drift and plans nothing for that tenant", () => {
    const applied = { "0001_a.sql": "0".repeat(64), "0000_old.sql": "1".repeat(64) };
    expect(planTenant("acme", files, applied)).toEqual({
      slug: "acme",
      pending: [],
      drift: [
        "0000_old.sql was applied but its file is gone",
        "0001_a.sql was edited after it was applied (checksum differs)",
      ],
    });
  });
});

describe("what the runner prints", () => {
  const outcomes = [
    { slug: "a", status: "migrated" as const, applied: ["0002_b.sql"] },
    { slug: "b", status: "current" as const, applied: [] },
    { slug: "c", status: "failed" as const, applied: [], error: "0002_b.sql: boom" },
    { slug: "d", status: "migrated" as const, applied: ["0002_b.sql", "0003_c.sql"] },
  ];

  it("ends with one summary line", () => {
    expect(summaryLine(outcomes, 12.345)).toBe("migrated 4 tenants: 2 applied, 1 already current, 1 failed in 12.3 s");
    expect(summaryLine([], 0, true)).toBe("would migrate 0 tenants: 0 applied, 0 already current, 0 failed in 0.0 s");
  });

  it("a plain line per changed or failed tenant, none for a current one", () => {
    expect(outcomes.map(outcomeLine)).toEqual([
      "tenant a: applied 0002_b.sql",
      undefined,
      "tenant c FAILED: 0002_b.sql: boom",
      "tenant d: applied 0002_b.sql, 0003_c.sql",
    ]);
  });

  it("a progress bar for a terminal", () => {
    expect(progressBar(5, 10, 0, 10)).toBe("[#####.....] 5/10 tenants");
    expect(progressBar(10, 10, 2, 10)).toBe("[##########] 10/10 tenants, 2 failed");
    expect(progressBar(0, 0, 0, 4)).toBe("[####] 0/0 tenants");
  });
});
