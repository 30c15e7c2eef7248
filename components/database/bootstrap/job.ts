/**
 * Entry point of the in-cluster bootstrap Job: bundled into one file (./bundle) that a Node image runs beside the
 * SQL and the tenant migrations (laid out as in this folder, so ./plan and ./migrations find them). It applies
 * the whole bootstrap through ./apply, the code `npm run db:local`, the tests and `npm run db:migrate` share.
 * Connection and passwords come from the environment the Job sets from its ExternalSecret; the tenant cap
 * (database.maxTenants) from its spec.
 */
import type { ClientConfig } from "pg";
import { applyBootstrap } from "./apply";

type Env = Record<string, string | undefined>;

/** The master connection from libpq's variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGSSLMODE, …). */
export function jobConnection(env: Env): Omit<ClientConfig, "database"> {
  const missing = ["PGHOST", "PGUSER", "PGPASSWORD"].filter((name) => !env[name]);
  if (missing.length) throw new Error(`missing environment: ${missing.join(", ")}`);
  // `require` encrypts without verifying the certificate (libpq's meaning); the server enforces TLS
  // (rds.force_ssl). verify-full would need the RDS CA bundle in the image.
  const ssl = env.PGSSLMODE && env.PGSSLMODE !== "disable" ? { rejectUnauthorized: false } : undefined;
  return {
    host: env.PGHOST,
    port: Number(env.PGPORT ?? 5432),
    user: env.PGUSER,
    password: env.PGPASSWORD,
    application_name: env.PGAPPNAME ?? "db-bootstrap",
    connectionTimeoutMillis: Number(env.PGCONNECT_TIMEOUT ?? 10) * 1000,
    ...(ssl ? { ssl } : {}),
  };
}

/** The tenant cap the Job sets in each application database (MAX_TENANTS, from database.maxTenants). */
export function jobMaxTenants(env: Env): number {
  const value = env.MAX_TENANTS ?? "";
  if (!/^[1-9][0-9]*$/.test(value)) throw new Error(`MAX_TENANTS must be a positive integer, not "${value}"`);
  return Number(value);
}

async function main(env: Env): Promise<number> {
  try {
    await applyBootstrap({
      connection: jobConnection(env),
      maxTenants: jobMaxTenants(env),
      passwords: { app: env.APP_USER_PASSWORD || undefined, monitor: env.MONITOR_PASSWORD || undefined },
      log: (message) => console.log(message),
    });
    console.log("bootstrap complete");
    return 0;
  } catch (error) {
    console.error(`bootstrap failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

// Run only as the bundle's entry (`node bootstrap.js`), not when a test imports jobConnection.
if (require.main === module) void main(process.env).then((code) => process.exit(code));
