/**
 * Versioned tenant migrations as data (SPEC D6): the ordered files of ./tenant-migrations, their checksums, and
 * which of them each tenant still needs. Pure apart from reading the folder, so the planning (pending, drift) is
 * unit-tested without a server; ./migrate applies the plan.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Where the migration files live (shipped next to this module, and beside the bundled runner in the Job). */
export const tenantMigrationsDirectory = join(__dirname, "tenant-migrations");

/** `NNNN_<name>.sql`: the number orders them; the same rule is a CHECK on control.tenant_migrations.name. */
export const migrationFilePattern = /^[0-9]{4}_[a-z0-9_]+\.sql$/;

export interface TenantMigration {
  /** The file name, e.g. `0002_add_run_duration.sql`; also its identity in the history. */
  name: string;
  /** sha256 of the text, hex: what the history records and drift is judged by. */
  checksum: string;
  sql: string;
}

export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql).digest("hex");
}

/** Builds the ordered list from file names and texts, refusing bad names and two files with one number. */
export function tenantMigrations(files: Record<string, string>): TenantMigration[] {
  const names = Object.keys(files).sort();
  const bad = names.filter((name) => !migrationFilePattern.test(name));
  if (bad.length) throw new Error(`tenant migration files must be named NNNN_<a-z0-9_>.sql: ${bad.join(", ")}`);
  const numbers = names.map((name) => name.slice(0, 4));
  const repeated = names.filter((_, i) => numbers.indexOf(numbers[i]) !== i);
  if (repeated.length) throw new Error(`two tenant migrations share a number: ${repeated.join(", ")}`);
  return names.map((name) => ({ name, checksum: migrationChecksum(files[name]), sql: files[name] }));
}

/** The migrations in a folder (default: ./tenant-migrations); subfolders (withdrawn/) are not read. */
export function readTenantMigrations(directory = tenantMigrationsDirectory): TenantMigration[] {
  const names = readdirSync(directory).filter((name) => name.endsWith(".sql"));
  return tenantMigrations(Object.fromEntries(names.map((name) => [name, readFileSync(join(directory, name), "utf8")])));
}

/**
 * Where a landed migration goes once it is withdrawn from every database (no tenant had it): kept byte for byte,
 * so the landed record still holds, but no longer offered to any template.
 */
export const withdrawnDirectory = join(tenantMigrationsDirectory, "withdrawn");

/** What one tenant needs: the migrations to apply in order, or why it must not be touched. */
export type TenantPlan = { slug: string; pending: string[]; drift: string[] };

/**
 * Compares a tenant's history (name → checksum applied) with the files. An applied migration whose file changed,
 * or whose file is gone, is drift: the tenant gets nothing until someone decides, because re-running edited DDL
 * (or skipping a vanished step) would leave it different from its neighbours without saying so. Only registered
 * files are pending (`registered`; default: every file): one the template check held back reaches no tenant, new
 * or existing.
 */
export function planTenant(
  slug: string,
  files: TenantMigration[],
  applied: Record<string, string>,
  registered?: ReadonlySet<string>,
): TenantPlan {
  const byName = new Map(files.map((file) => [file.name, file.checksum]));
  const drift = Object.keys(applied)
    .sort()
    .flatMap((name) => {
      const checksum = byName.get(name);
      if (checksum === undefined) return [`${name} was applied but its file is gone`];
      return checksum === applied[name] ? [] : [`${name} was edited after it was applied (checksum differs)`];
    });
  const pending = drift.length
    ? []
    : files.filter((file) => !(file.name in applied) && (registered?.has(file.name) ?? true)).map((file) => file.name);
  return { slug, pending, drift };
}

/** How one tenant's run ended (or, in a dry run, would end). */
export interface TenantOutcome {
  slug: string;
  status: "migrated" | "current" | "failed";
  /** Migrations applied in this run (a dry run: that a real run would apply). */
  applied: string[];
  error?: string;
  /** The migration whose apply failed (absent for drift, which is about the files, not one apply). */
  failedMigration?: string;
}

/** What a run did to the template (control.tenant_migrations), which create_tenant gives every new tenant. */
export interface TemplateReport {
  /** Files registered by this run (dry run: that a real run would register). */
  registered: string[];
  /** The first file whose template check failed: not registered, and no tenant gets it. */
  rejected?: { name: string; error: string };
  /** A registered migration a new tenant no longer gets (create_tenant stops before it), and how many have it. */
  broken?: { name: string; error: string; appliedBy: number };
  /** Files not registered because of `rejected` or `broken`: this one and the ones after it. */
  held: string[];
  /** Registered migrations whose file is gone, and how many tenants have each. */
  orphaned: { name: string; appliedBy: number }[];
}

/** A migration that failed on tenants in this run: how many tenants have it now, which failed. */
export interface MigrationFailure {
  name: string;
  appliedBy: number;
  failedOn: string[];
}

export interface FleetResult {
  database: string;
  dryRun: boolean;
  template: TemplateReport;
  outcomes: TenantOutcome[];
  failures: MigrationFailure[];
  seconds: number;
}

/** The one summary line the runner ends with, the same from `npm run db:migrate` and the bootstrap Job. */
export function summaryLine(result: Pick<FleetResult, "outcomes" | "template" | "seconds" | "dryRun">): string {
  const { outcomes, template, seconds, dryRun } = result;
  const count = (status: TenantOutcome["status"]) => outcomes.filter((o) => o.status === status).length;
  const [verb, apply, fail, register] = dryRun
    ? ["would migrate", "would apply", "would fail", "would register"]
    : ["migrated", "applied", "failed", "registered"];
  return (
    `${verb} ${outcomes.length} tenants: ${count("migrated")} ${apply}, ${count("current")} already current, ` +
    `${count("failed")} ${fail}; template: ${template.registered.length} ${register}, ` +
    `${template.held.length} held back in ${seconds.toFixed(1)} s`
  );
}

/** Whether the run leaves something to fix (exit 1): a tenant failed, a file was held back, the template is off. */
export function fleetFailed(result: Pick<FleetResult, "outcomes" | "template">): boolean {
  const { outcomes, template } = result;
  return (
    outcomes.some((o) => o.status === "failed") ||
    template.held.length > 0 ||
    template.broken !== undefined ||
    template.orphaned.length > 0
  );
}

/** The command that recovers, as a user types it (the admin URL is theirs: it is never printed). */
export function migrateCommand(database: string, ...args: string[]): string {
  return ["npm run db:migrate -- --url <admin URL of", `${database}>`, ...args].join(" ");
}

/** As a user finds it from the repository's root. */
const withdrawnFolder = "components/database/bootstrap/tenant-migrations/withdrawn/";

const listed = (slugs: string[], max = 5) =>
  slugs.slice(0, max).join(", ") + (slugs.length > max ? `, … (${slugs.length} in all)` : "");

/**
 * What is wrong after a run, and the exact way out, one paragraph per problem (empty when nothing is). The rule
 * behind each: a migration no tenant has may still change or be withdrawn; one any tenant has is fixed forward,
 * never edited, deleted or unregistered (see docs/migrations.md).
 */
export function recoveryLines(result: Pick<FleetResult, "database" | "template" | "failures">): string[] {
  const { database, template, failures } = result;
  const lines: string[] = [];
  const withdraw = (name: string) => `  ${migrateCommand(database, "--withdraw", name)}`;
  const waiting = template.held.filter((name) => name !== template.rejected?.name);
  const waitingLine = waiting.length ? [`  Waiting for it (not registered either): ${waiting.join(", ")}.`] : [];

  if (template.rejected) {
    const { name, error } = template.rejected;
    lines.push(
      `${name} was not registered: a new tenant built from the template fails on it with: ${error}`,
      "  No tenant has it and new tenants do not get it, so sign-ups keep working. Before it lands, fix the file;",
      `  once landed, move it to ${withdrawnFolder} and add the fix as a new migration. Then run db:migrate again.`,
      ...waitingLine,
    );
  }
  const orphaned = new Map(template.orphaned.map((o) => [o.name, o.appliedBy]));
  if (template.broken) {
    const { name, error, appliedBy } = template.broken;
    const gone = orphaned.has(name) ? " and its file is gone" : "";
    lines.push(
      `${name} is registered${gone}, but a new tenant built from the template fails on it with: ${error}`,
      "  create_tenant gives new tenants the migrations before it (sign-ups keep working, with a warning).",
      ...(appliedBy === 0
        ? [
            "  No tenant has it: take it out of the template with",
            withdraw(name),
            `  then move the file to ${withdrawnFolder} and add the fix as a new migration.`,
          ]
        : [
            `  ${appliedBy} tenant(s) have it, so it cannot be withdrawn: remove the cause the error names (it is`,
            "  outside the migration's text, which those tenants applied) and run db:migrate again.",
          ]),
      ...waitingLine,
    );
    orphaned.delete(name);
  }
  for (const [name, appliedBy] of orphaned) {
    lines.push(
      appliedBy === 0
        ? `${name} is registered but its file is gone; no tenant has it. New tenants still get it: withdraw it with`
        : `${name} is registered and ${appliedBy} tenant(s) have it, but its file is gone. Restore the file (git`,
      ...(appliedBy === 0
        ? [withdraw(name)]
        : ["  history has it): an applied migration is never deleted; to undo what it did, add a new migration."]),
    );
  }
  for (const { name, appliedBy, failedOn } of failures) {
    const retry = failedOn.length === 1 ? ["--tenant", failedOn[0]] : [];
    lines.push(
      ...(appliedBy === 0
        ? [
            `${name} failed on every tenant that tried it (${listed(failedOn)}) and no tenant has it. Take it out of`,
            "  the template with",
            withdraw(name),
            `  then move the file to ${withdrawnFolder} and add the fix as a new migration (before it lands,`,
            "  fixing the file in place and running again also works: nothing applied it).",
          ]
        : [
            `${name} failed on ${failedOn.length} tenant(s) (${listed(failedOn)}); ${appliedBy} tenant(s) have it.`,
            "  It stays registered: never edit, delete or withdraw it. Forward fix: remove the cause each error names",
            "  (e.g. the rows a new constraint rejects, or a long lock), then run",
            `  ${migrateCommand(database, ...retry)}`,
            "  and if what it does must change, add a new migration after it that changes it.",
          ]),
    );
  }
  return lines;
}

/** A one-line progress bar for a terminal (redrawn with \r). */
export function progressBar(done: number, total: number, failed: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  const tail = failed ? `, ${failed} failed` : "";
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} tenants${tail}`;
}

/** The plain line a non-terminal (a log, the Job) gets for a tenant: only those that changed or failed. */
export function outcomeLine(outcome: TenantOutcome, dryRun = false): string | undefined {
  if (outcome.status === "failed")
    return `tenant ${outcome.slug} ${dryRun ? "would FAIL" : "FAILED"}: ${outcome.error}`;
  if (outcome.status === "migrated")
    return `tenant ${outcome.slug}: ${dryRun ? "would apply" : "applied"} ${outcome.applied.join(", ")}`;
  return undefined;
}
