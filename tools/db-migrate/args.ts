/** The command line of `npm run db:migrate` (pure, so its rules are unit-tested). */
import { defaultConcurrency } from "../../components/database/bootstrap/migrate";
import { migrationFilePattern } from "../../components/database/bootstrap/migrations";

export const usage =
  "usage: npm run db:migrate -- --url postgresql://<admin>@<host>/<database> [--concurrency N] [--tenant <slug>] " +
  "[--dry-run] [--migrations <dir>]\n" +
  "       npm run db:migrate -- --url postgresql://<admin>@<host>/<database> --withdraw NNNN_<name>.sql";

export interface MigrateArgs {
  /** Admin (migration role) connection string, naming the database whose tenants to migrate. */
  url: string;
  concurrency: number;
  tenant?: string;
  dryRun: boolean;
  /** Default: the repository's components/database/bootstrap/tenant-migrations. */
  migrations?: string;
  /** Instead of migrating: take this migration, which no tenant has, out of the database's template. */
  withdraw?: string;
}

const valued = ["--url", "--tenant", "--migrations", "--concurrency", "--withdraw"];

/** The parsed arguments, or the reason they are unusable (exit 2). */
export function parseMigrateArgs(argv: string[]): MigrateArgs | { error: string } {
  const args: Partial<MigrateArgs> = { concurrency: defaultConcurrency, dryRun: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === "--dry-run") {
      args.dryRun = true;
      continue;
    }
    if (!valued.includes(flag)) return { error: `unknown argument ${flag}` };
    if (value === undefined || value.startsWith("--")) return { error: `${flag} needs a value` };
    i++;
    if (flag === "--url") args.url = value;
    else if (flag === "--tenant") args.tenant = value;
    else if (flag === "--migrations") args.migrations = value;
    else if (flag === "--withdraw") {
      if (!migrationFilePattern.test(value)) return { error: `--withdraw takes a migration file name, not ${value}` };
      args.withdraw = value;
    } else if (/^[1-9][0-9]?$/.test(value)) args.concurrency = Number(value);
    else return { error: `--concurrency must be 1 to 99, not ${value}` };
  }
  if (!args.url) return { error: "--url is required" };
  if (args.withdraw && (args.dryRun || args.tenant)) {
    return { error: "--withdraw changes only the template: it takes no --dry-run or --tenant" };
  }
  let database = "";
  try {
    const url = new URL(args.url);
    if (!/^postgres(ql)?:$/.test(url.protocol)) return { error: "--url must be a postgresql:// URL" };
    database = decodeURIComponent(url.pathname.slice(1));
  } catch {
    return { error: "--url is not a URL" };
  }
  if (!database) return { error: "--url must name the database whose tenants to migrate" };
  return args as MigrateArgs;
}
