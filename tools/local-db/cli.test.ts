/**
 * `npm run db:local` end to end (SPEC D5): a real server, the bootstrap, seeded tenants, the DATABASE_URL and
 * ADMIN_DATABASE_URL lines, and a clean stop on SIGTERM that leaves no server and no data behind (more moments
 * and signals in ./signals.test.ts).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Client } from "pg";
import { projectRoot } from "../../offline/run";
import { embeddedMajor, majorMismatch } from "./seed";
import { configuredMajor, freePort } from "./server";

describe("the major check", () => {
  it("lets the configured major through and refuses another one, naming both", () => {
    expect(majorMismatch("dev", 17, 17)).toBeUndefined();
    expect(majorMismatch("prod", 16, 17)).toMatch(/asks for PostgreSQL 16.*provides 17.*refusing/s);
  });

  it("the installed package matches every stack's configured major", () => {
    for (const stack of ["dev", "staging", "prod"]) expect(embeddedMajor()).toBe(configuredMajor(stack));
  });
});

describe("npm run db:local", () => {
  it("prints an app_user URL to seeded tenants and stops cleanly on SIGTERM", async () => {
    const port = await freePort();
    const cli = spawn(
      process.execPath,
      [join(projectRoot, "tools/run-ts.js"), "tools/local-db/cli.ts", "--port", String(port)],
      {
        cwd: projectRoot,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const exited = new Promise<number | null>((resolve) => cli.once("exit", (code) => resolve(code)));
    let stderr = "";
    cli.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const [url, adminUrl] = await new Promise<string[]>((resolve, reject) => {
      let stdout = "";
      cli.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        const lines = stdout.split("\n");
        const value = (name: string) => lines.find((l) => l.startsWith(`${name}=`))?.slice(name.length + 1);
        const [app, admin] = [value("DATABASE_URL"), value("ADMIN_DATABASE_URL")];
        if (app && admin) resolve([app, admin]);
      });
      void exited.then((code) => reject(new Error(`db:local exited (${code}) early:\n${stderr}`)));
    });
    expect(url).toMatch(new RegExp(`^postgresql://app_user:[0-9a-f]+@127\\.0\\.0\\.1:${port}/qualisys_test$`));
    expect(adminUrl).toMatch(new RegExp(`^postgresql://postgres:[0-9a-f]+@127\\.0\\.0\\.1:${port}/qualisys_test$`));
    // The admin URL is the migration role's: it reads the migration history app_user may not see.
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    const history = await admin.query("SELECT DISTINCT name FROM control.tenant_migration_history ORDER BY 1");
    await admin.end();
    expect(history.rows.map((r) => r.name)).toEqual(["0001_template.sql"]);

    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query("BEGIN");
    await client.query("SELECT set_config('app.current_tenant', 'test_2', true)");
    const own = await client.query("SELECT count(*)::int AS n FROM tenant_test_2.projects");
    const other = await client.query("SELECT count(*)::int AS n FROM tenant_test_1.projects");
    await client.query("COMMIT");
    await client.end();
    expect(own.rows[0].n).toBeGreaterThan(0);
    expect(other.rows[0].n).toBe(0);

    const directory = /data in (\S+) \(deleted on stop\)/.exec(stderr)?.[1];
    expect(directory && existsSync(directory)).toBe(true);
    cli.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stderr).toContain("stopping PostgreSQL");
    // Nothing listens any more.
    const probe = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    await expect(probe.connect()).rejects.toThrow();
    expect(existsSync(directory!)).toBe(false);
  });
});
