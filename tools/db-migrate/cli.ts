/**
 * `npm run db:migrate -- --url <admin-url> [--concurrency N] [--tenant slug] [--dry-run]` (SPEC D6): brings every
 * tenant of the URL's database to the tenant migrations, through the same runner the bootstrap Job uses
 * (components/database/bootstrap/migrate.ts). A progress bar on a terminal, plain lines otherwise; one summary
 * line on stdout. Exit codes: 0 all current, 1 a tenant failed (or the run could not start), 2 bad usage.
 */
import { migrateFleet } from "../../components/database/bootstrap/migrate";
import {
  outcomeLine,
  progressBar,
  readTenantMigrations,
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
  const terminal = Boolean(process.stderr.isTTY);
  let failed = 0;
  const onTenant = (outcome: TenantOutcome, done: number, total: number) => {
    if (outcome.status === "failed") failed++;
    const line = outcomeLine(outcome);
    if (!terminal) {
      if (line) console.error(line);
      return;
    }
    // On a terminal only failures scroll by; the bar is redrawn in place.
    const scrolled = outcome.status === "failed" ? `${line}\n` : "";
    process.stderr.write(`\r\x1b[K${scrolled}${progressBar(done, total, failed)}`);
  };
  try {
    const { outcomes, seconds } = await migrateFleet({
      connection: { connectionString: args.url },
      concurrency: args.concurrency,
      tenant: args.tenant,
      dryRun: args.dryRun,
      migrations: readTenantMigrations(args.migrations),
      onTenant,
    });
    if (terminal) process.stderr.write("\n");
    console.log(summaryLine(outcomes, seconds, args.dryRun));
    return outcomes.some((o) => o.status === "failed") ? 1 : 0;
  } catch (error) {
    console.error(`db:migrate: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

void main().then((code) => process.exit(code));
