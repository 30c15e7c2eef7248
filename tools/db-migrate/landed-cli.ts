/**
 * `npm run db:migrations:record`: appends the checksum of every new tenant migration to the record (./landed).
 * `npm run db:migrations:check [-- --base <record of the base branch>]`: the files against the record (what npm test
 * checks) and, with --base, the record against the base branch's (what only pr-checks can check). Exit 1 with one
 * line per problem, naming the file and what to do instead.
 */
import { readFileSync } from "node:fs";
import { readTenantMigrations } from "../../components/database/bootstrap/migrations";
import {
  appendOnlyProblems,
  landedProblems,
  parseLanded,
  readLanded,
  readWithdrawn,
  recordNew,
  writeLanded,
} from "./landed";

function main(argv: string[]): number {
  const [command, flag, base] = argv;
  const files = readTenantMigrations();
  const landed = readLanded();
  const withdrawn = readWithdrawn();
  if (command === "record" && argv.length === 1) {
    const next = recordNew(landed, files, withdrawn);
    writeLanded(next);
    const added = next.slice(landed.length).map((l) => l.name);
    console.log(added.length ? `recorded ${added.join(", ")}` : "every tenant migration is already recorded");
    return 0;
  }
  if (command === "check" && (argv.length === 1 || (flag === "--base" && base && argv.length === 3))) {
    const problems = [
      ...landedProblems(landed, files, withdrawn),
      ...(base ? appendOnlyProblems(parseLanded(readFileSync(base, "utf8")), landed) : []),
    ];
    for (const problem of problems) console.error(problem);
    if (!problems.length) console.log(`${landed.length} landed tenant migrations unchanged`);
    return problems.length ? 1 : 0;
  }
  console.error("usage: landed-cli.ts record | check [--base <record of the base branch>]");
  return 2;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
