/**
 * `npm run db:migrate -- --url <admin-url> [--concurrency N] [--tenant slug] [--dry-run]` (SPEC D6): brings every
 * tenant of the URL's database to the tenant migrations, through the same runner and the same report the bootstrap
 * Job uses (components/database/bootstrap/migrate.ts, ./migrations.ts). A progress bar on a terminal, plain lines
 * otherwise; what went wrong with its recovery command on stderr; one summary line on stdout.
 * `--withdraw NNNN_x.sql` instead takes a migration no tenant has out of the database's template (the recovery
 * the report names). Exit codes: 0 all current (or withdrawn), 1 something to fix (or the run could not start),
 * 2 bad usage.
 */
import { migrateFleet, withdrawMigration } from "../../components/database/bootstrap/migrate";
import {
  fleetFailed,
  outcomeLine,
  progressBar,
  readTenantMigrations,
  recoveryLines,
  summaryLine,
  type TenantOutcome,
} from "../../components/database/bootstrap/migrations";
import { parseMigrateArgs, usage } from "./args";

async function main(): Promise<number> {
  const args = parseMigrateArgs(process.argv.slice(2));
  if ("error" in args) {
    console.error(`${args.error}\n${usage}`);
    return 2;
  }
  const connection = { connectionString: args.url };
  if (args.withdraw) {
    try {
      await withdrawMigration({ connection }, args.withdraw);
      const database = decodeURIComponent(new URL(args.url).pathname.slice(1));
      console.log(`withdrew ${args.withdraw} from the tenant template of ${database}; no tenant had it`);
      console.error(`delete or fix ${args.withdraw} before the next run, or it is offered to the template again`);
      return 0;
    } catch (error) {
      console.error(`db:migrate: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    }
  }
  const terminal = Boolean(process.stderr.isTTY);
  let failed = 0;
  const onTenant = (outcome: TenantOutcome, done: number, total: number) => {
    if (outcome.status === "failed") failed++;
    const line = outcomeLine(outcome, args.dryRun);
    if (!terminal) {
      if (line) console.error(line);
      return;
    }
    // On a terminal only failures scroll by; the bar is redrawn in place.
    const scrolled = outcome.status === "failed" ? `${line}\n` : "";
    process.stderr.write(`\r\x1b[K${scrolled}${progressBar(done, total, failed)}`);
  };
  try {
    const result = await migrateFleet({
      connection,
      concurrency: args.concurrency,
      tenant: args.tenant,
      dryRun: args.dryRun,
      migrations: readTenantMigrations(args.migrations),
      onTenant,
    });
    if (terminal) process.stderr.write("\n");
    for (const line of recoveryLines(result)) console.error(line);
    console.log(summaryLine(result));
    return fleetFailed(result) ? 1 : 0;
  } catch (error) {
    console.error(`db:migrate: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

void main().then((code) => process.exit(code));
