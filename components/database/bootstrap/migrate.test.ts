/**
 * The fleet runner on a real PostgreSQL (SPEC D6): each scenario gets a database of its own with the control
 * schema and a fleet of tenants, then migrates it with extra migration files.
 */
import { Client } from "pg";
import { freePort, startServer, type LocalServer } from "../../../tools/local-db/server";
import { applyBootstrap } from "./apply";
import { migrateFleet, type MigrateOptions } from "./migrate";
import { readTenantMigrations, summaryLine, tenantMigrations, type TenantMigration } from "./migrations";
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
    const { outcomes, seconds } = await migrate(database, {
      migrations: withFiles({ ...addColumnAndIndex, ...newTable }),
    });
    expect(summaryLine(outcomes, seconds)).toMatch(/^migrated 4 tenants: 0 applied, 4 already current, 0 failed in /);
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
    const { outcomes } = await migrate(database, { migrations: withFiles(failing), concurrency: 2 });
    expect(outcomes.map((o) => o.status)).toEqual(["migrated", "migrated", "failed", "migrated"]);
    expect(outcomes[2].error).toMatch(/^0002_archive\.sql: .*projects_name_not_reserved/);
    // The first statement of the failed migration did not survive: the whole transaction rolled back.
    expect(await columns(database, "projects", "archived")).toEqual(schemas.filter((s) => s !== "tenant_charlie"));
    expect((await history(database)).find((h) => h.slug === "charlie")?.names).toEqual(["0001_template.sql"]);
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
    ["register a migration", `SELECT control.register_tenant_migration('9999_x.sql', repeat('0', 64), 'SELECT 1')`],
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
