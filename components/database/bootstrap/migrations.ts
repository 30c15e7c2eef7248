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

/** The migrations in a folder (default: ./tenant-migrations). */
export function readTenantMigrations(directory = tenantMigrationsDirectory): TenantMigration[] {
  const names = readdirSync(directory).filter((name) => name.endsWith(".sql"));
  return tenantMigrations(Object.fromEntries(names.map((name) => [name, readFileSync(join(directory, name), "utf8")])));
}

/** What one tenant needs: the migrations to apply in order, or why it must not be touched. */
export type TenantPlan = { slug: string; pending: string[]; drift: string[] };

/**
 * Compares a tenant's history (name → checksum applied) with the files. An applied migration whose file changed,
 * or whose file is gone, is drift: the tenant gets nothing until someone decides, because re-running edited DDL
 * (or skipping a vanished step) would leave it different from its neighbours without saying so.
 */
export function planTenant(slug: string, files: TenantMigration[], applied: Record<string, string>): TenantPlan {
  const byName = new Map(files.map((file) => [file.name, file.checksum]));
  const drift = Object.keys(applied)
    .sort()
    .flatMap((name) => {
      const checksum = byName.get(name);
      if (checksum === undefined) return [`${name} was applied but its file is gone`];
      return checksum === applied[name] ? [] : [`${name} was edited after it was applied (checksum differs)`];
    });
  const pending = drift.length ? [] : files.filter((file) => !(file.name in applied)).map((file) => file.name);
  return { slug, pending, drift };
}

/** How one tenant's run ended. */
export interface TenantOutcome {
  slug: string;
  status: "migrated" | "current" | "failed";
  /** Migrations applied in this run. */
  applied: string[];
  error?: string;
}

/** The one summary line the runner ends with. */
export function summaryLine(outcomes: TenantOutcome[], seconds: number, dryRun = false): string {
  const count = (status: TenantOutcome["status"]) => outcomes.filter((o) => o.status === status).length;
  const verb = dryRun ? "would migrate" : "migrated";
  return (
    `${verb} ${outcomes.length} tenants: ${count("migrated")} applied, ${count("current")} already current, ` +
    `${count("failed")} failed in ${seconds.toFixed(1)} s`
  );
}

/** A one-line progress bar for a terminal (redrawn with \r). */
export function progressBar(done: number, total: number, failed: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  const tail = failed ? `, ${failed} failed` : "";
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} tenants${tail}`;
}

/** The plain line a non-terminal (a log, the Job) gets for a tenant: only those that changed or failed. */
export function outcomeLine(outcome: TenantOutcome): string | undefined {
  if (outcome.status === "failed") return `tenant ${outcome.slug} FAILED: ${outcome.error}`;
  if (outcome.status === "migrated") return `tenant ${outcome.slug}: applied ${outcome.applied.join(", ")}`;
  return undefined;
}
