/**
 * The fleet runner on a real PostgreSQL (SPEC D6): each scenario gets a database of its own with the control
 * schema and a fleet of tenants, then migrates it with extra migration files.
 */
import { Client } from "pg";
import { freePort, startServer, type LocalServer } from "../../../tools/local-db/server";
import { applyBootstrap } from "./apply";
import { isolationBreaches } from "./isolation";
import { migrateFleet, withdrawMigration, type MigrateOptions } from "./migrate";
import {
  fleetFailed,
  readTenantMigrations,
  recoveryLines,
  summaryLine,
  tenantMigrations,
  type TenantMigration,
} from "./migrations";
import { roles } from "./plan";

const appPassword = "AppUserTestPassword2";
let server: LocalServer;
const template = readTenantMigrations();

/** The template plus `extra` files (name → SQL). */
const withFiles = (extra: Record<string, string>): TenantMigration[] =>
  tenantMigrations({ ...Object.fromEntries(template.map((m) => [m.name, m.sql])), ...extra });

const addColumnAndIndex = {
  "0002_run_duration.sql":
    "ALTER TABLE test_runs ADD COLUMN duration_ms integer CHECK (duration_ms >= 0);\n" +
    "CREATE INDEX test_runs_status_started ON test_runs (status, started_at);\n",
};
const newTable = {
  "0003_artifacts.sql":
    "CREATE TABLE artifacts (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n" +
    "  tenant text NOT NULL DEFAULT current_setting('app.current_tenant', true) CHECK (tenant = {{tenant_slug}}),\n" +
    "  run_id bigint NOT NULL REFERENCES test_runs (id) ON DELETE CASCADE,\n  uri text NOT NULL\n);\n",
};

async function connect(database: string, as: "admin" | "app" = "admin"): Promise<Client> {
  const client = new Client({
    ...server.connection,
    database,
    ...(as === "app" ? { user: roles.app, password: appPassword } : {}),
  });
  await client.connect();
  return client;
}

async function query<T extends object>(database: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = await connect(database);
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

const migrate = (database: string, options: Partial<MigrateOptions> = {}) =>
  migrateFleet({ connection: { ...server.connection, database }, ...options });

let fleets = 0;
/** A new database with the control schema, the template, and `slugs` created by app_user. */
async function fleet(slugs: string[]): Promise<string> {
  const database = `fleet_${++fleets}`;
  await query("postgres", `CREATE DATABASE ${database} OWNER ${roles.owner} TEMPLATE template0`);
  await migrate(database, { migrations: template });
  const app = await connect(database, "app");
  for (const slug of slugs) await app.query("SELECT control.create_tenant($1)", [slug]);
  await app.end();
  return database;
}

const columns = (database: string, table: string, column: string) =>
  query<{ schema: string }>(
    database,
    `SELECT table_schema AS schema FROM information_schema.columns
      WHERE table_name = $1 AND column_name = $2 AND table_schema LIKE 'tenant\\_%' ORDER BY 1`,
    [table, column],
  ).then((rows) => rows.map((r) => r.schema));

const history = (database: string) =>
  query<{ slug: string; names: string[] }>(
    database,
    "SELECT slug, array_agg(name ORDER BY name) AS names FROM control.tenant_migration_history GROUP BY 1 ORDER BY 1",
  );

const slugs = ["alpha", "bravo", "charlie", "delta"];
const schemas = slugs.map((s) => `tenant_${s}`);

beforeAll(async () => {
  server = await startServer({ port: await freePort() });
  await applyBootstrap({ connection: server.connection, passwords: { app: appPassword } });
}, 60_000);
afterAll(() => server?.stop());

describe("migrating a fleet", () => {
  let database: string;
  beforeAll(async () => {
    database = await fleet(slugs);
  });

  it("a migration adding a column and an index reaches every existing tenant", async () => {
    const { outcomes } = await migrate(database, { migrations: withFiles(addColumnAndIndex) });
    expect(outcomes.map((o) => [o.slug, o.status, o.applied])).toEqual(
      slugs.map((slug) => [slug, "migrated", ["0002_run_duration.sql"]]),
    );
    expect(await columns(database, "test_runs", "duration_ms")).toEqual(schemas);
    const indexes = await query<{ schemaname: string }>(
      database,
      "SELECT schemaname FROM pg_indexes WHERE indexname = 'test_runs_status_started' ORDER BY 1",
    );
    expect(indexes.map((i) => i.schemaname)).toEqual(schemas);
  });

  it("a new table added by a migration is under forced RLS, the policy and app_user's grants, for every tenant", async () => {
    await migrate(database, { migrations: withFiles({ ...addColumnAndIndex, ...newTable }) });
    const rows = await query<Record<string, unknown>>(
      database,
      `SELECT n.nspname AS schema, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
              (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies,
              has_table_privilege('app_user', c.oid, 'SELECT, INSERT, UPDATE, DELETE') AS granted
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relname = 'artifacts' ORDER BY 1`,
    );
    expect(rows).toEqual(
      schemas.map((schema) => ({ schema, enabled: true, forced: true, policies: 1, granted: true })),
    );

    const app = await connect(database, "app");
    await app.query("BEGIN");
    await app.query("SELECT set_config('app.current_tenant', 'alpha', true)");
    await app.query("INSERT INTO tenant_alpha.projects (name) VALUES ('p')");
    await app.query("INSERT INTO tenant_alpha.test_runs (project_id) SELECT id FROM tenant_alpha.projects");
    await app.query("INSERT INTO tenant_alpha.artifacts (run_id, uri) SELECT id, 's3://a' FROM tenant_alpha.test_runs");
    expect((await app.query("SELECT uri FROM tenant_bravo.artifacts")).rowCount).toBe(0);
    await expect(
      app.query("INSERT INTO tenant_bravo.artifacts (tenant, run_id, uri) VALUES ('bravo', 1, 'x')"),
    ).rejects.toMatchObject({ code: "42501" });
    await app.query("ROLLBACK");
    await app.end();
  });

  it("a re-run applies nothing", async () => {
    const result = await migrate(database, { migrations: withFiles({ ...addColumnAndIndex, ...newTable }) });
    expect(summaryLine(result)).toMatch(
      /^migrated 4 tenants: 0 applied, 4 already current, 0 failed; template: 0 registered, 0 held back in /,
    );
    expect(fleetFailed(result)).toBe(false);
  });

  it("a tenant created afterwards (by app_user, through create_tenant) is current", async () => {
    const app = await connect(database, "app");
    await app.query("SELECT control.create_tenant('echo')");
    await app.end();
    expect(await columns(database, "test_runs", "duration_ms")).toContain("tenant_echo");
    expect((await history(database)).find((h) => h.slug === "echo")?.names).toEqual([
      "0001_template.sql",
      "0002_run_duration.sql",
      "0003_artifacts.sql",
    ]);
    const { outcomes } = await migrate(database, { migrations: withFiles({ ...addColumnAndIndex, ...newTable }) });
    expect(outcomes.find((o) => o.slug === "echo")?.status).toBe("current");
  });

  it("an edited applied migration is drift: reported, and nothing is applied", async () => {
    const edited = { "0002_run_duration.sql": addColumnAndIndex["0002_run_duration.sql"] + "-- edited\n" };
    const before = await history(database);
    await expect(migrate(database, { migrations: withFiles({ ...edited, ...newTable }) })).rejects.toThrow(
      /drift: 0002_run_duration\.sql was edited after 5 tenant\(s\) applied it/,
    );
    expect(await history(database)).toEqual(before);
  });

  it("an applied migration whose file is gone is drift for each tenant that has it", async () => {
    const { outcomes } = await migrate(database, { migrations: withFiles(addColumnAndIndex), tenant: "alpha" });
    expect(outcomes).toEqual([
      expect.objectContaining({
        slug: "alpha",
        status: "failed",
        error: expect.stringMatching(/0003_artifacts.sql.*gone/),
      }),
    ]);
  });
});

describe("a migration that fails for one tenant", () => {
  const failing = {
    "0002_archive.sql":
      "ALTER TABLE projects ADD COLUMN archived boolean NOT NULL DEFAULT false;\n" +
      "ALTER TABLE projects ADD CONSTRAINT projects_name_not_reserved CHECK (name <> 'reserved');\n",
  };
  let database: string;
  beforeAll(async () => {
    database = await fleet(slugs);
    const app = await connect(database, "app");
    await app.query("BEGIN");
    await app.query("SELECT set_config('app.current_tenant', 'charlie', true)");
    await app.query("INSERT INTO tenant_charlie.projects (name) VALUES ('reserved')");
    await app.query("COMMIT");
    await app.end();
  });

  it("leaves that tenant unchanged (rolled back), migrates the others, and reports the error", async () => {
    const result = await migrate(database, { migrations: withFiles(failing), concurrency: 2 });
    const { outcomes } = result;
    expect(outcomes.map((o) => o.status)).toEqual(["migrated", "migrated", "failed", "migrated"]);
    // Partly applied: reported with the forward fix and the exact command, never offered for withdrawal.
    expect(result.failures).toEqual([{ name: "0002_archive.sql", appliedBy: 3, failedOn: ["charlie"] }]);
    const recovery = recoveryLines(result).join("\n");
    expect(recovery).toContain("It stays registered: never edit, delete or withdraw it. Forward fix:");
    expect(recovery).toContain(`npm run db:migrate -- --url <admin URL of ${database}> --tenant charlie`);
    expect(recovery).not.toContain("--withdraw");
    expect(outcomes[2].error).toMatch(/^0002_archive\.sql: .*projects_name_not_reserved/);
    // The first statement of the failed migration did not survive: the whole transaction rolled back.
    expect(await columns(database, "projects", "archived")).toEqual(schemas.filter((s) => s !== "tenant_charlie"));
    expect((await history(database)).find((h) => h.slug === "charlie")?.names).toEqual(["0001_template.sql"]);
  });

  it("cannot be withdrawn once tenants have it: refused, naming them, and it stays registered", async () => {
    await expect(
      withdrawMigration({ connection: { ...server.connection, database } }, "0002_archive.sql"),
    ).rejects.toThrow("0002_archive.sql cannot be withdrawn: 3 tenant(s) applied it (alpha, bravo, delta)");
    expect(await query(database, "SELECT name FROM control.tenant_migrations ORDER BY 1")).toEqual([
      { name: "0001_template.sql" },
      { name: "0002_archive.sql" },
    ]);
  });

  it("the forward fix: once charlie's data allows it, the named command finishes the fleet", async () => {
    const app = await connect(database, "app");
    await app.query("BEGIN");
    await app.query("SELECT set_config('app.current_tenant', 'charlie', true)");
    await app.query("UPDATE tenant_charlie.projects SET name = 'renamed' WHERE name = 'reserved'");
    await app.query("COMMIT");
    await app.end();
    const result = await migrate(database, { migrations: withFiles(failing), tenant: "charlie" });
    expect(result.outcomes).toEqual([{ slug: "charlie", status: "migrated", applied: ["0002_archive.sql"] }]);
    expect(fleetFailed(result)).toBe(false);
  });

  it("waits at most the lock timeout for a busy tenant, and a re-run resumes where it stopped", async () => {
    const holder = await connect(database);
    await holder.query("BEGIN");
    await holder.query("LOCK TABLE tenant_alpha.test_runs IN ACCESS SHARE MODE");
    const migrations = withFiles({ ...failing, "0003_run_duration.sql": addColumnAndIndex["0002_run_duration.sql"] });
    const first = await migrate(database, { migrations, lockTimeoutMs: 200, tenant: "alpha" });
    expect(first.outcomes[0]).toMatchObject({
      slug: "alpha",
      status: "failed",
      error: expect.stringMatching(/lock timeout/),
    });
    await holder.query("ROLLBACK");
    await holder.end();
    const second = await migrate(database, { migrations, tenant: "alpha" });
    expect(second.outcomes[0]).toMatchObject({ slug: "alpha", status: "migrated", applied: ["0003_run_duration.sql"] });
  });
});

describe("concurrency", () => {
  /** Everything a migration shapes, per schema, comparable across databases. */
  const shape = (database: string) =>
    query(
      database,
      `SELECT n.nspname, c.relname, c.relkind, c.relacl::text, c.relrowsecurity, c.relforcerowsecurity,
              (SELECT string_agg(attname || ':' || format_type(atttypid, atttypmod), ',' ORDER BY attnum)
                 FROM pg_attribute WHERE attrelid = c.oid AND attnum > 0) AS columns,
              (SELECT string_agg(polname || ':' || pg_get_expr(polqual, polrelid), ',') FROM pg_policy
                WHERE polrelid = c.oid) AS policies
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname LIKE 'tenant\\_%' ORDER BY 1, 2`,
    );

  it("N tenants at a time gives the same end state as one at a time", async () => {
    const many = Array.from({ length: 12 }, (_, i) => `t${i}`);
    const [one, four] = [await fleet(many), await fleet(many)];
    const migrations = withFiles({ ...addColumnAndIndex, ...newTable });
    const results = [
      await migrate(one, { migrations, concurrency: 1 }),
      await migrate(four, { migrations, concurrency: 4 }),
    ];
    for (const { outcomes } of results) expect(outcomes.every((o) => o.status === "migrated")).toBe(true);
    const [a, b] = [await shape(one), await shape(four)];
    const artifacts = a.filter((row: any) => row.relname === "artifacts" && row.relforcerowsecurity);
    expect(artifacts).toHaveLength(12);
    expect(b).toEqual(a);
    expect(await history(four)).toEqual(await history(one));
  });
});

describe("app_user's reach", () => {
  it.each(["postgres", "template1"])("cannot connect to %s (only to the application databases)", async (database) => {
    await expect(connect(database, "app")).rejects.toMatchObject({ code: "42501" });
  });

  it.each([
    ["apply a migration directly", "SELECT control.apply_tenant_migration('test_1', '0001_template.sql')"],
    ["re-secure a schema directly", "SELECT control.secure_tenant_schema('test_1')"],
    ["register a migration", `SELECT control.offer_tenant_migration('9999_x.sql', repeat('0', 64), 'SELECT 1')`],
    ["withdraw a migration", "SELECT control.withdraw_tenant_migration('0001_template.sql')"],
    ["build a tenant without the cap", "SELECT control.build_tenant('sneaky')"],
    ["run the template check", "SELECT control.check_template()"],
    ["read the tenancy settings", "SELECT * FROM control.settings"],
    ["raise the tenant cap", "UPDATE control.settings SET max_tenants = 1000000"],
    ["read the migration registry", "SELECT * FROM control.tenant_migrations"],
    ["read the migration history", "SELECT * FROM control.tenant_migration_history"],
  ])("is refused: %s", async (_what, sql) => {
    const app = await connect("qualisys_test", "app");
    await expect(app.query(sql).finally(() => app.end())).rejects.toMatchObject({ code: "42501" });
  });
});

describe("offboarding: control.drop_tenant", () => {
  it("removes the schema, the registry row and the history; only the admin may call it", async () => {
    const database = await fleet(["keep", "leave"]);
    const app = await connect(database, "app");
    await expect(app.query("SELECT control.drop_tenant('leave')")).rejects.toMatchObject({ code: "42501" });
    await app.end();
    const drop = async () => {
      const admin = await connect(database);
      await admin.query("SET ROLE qualisys_owner");
      const { rows } = await admin.query("SELECT control.drop_tenant('leave') AS dropped");
      await admin.end();
      return rows[0].dropped;
    };
    expect(await drop()).toBe(true);
    expect(await query(database, "SELECT nspname FROM pg_namespace WHERE nspname = 'tenant_leave'")).toEqual([]);
    expect(await query(database, "SELECT slug FROM control.tenants")).toEqual([{ slug: "keep" }]);
    expect((await history(database)).map((h) => h.slug)).toEqual(["keep"]);
    expect(await drop()).toBe(false);
  });
});

describe("registration follows success: a migration that fails on a new tenant", () => {
  const typo = { "0002_typo.sql": "ALTER TABLE projets ADD COLUMN archived boolean;\n" };
  const fixed = { "0003_archived.sql": "ALTER TABLE projects ADD COLUMN archived boolean NOT NULL DEFAULT false;\n" };
  let database: string;
  beforeAll(async () => {
    database = await fleet(["alpha", "bravo"]);
  });
  const registry = () => query<{ name: string }>(database, "SELECT name FROM control.tenant_migrations ORDER BY 1");

  it("is never registered, touches no tenant, holds back the files after it, and says so", async () => {
    const later = { "0003_notes.sql": "ALTER TABLE test_runs ADD COLUMN notes text;\n" };
    const result = await migrate(database, { migrations: withFiles({ ...typo, ...later }) });
    expect(result.template).toEqual({
      registered: [],
      rejected: { name: "0002_typo.sql", error: 'relation "projets" does not exist' },
      held: ["0002_typo.sql", "0003_notes.sql"],
      orphaned: [],
    });
    expect(result.outcomes.map((o) => [o.slug, o.status])).toEqual([
      ["alpha", "current"],
      ["bravo", "current"],
    ]);
    expect(await registry()).toEqual([{ name: "0001_template.sql" }]);
    expect(await columns(database, "test_runs", "notes")).toEqual([]);
    expect(summaryLine(result)).toMatch(/; template: 0 registered, 2 held back in /);
    expect(fleetFailed(result)).toBe(true);
    expect(recoveryLines(result)[0]).toBe(
      '0002_typo.sql was not registered: a new tenant built from the template fails on it with: relation "projets" does not exist',
    );
  });

  it("sign-ups keep working while it sits in the directory: app_user's create_tenant gives the last good template", async () => {
    await migrate(database, { migrations: withFiles(typo) });
    const app = await connect(database, "app");
    const warnings: string[] = [];
    app.on("notice", (notice) => {
      if (notice.severity === "WARNING") warnings.push(notice.message ?? "");
    });
    expect((await app.query("SELECT control.create_tenant('newco') AS s")).rows[0].s).toBe("tenant_newco");
    await app.query("BEGIN");
    await app.query("SELECT set_config('app.current_tenant', 'newco', true)");
    await app.query("INSERT INTO tenant_newco.projects (name) VALUES ('first')");
    await app.query("COMMIT");
    await app.end();
    expect(warnings).toEqual([]);
    expect((await history(database)).find((h) => h.slug === "newco")?.names).toEqual(["0001_template.sql"]);
  });

  it("once the file is fixed under a new name (and the typo deleted), it registers and reaches every tenant", async () => {
    const result = await migrate(database, { migrations: withFiles(fixed) });
    expect(result.template.registered).toEqual(["0003_archived.sql"]);
    expect(result.outcomes.map((o) => o.status)).toEqual(["migrated", "migrated", "migrated"]);
    expect(await columns(database, "projects", "archived")).toEqual(["tenant_alpha", "tenant_bravo", "tenant_newco"]);
    expect(fleetFailed(result)).toBe(false);
  });
});

describe("a template poisoned before registration was checked (a database the earlier runner left)", () => {
  const typo = "ALTER TABLE projets ADD COLUMN archived boolean;\n";
  let database: string;
  beforeAll(async () => {
    database = await fleet(["alpha", "bravo"]);
    // What the earlier runner did with every file, before any tenant tried it: register it unconditionally.
    const [poison] = tenantMigrations({ "0002_typo.sql": typo });
    await query(database, "INSERT INTO control.tenant_migrations (name, checksum, sql) VALUES ($1, $2, $3)", [
      poison.name,
      poison.checksum,
      poison.sql,
    ]);
  });

  it("create_tenant still succeeds, with the last good template and a warning naming the migration and the command", async () => {
    const app = await connect(database, "app");
    const warnings: string[] = [];
    const hints: string[] = [];
    app.on("notice", (notice) => {
      if (notice.severity !== "WARNING") return;
      warnings.push(notice.message ?? "");
      hints.push(notice.hint ?? "");
    });
    expect((await app.query("SELECT control.create_tenant('newco') AS s")).rows[0].s).toBe("tenant_newco");
    await app.end();
    expect(warnings).toEqual([
      'tenant newco was created without 0002_typo.sql and the migrations after it: relation "projets" does not exist',
    ]);
    expect(hints).toEqual([
      `no tenant has it: npm run db:migrate -- --url <admin URL of ${database}> --withdraw 0002_typo.sql`,
    ]);
    expect((await history(database)).find((h) => h.slug === "newco")?.names).toEqual(["0001_template.sql"]);
  });

  it("db:migrate with the file still there: it failed everywhere, no tenant has it, and the withdraw command is named", async () => {
    const result = await migrate(database, { migrations: withFiles({ "0002_typo.sql": typo }) });
    expect(result.template.broken).toEqual({
      name: "0002_typo.sql",
      error: 'relation "projets" does not exist',
      appliedBy: 0,
    });
    expect(result.failures).toEqual([{ name: "0002_typo.sql", appliedBy: 0, failedOn: ["alpha", "bravo", "newco"] }]);
    expect(recoveryLines(result).join("\n")).toContain(
      `npm run db:migrate -- --url <admin URL of ${database}> --withdraw 0002_typo.sql`,
    );
    expect(fleetFailed(result)).toBe(true);
  });

  it("db:migrate with the file deleted no longer reports everything current: the registration is named", async () => {
    const result = await migrate(database, { migrations: template });
    expect(result.outcomes.every((o) => o.status === "current")).toBe(true);
    expect(result.template.orphaned).toEqual([{ name: "0002_typo.sql", appliedBy: 0 }]);
    expect(fleetFailed(result)).toBe(true);
  });

  it("withdrawing it recovers: nothing else touched, the next run is clean, sign-ups get no warning", async () => {
    const before = await history(database);
    await withdrawMigration({ connection: { ...server.connection, database } }, "0002_typo.sql");
    expect(await history(database)).toEqual(before);
    const result = await migrate(database, { migrations: template });
    expect(fleetFailed(result)).toBe(false);
    const app = await connect(database, "app");
    const warnings: string[] = [];
    app.on("notice", (notice) => {
      if (notice.severity === "WARNING") warnings.push(notice.message ?? "");
    });
    await app.query("SELECT control.create_tenant('later')");
    const probe = await isolationBreaches(app, ["alpha", "bravo", "newco", "later"]);
    await app.end();
    expect(warnings).toEqual([]);
    expect(probe.checks).toBeGreaterThan(0);
    expect(probe.breaches).toEqual([]);
  });

  it("withdraw refuses a migration that is not registered, and one with a later registered migration", async () => {
    const connection = { ...server.connection, database };
    await expect(withdrawMigration({ connection }, "0002_typo.sql")).rejects.toThrow(
      "0002_typo.sql is not registered in this database's tenant template; nothing to withdraw",
    );
    await query(database, "INSERT INTO control.tenant_migrations (name, checksum, sql) VALUES ($1, $2, 'SELECT 1')", [
      "0005_later.sql",
      "0".repeat(64),
    ]);
    await expect(withdrawMigration({ connection }, "0001_template.sql")).rejects.toThrow(
      /0001_template\.sql cannot be withdrawn: \d+ tenant\(s\) applied it/,
    );
    await query(database, "INSERT INTO control.tenant_migrations (name, checksum, sql) VALUES ($1, $2, 'SELECT 1')", [
      "0004_unused.sql",
      "1".repeat(64),
    ]);
    await expect(withdrawMigration({ connection }, "0004_unused.sql")).rejects.toThrow(
      "0004_unused.sql cannot be withdrawn while later migrations are registered: 0005_later.sql",
    );
  });
});

describe("an honest dry run", () => {
  const failing = {
    "0002_not_reserved.sql": "ALTER TABLE projects ADD CONSTRAINT not_reserved CHECK (name <> 'reserved');\n",
  };
  const typo = { "0003_typo.sql": "ALTER TABLE projets ADD x int;\n" };
  let database: string;
  beforeAll(async () => {
    database = await fleet(["alpha", "bravo", "charlie"]);
  });
  const state = async () =>
    JSON.stringify([
      await history(database),
      await query(database, "SELECT name, checksum FROM control.tenant_migrations ORDER BY 1"),
    ]);

  it("changes nothing, says 'would', and lists per tenant exactly what the real run then applies and registers", async () => {
    const migrations = withFiles({ ...failing, ...typo });
    const before = await state();
    const dry = await migrate(database, { migrations, dryRun: true });
    expect(await state()).toBe(before);
    expect(summaryLine(dry)).toMatch(
      /^would migrate 3 tenants: 3 would apply, 0 already current, 0 would fail; template: 1 would register, 1 held back in /,
    );
    expect(dry.template).toMatchObject({ registered: ["0002_not_reserved.sql"], held: ["0003_typo.sql"] });
    expect(dry.outcomes.map((o) => [o.slug, o.applied])).toEqual([
      ["alpha", ["0002_not_reserved.sql"]],
      ["bravo", ["0002_not_reserved.sql"]],
      ["charlie", ["0002_not_reserved.sql"]],
    ]);
    const real = await migrate(database, { migrations });
    expect(real.template).toEqual(dry.template);
    expect(real.outcomes.map((o) => [o.slug, o.applied])).toEqual(dry.outcomes.map((o) => [o.slug, o.applied]));
  });

  it("names what a real run cannot do (drift) as 'would fail', and foresees nothing for a current fleet", async () => {
    const current = await migrate(database, { migrations: withFiles(failing), dryRun: true });
    expect(summaryLine(current)).toMatch(
      /: 0 would apply, 3 already current, 0 would fail; template: 0 would register/,
    );
    const edited = { "0002_not_reserved.sql": `${failing["0002_not_reserved.sql"]}-- edited\n` };
    await expect(migrate(database, { migrations: withFiles(edited), dryRun: true })).rejects.toThrow(/^drift: /);
    const gone = await migrate(database, { migrations: template, dryRun: true, tenant: "alpha" });
    expect(gone.outcomes).toEqual([
      expect.objectContaining({ slug: "alpha", status: "failed", error: expect.stringMatching(/file is gone/) }),
    ]);
  });
});

describe("the tenant cap (database.maxTenants)", () => {
  let database: string;
  beforeAll(async () => {
    database = await fleet(["alpha", "bravo"]);
    await migrate(database, { migrations: template, maxTenants: 4 });
  });

  it("lets app_user create tenants up to the cap, then refuses with SQLSTATE 54000 naming the config key", async () => {
    const app = await connect(database, "app");
    await app.query("SELECT control.create_tenant('charlie')");
    await app.query("SELECT control.create_tenant('delta')");
    await expect(app.query("SELECT control.create_tenant('echo')")).rejects.toMatchObject({
      code: "54000",
      message: "tenant cap reached: 4 tenants exist and database.maxTenants is 4",
    });
    // An existing tenant is not a new one: calling it again keeps working at the cap.
    expect((await app.query("SELECT control.create_tenant('alpha') AS s")).rows[0].s).toBe("tenant_alpha");
    await app.end();
    expect(await query(database, "SELECT count(*)::int AS n FROM control.tenants")).toEqual([{ n: 4 }]);
  });

  it("holds under concurrent sign-ups: one free place, four callers, one tenant", async () => {
    await migrate(database, { migrations: template, maxTenants: 5 });
    const apps = await Promise.all(Array.from({ length: 4 }, () => connect(database, "app")));
    const results = await Promise.allSettled(
      apps.map((app, i) => app.query("SELECT control.create_tenant($1)", [`racer${i}`])),
    );
    await Promise.all(apps.map((app) => app.end()));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(
      ["54000", "54000", "54000"],
    );
    expect(await query(database, "SELECT count(*)::int AS n FROM control.tenants")).toEqual([{ n: 5 }]);
  });

  it("is the runner's to set: db:migrate without a cap leaves it, the bootstrap's maxTenants changes it", async () => {
    await migrate(database, { migrations: template });
    expect(await query(database, "SELECT max_tenants FROM control.settings")).toEqual([{ max_tenants: 5 }]);
    await migrate(database, { migrations: template, maxTenants: 10_000 });
    expect(await query(database, "SELECT max_tenants FROM control.settings")).toEqual([{ max_tenants: 10_000 }]);
  });
});
