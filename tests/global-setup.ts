/**
 * Jest global setup: runs the program once per stack, in child processes, and leaves the records where
 * `runStack` finds them (see ./record-cache); worker processes inherit the variable. Runs
 * with options (a broken config, a secret, another program) and `cached: false` still run the program afresh.
 * The stacks are split over two children, one per core, since most of a run is loading and running the program.
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordCacheVariable } from "../offline/record-cache";
import { allStacks } from "../offline/stacks";

export default async function globalSetup(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "qualisys-records-"));
  const root = join(__dirname, "..");
  const groups = [allStacks.filter((_, i) => i % 2 === 0), allStacks.filter((_, i) => i % 2 === 1)].filter(
    (g) => g.length,
  );
  await Promise.all(
    groups.map(
      (group) =>
        new Promise<void>((resolve, reject) => {
          // tools/run-ts.js rather than tsx: the same program, a few seconds less of loader hooks per child.
          const child = spawn(
            process.execPath,
            [join(root, "tools", "run-ts.js"), join(root, "tests", "write-records.ts"), dir, ...group],
            {
              cwd: root,
              stdio: "inherit",
            },
          );
          child.once("error", reject);
          child.once("exit", (code) =>
            code === 0 ? resolve() : reject(new Error(`recording ${group.join(", ")} exited ${code}`)),
          );
        }),
    ),
  );
  process.env[recordCacheVariable] = dir;
}
