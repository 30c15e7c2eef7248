/**
 * Drift before merge (SPEC D6): the checked-in record of landed tenant migrations, one `<sha256>  <file>` line each
 * in `sha256sum` format, next to the folder. A landed migration may have reached tenants, so its file must never
 * change or disappear: a jest test (npm test) compares the files with the record, and pr-checks compares the record
 * with the base branch's (lines are only ever appended). The record changes only when a migration is added
 * (`npm run db:migrations:record`). Pure apart from reading and writing the record.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import {
  readTenantMigrations,
  tenantMigrationsDirectory,
  withdrawnDirectory,
  type TenantMigration,
} from "../../components/database/bootstrap/migrations";

/** The record: `components/database/bootstrap/tenant-migrations.sha256`. */
export const landedFile = `${tenantMigrationsDirectory}.sha256`;
const projectRoot = join(__dirname, "..", "..");
const shown = (path: string) => relative(projectRoot, path);

export interface Landed {
  name: string;
  checksum: string;
}

/** Parses the record; throws on a line that is not `<64 hex>  <name>`. */
export function parseLanded(text: string): Landed[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, i) => {
      const match = /^([0-9a-f]{64}) {2}([^\s/]+)$/.exec(line);
      if (!match) throw new Error(`${shown(landedFile)} line ${i + 1} is not "<sha256>  <file>": ${line}`);
      return { checksum: match[1], name: match[2] };
    });
}

export function formatLanded(entries: Landed[]): string {
  return entries.map((e) => `${e.checksum}  ${e.name}\n`).join("");
}

export function readLanded(file = landedFile): Landed[] {
  return existsSync(file) ? parseLanded(readFileSync(file, "utf8")) : [];
}

/** The number the next migration takes: one past the highest landed or present. */
function nextNumber(names: string[]): string {
  const highest = Math.max(0, ...names.map((name) => Number(name.slice(0, 4))));
  return String(highest + 1).padStart(4, "0");
}

/** The withdrawn migrations kept in tenant-migrations/withdrawn/ (none when the folder does not exist). */
export function readWithdrawn(directory = withdrawnDirectory): TenantMigration[] {
  return existsSync(directory) ? readTenantMigrations(directory) : [];
}

/**
 * What is wrong with the files against the record, each problem naming the file and what to do instead: a landed
 * file edited or deleted (restore it; the change goes into a new migration), a file not recorded yet (record it),
 * or a new file numbered before the last landed one (tenants that have that one would get it out of order). A
 * landed file moved unchanged into withdrawn/ (after `db:migrate --withdraw` in every database) is no problem.
 */
export function landedProblems(
  landed: Landed[],
  files: TenantMigration[],
  withdrawn: TenantMigration[] = [],
): string[] {
  const byName = new Map([...withdrawn, ...files].map((f) => [f.name, f]));
  const both = files.filter((f) => withdrawn.some((w) => w.name === f.name)).map((f) => f.name);
  const recorded = new Set(landed.map((l) => l.name));
  const next = `${nextNumber([...landed, ...files, ...withdrawn].map((m) => m.name))}_<what>.sql`;
  const restore = (name: string) => `git checkout origin/main -- ${shown(join(tenantMigrationsDirectory, name))}`;
  const problems = both.map(
    (name) => `${name} is both a migration and withdrawn: keep it in one place (withdrawn/ once no tenant has it).`,
  );
  for (const { name, checksum } of landed) {
    const file = byName.get(name);
    if (!file) {
      problems.push(
        `${name} has landed, but its file is gone. Tenants may have it: restore it (${restore(name)}), ` +
          `and to undo what it did add a new migration, ${next}.`,
      );
    } else if (file.checksum !== checksum) {
      problems.push(
        `${name} was edited after it landed (sha256 ${checksum.slice(0, 12)} recorded, ${file.checksum.slice(0, 12)} ` +
          `now). Tenants may have it: restore it (${restore(name)}) and add the change as a new migration, ${next}.`,
      );
    }
  }
  const last = landed
    .map((l) => l.name)
    .sort()
    .at(-1);
  for (const file of [...files, ...withdrawn].filter((f) => !recorded.has(f.name))) {
    if (last !== undefined && file.name < last) {
      problems.push(
        `${file.name} is new but numbered before ${last}, which has landed: tenants that have ${last} would get ` +
          `it out of order. Renumber it ${next}.`,
      );
    } else {
      problems.push(
        `${file.name} is not recorded in ${shown(landedFile)}: run npm run db:migrations:record and commit the record.`,
      );
    }
  }
  return problems;
}

/** The record with every unrecorded file appended in order; never changes a line (refuses when problems remain). */
export function recordNew(landed: Landed[], files: TenantMigration[], withdrawn: TenantMigration[] = []): Landed[] {
  const blocking = landedProblems(landed, files, withdrawn).filter((p) => !p.includes("is not recorded in"));
  if (blocking.length) throw new Error(blocking.join("\n"));
  const recorded = new Set(landed.map((l) => l.name));
  return [...landed, ...files.filter((f) => !recorded.has(f.name)).map(({ name, checksum }) => ({ name, checksum }))];
}

/**
 * pr-checks: the pull request's record against its base branch's. Every landed line stays, unchanged and in place;
 * new lines only follow them. (Editing a migration and its line together passes the file check; not this one.)
 */
export function appendOnlyProblems(base: Landed[], current: Landed[]): string[] {
  return base.flatMap((entry, i) => {
    const now = current[i];
    if (now?.name === entry.name && now.checksum === entry.checksum) return [];
    const moved = current.find((c) => c.name === entry.name);
    if (!moved) return [`${entry.name} has landed on the base branch, but this change removes it from the record`];
    if (moved.checksum !== entry.checksum) {
      return [
        `${entry.name} has landed on the base branch, but this change rewrites its checksum: landed migrations ` +
          "never change; restore the file and its line, and add the change as a new migration",
      ];
    }
    return [`${entry.name} has landed on the base branch, but this change moves its line: only append to the record`];
  });
}

export function writeLanded(entries: Landed[], file = landedFile): void {
  writeFileSync(file, formatLanded(entries));
}
