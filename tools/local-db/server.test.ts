/**
 * The local server where users run it: as root (CI, containers) from a project in a private directory — root's
 * mode-0700 home, a `mktemp -d` folder — whose binaries the OS user postgres cannot reach. The first tests run
 * only where the machine allows it (we are root and the user postgres exists or can be made); the rest anywhere.
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  lstatSync,
  statSync,
  readFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { linkTree, packagedBinaries, postgresUser, reachableBy } from "./as-root";
import { freePort, startServer, type LocalServer } from "./server";
import { projectRoot } from "../../offline/run";

const asRoot = process.getuid?.() === 0;
const whereRoot = asRoot ? it : it.skip;

describe("as root, from a project in a mode-0700 directory", () => {
  let privateDir: string;
  beforeAll(() => {
    // mkdtemp makes it 0700, as root's home is: the package's folder is reached through it, as under a private clone.
    privateDir = mkdtempSync(join(tmpdir(), "qualisys-private-"));
    symlinkSync(packagedBinaries(), join(privateDir, "native"));
  });
  afterAll(() => rmSync(privateDir, { recursive: true, force: true }));

  whereRoot("the OS user postgres cannot reach the binaries there (what made initdb fail with EACCES)", () => {
    const user = postgresUser()!;
    expect(lstatSync(privateDir).mode & 0o777).toBe(0o700);
    expect(reachableBy(user, join(privateDir, "native", "bin", "postgres"))).toBe(false);
    expect(reachableBy(user, "/bin/sh")).toBe(true);
  });

  whereRoot(
    "the server starts from a linked copy inside its own folder, serves, and leaves nothing behind",
    async () => {
      const server = await startServer({ port: await freePort(), binaries: join(privateDir, "native") });
      const { directory } = server;
      try {
        expect(server.binaries).toBe(join(directory, "native"));
        const client = new Client({ ...server.connection, database: "postgres" });
        await client.connect();
        const { rows } = await client.query("SELECT current_setting('data_directory') AS data, current_user AS role");
        await client.end();
        expect(rows).toEqual([{ data: join(directory, "data"), role: "postgres" }]);
      } finally {
        await server.stop();
      }
      expect(existsSync(directory)).toBe(false);
    },
  );

  whereRoot(
    "npm run db:local with a TMPDIR the server's user cannot enter stops at once, saying what to do",
    async () => {
      const unreachable = mkdtempSync(join(tmpdir(), "qualisys-tmp-"));
      try {
        const started = Date.now();
        // A process of its own: os.tmpdir() reads the real environment, which a test's process.env is not.
        const { status, stderr } = spawnSync(
          process.execPath,
          [join(projectRoot, "tools/run-ts.js"), "tools/local-db/cli.ts", "--port", String(await freePort())],
          { cwd: projectRoot, env: { ...process.env, TMPDIR: unreachable }, encoding: "utf8", timeout: 60_000 },
        );
        expect(stderr).toContain(
          `PostgreSQL refuses to run as root, so it runs as the OS user postgres, which cannot enter ${unreachable}. ` +
            "Point TMPDIR at a directory every user can enter (e.g. TMPDIR=/tmp) and run the command again.",
        );
        expect(status).toBe(1);
        expect(Date.now() - started).toBeLessThan(30_000);
        expect(readdirSync(unreachable)).toEqual([]);
      } finally {
        rmSync(unreachable, { recursive: true, force: true });
      }
    },
  );
});

describe("the kept cluster (template) a start copies instead of running initdb", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "qualisys-template-test-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The cluster's system identifier (initdb draws a new one; a copy keeps it), and whether `password` logs in. */
  async function inspect(server: LocalServer, password?: string) {
    const client = new Client({ ...server.connection, database: "postgres" });
    await client.connect();
    const { rows } = await client.query<{ id: string }>(
      "SELECT system_identifier::text AS id FROM pg_control_system()",
    );
    await client.end();
    let accepted: boolean | undefined;
    if (password !== undefined) {
      const other = new Client({ ...server.connection, password, database: "postgres" });
      accepted = await other.connect().then(
        () => other.end().then(() => true),
        (error: { code?: string }) => (error.code === "28P01" ? false : Promise.reject(error)),
      );
    }
    return { id: rows[0].id, accepted };
  }

  async function withServer<T>(template: string | null, use: (server: LocalServer) => Promise<T>): Promise<T> {
    const server = await startServer({ port: await freePort(), template });
    try {
      return await use(server);
    } finally {
      await server.stop();
    }
  }

  const template = () => join(dir, "17.0-new-uid7");
  /** The system identifier of the cluster kept by the first test. */
  let keptId: string | undefined;

  it("is made by the first start, whole, with its password readable by its owner only, replacing older ones", async () => {
    // What an older build or script kept for the same OS user goes; another user's stays.
    for (const older of ["16.0-old-uid7", "16.0-old-uid8"]) mkdirSync(join(dir, older, "data"), { recursive: true });
    const first = await withServer(template(), (server) => inspect(server));
    keptId = first.id;
    expect(readFileSync(join(template(), "data", "PG_VERSION"), "utf8").trim()).toMatch(/^\d+$/);
    expect(statSync(join(template(), "password")).mode & 0o777).toBe(0o600);
    // Nothing else beside it: no half-made copy left.
    expect(readdirSync(dir).sort()).toEqual(["16.0-old-uid8", "17.0-new-uid7"]);
    const templatePassword = readFileSync(join(template(), "password"), "utf8").trim();
    const second = await withServer(template(), (server) => inspect(server, templatePassword));
    // A copy of the same cluster, whose superuser no longer logs in with the template's password.
    expect(second.id).toBe(first.id);
    expect(second.accepted).toBe(false);
  });

  it("is not used with template: null (initdb, a new cluster)", async () => {
    expect(keptId).toMatch(/^\d+$/);
    const fresh = await withServer(null, (server) => inspect(server));
    expect(fresh.id).not.toBe(keptId);
  });

  it("whose password was changed fails the start with a message naming the folder, leaving no server folder", async () => {
    writeFileSync(join(template(), "password"), "0123abcd\n", { mode: 0o600 });
    let directory = "";
    const start = startServer({ port: await freePort(), template: template(), onDirectory: (d) => (directory = d) });
    await expect(start).rejects.toThrow(
      `the kept cluster in ${template()} did not take its password (password authentication failed for user "postgres"); delete that folder`,
    );
    expect(existsSync(directory)).toBe(false);
  });
});

describe("linkTree", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "qualisys-link-test-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ["hard links", false],
    ["copies", true],
  ])("recreates files (as %s), folders and relative symbolic links", (_how, copy) => {
    const from = join(dir, "from");
    mkdirSync(join(from, "lib"), { recursive: true });
    writeFileSync(join(from, "lib", "libpq.so.5.17"), "library", { mode: 0o600 });
    symlinkSync("libpq.so.5.17", join(from, "lib", "libpq.so.5"));
    linkTree(from, join(dir, "to"), copy);
    const target = join(dir, "to", "lib");
    expect(readdirSync(target).sort()).toEqual(["libpq.so.5", "libpq.so.5.17"]);
    expect(lstatSync(join(target, "libpq.so.5")).isSymbolicLink()).toBe(true);
    const file = lstatSync(join(target, "libpq.so.5.17"));
    // A hard link shares the file (and its mode); a copy is made readable by any user.
    expect([file.nlink, file.mode & 0o777]).toEqual(copy ? [1, 0o644] : [2, 0o600]);
  });
});
