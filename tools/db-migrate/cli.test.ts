/** `npm run db:migrate`: its arguments (pure), and the real command against a real PostgreSQL (SPEC D6). */
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { applyBootstrap } from "../../components/database/bootstrap/apply";
import { defaultConcurrency } from "../../components/database/bootstrap/migrate";
import { isolationBreaches } from "../../components/database/bootstrap/isolation";
import { tenantMigrations, tenantMigrationsDirectory } from "../../components/database/bootstrap/migrations";
import { databases } from "../../components/database/bootstrap/plan";
import { projectRoot } from "../../offline/run";
import { freePort, startServer, type LocalServer } from "../local-db/server";
import { parseMigrateArgs } from "./args";

const url = "postgresql://admin:pw@127.0.0.1:5432/qualisys_master";

describe("db:migrate arguments", () => {
  it("need only --url; concurrency defaults to the db.t3.medium size", () => {
    expect(parseMigrateArgs(["--url", url])).toEqual({ url, concurrency: defaultConcurrency, dryRun: false });
    expect(
      parseMigrateArgs(["--url", url, "--concurrency", "8", "--tenant", "acme", "--dry-run", "--migrations", "/m"]),
    ).toEqual({ url, concurrency: 8, tenant: "acme", dryRun: true, migrations: "/m" });
    expect(parseMigrateArgs(["--url", url, "--withdraw", "0002_typo.sql"])).toMatchObject({
      withdraw: "0002_typo.sql",
    });
  });

  it.each([
    [[], /--url is required/],
    [["--url"], /--url needs a value/],
    [["--url", "not a url"], /not a URL/],
    [["--url", "mysql://h/db"], /postgresql:\/\//],
    [["--url", "postgresql://h:5432"], /must name the database/],
    [["--url", url, "--concurrency", "0"], /1 to 99/],
    [["--url", url, "--concurrency", "four"], /1 to 99/],
    [["--url", url, "--tenant", "--dry-run"], /--tenant needs a value/],
    [["--url", url, "--force"], /unknown argument --force/],
    [["--url", url, "--withdraw", "typo"], /--withdraw takes a migration file name, not typo/],
    [["--url", url, "--withdraw", "0002_x.sql", "--dry-run"], /takes no --dry-run or --tenant/],
  ])("refuse %j", (argv, message) => {
    expect(parseMigrateArgs(argv as string[])).toEqual({ error: expect.stringMatching(message) });
  });
});

describe("npm run db:migrate against a real PostgreSQL", () => {
  let server: LocalServer;
  let adminUrl: string;
  let migrations: string;

  const run = (...args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [join(projectRoot, "tools/run-ts.js"), "tools/db-migrate/cli.ts", ...args],
        { cwd: projectRoot },
        (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    server = await startServer({ port: await freePort() });
    const password = "CliTestPassword1";
    await applyBootstrap({ connection: server.connection, passwords: { app: password } });
    const { user, password: adminPassword, port } = server.connection;
    adminUrl = `postgresql://${user}:${adminPassword}@127.0.0.1:${port}/${databases.test}`;
    migrations = mkdtempSync(join(tmpdir(), "qualisys-migrations-"));
    cpSync(tenantMigrationsDirectory, migrations, { recursive: true });
    // A migration that fails for test_2 only: it has a project the new constraint forbids.
    const app = new Client({ ...server.connection, database: databases.test, user: "app_user", password });
    await app.connect();
    await app.query("BEGIN");
    await app.query("SELECT set_config('app.current_tenant', 'test_2', true)");
    await app.query("INSERT INTO tenant_test_2.projects (name) VALUES ('x')");
    await app.query("COMMIT");
    await app.end();
    writeFileSync(
      join(migrations, "0002_long_names.sql"),
      "ALTER TABLE projects ADD CONSTRAINT projects_name_long CHECK (length(name) > 1);\n",
    );
  }, 60_000);
  afterAll(async () => {
    rmSync(migrations, { recursive: true, force: true });
    await server?.stop();
  });

  it("exits 2 on bad usage, touching nothing", async () => {
    const { code, stderr } = await run("--concurrency", "2");
    expect(code).toBe(2);
    expect(stderr).toContain("usage: npm run db:migrate");
  });

  it("--dry-run says per tenant what a real run would do, with 'would' throughout, and changes nothing", async () => {
    const { code, stdout, stderr } = await run("--url", adminUrl, "--migrations", migrations, "--dry-run");
    expect(stdout.trim()).toMatch(
      /^would migrate 3 tenants: 3 would apply, 0 already current, 0 would fail; template: 1 would register, 0 held back in [\d.]+ s$/,
    );
    expect(stderr.trim().split("\n")).toEqual(
      ["test_1", "test_2", "test_3"].map((slug) => `tenant ${slug}: would apply 0002_long_names.sql`),
    );
    expect(code).toBe(0);
    const again = await run("--url", adminUrl, "--migrations", migrations, "--dry-run");
    expect(again.stdout).toMatch(/template: 1 would register/);
  });

  it("reports a failing tenant with its error and the forward fix, migrates the others, and exits 1", async () => {
    const first = await run("--url", adminUrl, "--migrations", migrations, "--concurrency", "2");
    expect(first.stdout.trim()).toMatch(
      /^migrated 3 tenants: 2 applied, 0 already current, 1 failed; template: 1 registered, 0 held back in [\d.]+ s$/,
    );
    expect(first.stderr).toMatch(/tenant test_2 FAILED: 0002_long_names\.sql: .*projects_name_long/);
    expect(first.stderr).toContain("tenant test_1: applied 0002_long_names.sql");
    expect(first.stderr).toContain("0002_long_names.sql failed on 1 tenant(s) (test_2); 2 tenant(s) have it.");
    expect(first.stderr).toContain("npm run db:migrate -- --url <admin URL of qualisys_test> --tenant test_2");
    expect(first.code).toBe(1);
    const one = await run("--url", adminUrl, "--migrations", migrations, "--tenant", "test_1");
    expect(one.stdout).toMatch(/^migrated 1 tenants: 0 applied, 1 already current, 0 failed/);
    expect(one.code).toBe(0);
  });

  describe("the poisoned template of issue 25, end to end with the commands a user types (qualisys_master)", () => {
    const password = "CliTestPassword1";
    let masterUrl: string;
    let files: string;
    let app: Client;
    const warnings: string[] = [];
    const typo = "ALTER TABLE projets ADD COLUMN archived boolean;\n";
    const master = async (sql: string, params: unknown[] = []) => {
      const client = new Client({ ...server.connection, database: databases.master });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows;
      } finally {
        await client.end();
      }
    };
    const historyOf = async (slug: string) =>
      (await master("SELECT name FROM control.tenant_migration_history WHERE slug = $1 ORDER BY 1", [slug])).map(
        (row) => row.name,
      );
    /** A sign-up as the application makes it, with a row of its own so the isolation probe has something to see. */
    const signUp = async (slug: string) => {
      warnings.length = 0;
      await app.query("SELECT control.create_tenant($1)", [slug]);
      await app.query("BEGIN");
      await app.query("SELECT set_config('app.current_tenant', $1, true)", [slug]);
      await app.query(`INSERT INTO tenant_${slug}.projects (name) VALUES ($1)`, [`${slug} project`]);
      await app.query("COMMIT");
      return [...warnings];
    };

    beforeAll(async () => {
      const { user, password: adminPassword, port } = server.connection;
      masterUrl = `postgresql://${user}:${adminPassword}@127.0.0.1:${port}/${databases.master}`;
      files = mkdtempSync(join(tmpdir(), "qualisys-migrations-"));
      cpSync(tenantMigrationsDirectory, files, { recursive: true });
      app = new Client({ ...server.connection, database: databases.master, user: "app_user", password });
      app.on("notice", (notice) => {
        if (notice.severity === "WARNING") warnings.push(notice.message ?? "");
      });
      await app.connect();
      for (const slug of ["alpha", "bravo", "charlie"]) await signUp(slug);
    });
    afterAll(async () => {
      await app?.end();
      rmSync(files, { recursive: true, force: true });
    });

    it("a typo'd migration is held back, exit 1, and sign-ups keep working while it sits in the directory", async () => {
      writeFileSync(join(files, "0002_typo.sql"), typo);
      const { code, stdout, stderr } = await run("--url", masterUrl, "--migrations", files);
      expect(stdout.trim()).toMatch(
        /^migrated 3 tenants: 0 applied, 3 already current, 0 failed; template: 0 registered, 1 held back in /,
      );
      expect(stderr).toContain(
        '0002_typo.sql was not registered: a new tenant built from the template fails on it with: relation "projets" does not exist',
      );
      expect(code).toBe(1);
      expect(await signUp("newco")).toEqual([]);
      expect(await historyOf("newco")).toEqual(["0001_template.sql"]);
    });

    it("a template the earlier runner poisoned: sign-ups still work (warned), and deleting the file is not a silent success", async () => {
      // What the earlier runner did: register every file before any tenant tried it.
      const [poison] = tenantMigrations({ "0002_typo.sql": typo });
      await master("INSERT INTO control.tenant_migrations (name, checksum, sql) VALUES ($1, $2, $3)", [
        poison.name,
        poison.checksum,
        poison.sql,
      ]);
      expect(await signUp("acme")).toEqual([
        'tenant acme was created without 0002_typo.sql and the migrations after it: relation "projets" does not exist',
      ]);
      rmSync(join(files, "0002_typo.sql"));
      const { code, stdout, stderr } = await run("--url", masterUrl, "--migrations", files);
      expect(stdout).toMatch(/^migrated 5 tenants: 0 applied, 5 already current, 0 failed; template: 0 registered/);
      expect(stderr).toContain(
        "0002_typo.sql is registered and its file is gone, but a new tenant built from the template fails on it",
      );
      expect(code).toBe(1);
    });

    it("recovers with the command db:migrate names; then a corrected migration reaches every tenant, with 0 isolation breaches", async () => {
      const report = await run("--url", masterUrl, "--migrations", files);
      const named = /^ {2}npm run db:migrate -- --url <admin URL of qualisys_master> --withdraw (\S+)$/m.exec(
        report.stderr,
      );
      expect(named?.[1]).toBe("0002_typo.sql");
      const before = await master("SELECT slug, name FROM control.tenant_migration_history ORDER BY 1, 2");
      const withdrawn = await run("--url", masterUrl, "--withdraw", named![1]);
      expect(withdrawn.stdout.trim()).toBe(
        "withdrew 0002_typo.sql from the tenant template of qualisys_master; no tenant had it",
      );
      expect(withdrawn.code).toBe(0);
      expect(await master("SELECT slug, name FROM control.tenant_migration_history ORDER BY 1, 2")).toEqual(before);

      const clean = await run("--url", masterUrl, "--migrations", files);
      expect(clean.stdout).toMatch(
        /^migrated 5 tenants: 0 applied, 5 already current, 0 failed; template: 0 registered, 0 held back/,
      );
      expect(clean.code).toBe(0);
      expect(await signUp("later")).toEqual([]);

      writeFileSync(
        join(files, "0003_archived.sql"),
        "ALTER TABLE projects ADD COLUMN archived boolean NOT NULL DEFAULT false;\n",
      );
      const fixed = await run("--url", masterUrl, "--migrations", files);
      expect(fixed.stdout).toMatch(
        /^migrated 6 tenants: 6 applied, 0 already current, 0 failed; template: 1 registered, 0 held back/,
      );
      expect(fixed.code).toBe(0);
      expect(await signUp("newest")).toEqual([]);
      expect(await historyOf("newest")).toEqual(["0001_template.sql", "0003_archived.sql"]);

      const fleet = ["alpha", "bravo", "charlie", "newco", "acme", "later", "newest"];
      const probe = await isolationBreaches(app, fleet);
      // 7 tenants x 6 others x 2 tables x (read, update, delete) + 42 inserts + 7 x 2 reads with no tenant.
      expect(probe.checks).toBe(7 * 6 * 2 * 3 + 7 * 6 + 7 * 2);
      expect(probe.breaches).toEqual([]);
    });
  });

  it("exits 1 with the reason when it cannot start (an edited applied migration: drift)", async () => {
    writeFileSync(join(migrations, "0002_long_names.sql"), "-- edited\n");
    const { code, stderr, stdout } = await run("--url", adminUrl, "--migrations", migrations);
    expect(stderr).toMatch(/db:migrate: drift: 0002_long_names\.sql was edited after 2 tenant\(s\) applied it/);
    expect(stdout).toBe("");
    expect(code).toBe(1);
  });
});
