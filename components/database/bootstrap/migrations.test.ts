/** Planning tenant migrations (pure): file rules, pending lists, drift, and what the runner prints. */
import {
  fleetFailed,
  migrationChecksum,
  outcomeLine,
  planTenant,
  progressBar,
  readTenantMigrations,
  recoveryLines,
  summaryLine,
  tenantMigrations,
  withdrawnDirectory,
  type TemplateReport,
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

  it("plans only registered files: one the template check held back reaches no tenant", () => {
    const registered = new Set(["0001_a.sql", "0003_c.sql"]);
    expect(planTenant("acme", files, {}, registered).pending).toEqual(["0001_a.sql", "0003_c.sql"]);
    expect(planTenant("acme", files, {}, new Set()).pending).toEqual([]);
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
    { slug: "c", status: "failed" as const, applied: [], error: "0002_b.sql: boom", failedMigration: "0002_b.sql" },
    { slug: "d", status: "migrated" as const, applied: ["0002_b.sql", "0003_c.sql"] },
  ];
  const template: TemplateReport = { registered: ["0003_c.sql"], held: [], orphaned: [] };
  const clean: TemplateReport = { registered: [], held: [], orphaned: [] };

  it("ends with one summary line: tenants, then the template", () => {
    expect(summaryLine({ outcomes, template, seconds: 12.345, dryRun: false })).toBe(
      "migrated 4 tenants: 2 applied, 1 already current, 1 failed; template: 1 registered, 0 held back in 12.3 s",
    );
  });

  it("says 'would' throughout a dry run: nothing in it claims to have applied or registered", () => {
    const line = summaryLine({ outcomes, template, seconds: 0, dryRun: true });
    expect(line).toBe(
      "would migrate 4 tenants: 2 would apply, 1 already current, 1 would fail; template: 1 would register, " +
        "0 held back in 0.0 s",
    );
    expect(line).not.toMatch(/\b(applied|registered|failed)\b/);
  });

  it("a plain line per changed or failed tenant, none for a current one; 'would apply' in a dry run", () => {
    expect(outcomes.map((o) => outcomeLine(o))).toEqual([
      "tenant a: applied 0002_b.sql",
      undefined,
      "tenant c FAILED: 0002_b.sql: boom",
      "tenant d: applied 0002_b.sql, 0003_c.sql",
    ]);
    expect(outcomes.map((o) => outcomeLine(o, true))).toEqual([
      "tenant a: would apply 0002_b.sql",
      undefined,
      "tenant c would FAIL: 0002_b.sql: boom",
      "tenant d: would apply 0002_b.sql, 0003_c.sql",
    ]);
  });

  it("fails the run (exit 1) for a failed tenant, a held-back file, a broken template or an orphaned registration", () => {
    const current = [{ slug: "a", status: "current" as const, applied: [] }];
    expect(fleetFailed({ outcomes: current, template: clean })).toBe(false);
    expect(fleetFailed({ outcomes, template: clean })).toBe(true);
    expect(fleetFailed({ outcomes: current, template: { ...clean, held: ["0002_b.sql"] } })).toBe(true);
    const broken = { name: "0002_b.sql", error: "x", appliedBy: 0 };
    expect(fleetFailed({ outcomes: current, template: { ...clean, broken } })).toBe(true);
    const orphaned = [{ name: "0002_b.sql", appliedBy: 0 }];
    expect(fleetFailed({ outcomes: current, template: { ...clean, orphaned } })).toBe(true);
  });

  it("a progress bar for a terminal", () => {
    expect(progressBar(5, 10, 0, 10)).toBe("[#####.....] 5/10 tenants");
    expect(progressBar(10, 10, 2, 10)).toBe("[##########] 10/10 tenants, 2 failed");
    expect(progressBar(0, 0, 0, 4)).toBe("[####] 0/0 tenants");
  });
});

describe("the recovery each problem names", () => {
  it("points at the folder withdrawn migrations are kept in", () => {
    expect(withdrawnDirectory.endsWith("components/database/bootstrap/tenant-migrations/withdrawn")).toBe(true);
  });

  const database = "qualisys_master";
  const text = (result: Partial<Parameters<typeof recoveryLines>[0]>) =>
    recoveryLines({ database, template: { registered: [], held: [], orphaned: [] }, failures: [], ...result }).join(
      "\n",
    );
  const withdraw = (name: string) => `npm run db:migrate -- --url <admin URL of qualisys_master> --withdraw ${name}`;

  it("nothing when nothing is wrong", () => {
    expect(text({})).toBe("");
  });

  it("a file the template check rejected: not registered, sign-ups unaffected, fix or withdraw it; later files wait", () => {
    const out = text({
      template: {
        registered: [],
        rejected: { name: "0002_typo.sql", error: 'relation "projets" does not exist' },
        held: ["0002_typo.sql", "0003_next.sql"],
        orphaned: [],
      },
    });
    expect(out).toMatch(/^0002_typo\.sql was not registered: .*relation "projets" does not exist/);
    expect(out).toContain("sign-ups keep working");
    expect(out).toContain("Before it lands, fix the file;");
    expect(out).toContain("once landed, move it to components/database/bootstrap/tenant-migrations/withdrawn/");
    expect(out).toContain("Waiting for it (not registered either): 0003_next.sql.");
    expect(out).not.toContain("--withdraw");
  });

  it("a migration that failed on every tenant that tried it and that no tenant has: the withdraw command", () => {
    const out = text({ failures: [{ name: "0002_x.sql", appliedBy: 0, failedOn: ["a", "b"] }] });
    expect(out).toMatch(/^0002_x\.sql failed on every tenant that tried it \(a, b\) and no tenant has it\./);
    expect(out).toContain(withdraw("0002_x.sql"));
    expect(out).toContain("then move the file to components/database/bootstrap/tenant-migrations/withdrawn/");
  });

  it("a partly applied migration: never withdrawn, the forward fix with the exact re-run command", () => {
    const one = text({ failures: [{ name: "0002_x.sql", appliedBy: 3, failedOn: ["charlie"] }] });
    expect(one).toMatch(/^0002_x\.sql failed on 1 tenant\(s\) \(charlie\); 3 tenant\(s\) have it\./);
    expect(one).toContain("never edit, delete or withdraw it");
    expect(one).toContain("npm run db:migrate -- --url <admin URL of qualisys_master> --tenant charlie");
    expect(one).toContain("add a new migration after it");
    expect(one).not.toContain("--withdraw");
    const many = text({
      failures: [{ name: "0002_x.sql", appliedBy: 1, failedOn: ["a", "b", "c", "d", "e", "f", "g"] }],
    });
    expect(many).toContain("(a, b, c, d, e, … (7 in all))");
    expect(many).toMatch(/npm run db:migrate -- --url <admin URL of qualisys_master>$/m);
  });

  it("a broken registration no tenant has (the poisoned template): create_tenant keeps working, withdraw it", () => {
    const out = text({
      template: {
        registered: [],
        broken: { name: "0002_typo.sql", error: 'relation "projets" does not exist', appliedBy: 0 },
        held: [],
        orphaned: [{ name: "0002_typo.sql", appliedBy: 0 }],
      },
    });
    expect(out).toMatch(/^0002_typo\.sql is registered and its file is gone, but a new tenant built from/);
    expect(out).toContain("create_tenant gives new tenants the migrations before it");
    expect(out).toContain(withdraw("0002_typo.sql"));
    // One paragraph for the one migration, not a second one for its missing file.
    expect(out.match(/0002_typo\.sql/g)).toHaveLength(2);
  });

  it("a registration whose file is gone: withdraw it if no tenant has it, restore the file if any does", () => {
    const none = text({ template: { registered: [], held: [], orphaned: [{ name: "0002_a.sql", appliedBy: 0 }] } });
    expect(none).toContain(withdraw("0002_a.sql"));
    const some = text({ template: { registered: [], held: [], orphaned: [{ name: "0002_a.sql", appliedBy: 2 }] } });
    expect(some).toMatch(
      /^0002_a\.sql is registered and 2 tenant\(s\) have it, but its file is gone\. Restore the file/,
    );
    expect(some).not.toContain("--withdraw");
  });
});
