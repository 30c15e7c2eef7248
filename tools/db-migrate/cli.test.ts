/** `npm run db:migrate`: its arguments (pure), and the real command against a real PostgreSQL (SPEC D6). */
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { applyBootstrap } from "../../components/database/bootstrap/apply";
import { defaultConcurrency } from "../../components/database/bootstrap/migrate";
import { tenantMigrationsDirectory } from "../../components/database/bootstrap/migrations";
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

  it("--dry-run reports the plan and changes nothing", async () => {
    const { code, stdout } = await run("--url", adminUrl, "--migrations", migrations, "--dry-run");
    expect(stdout.trim()).toMatch(/^would migrate 3 tenants: 3 applied, 0 already current, 0 failed in [\d.]+ s$/);
    expect(code).toBe(0);
    const again = await run("--url", adminUrl, "--migrations", migrations, "--dry-run");
    expect(again.stdout).toMatch(/would migrate 3 tenants: 3 applied/);
  });

  it("reports a failing tenant with its error, migrates the others, and exits 1; a re-run retries only it", async () => {
    const first = await run("--url", adminUrl, "--migrations", migrations, "--concurrency", "2");
    expect(first.stdout.trim()).toMatch(/^migrated 3 tenants: 2 applied, 0 already current, 1 failed in [\d.]+ s$/);
    expect(first.stderr).toMatch(/tenant test_2 FAILED: 0002_long_names\.sql: .*projects_name_long/);
    expect(first.stderr).toContain("tenant test_1: applied 0002_long_names.sql");
    expect(first.code).toBe(1);
    const one = await run("--url", adminUrl, "--migrations", migrations, "--tenant", "test_1");
    expect(one.stdout).toMatch(/^migrated 1 tenants: 0 applied, 1 already current, 0 failed/);
    expect(one.code).toBe(0);
  });

  it("exits 1 with the reason when it cannot start (an edited applied migration: drift)", async () => {
    writeFileSync(join(migrations, "0002_long_names.sql"), "-- edited\n");
    const { code, stderr, stdout } = await run("--url", adminUrl, "--migrations", migrations);
    expect(stderr).toMatch(/db:migrate: drift: 0002_long_names\.sql was edited after 2 tenant\(s\) applied it/);
    expect(stdout).toBe("");
    expect(code).toBe(1);
  });
});
