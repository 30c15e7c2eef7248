/**
 * Jest global setup: runs the program once per stack, in a child process, and leaves the records where
 * `runStack` finds them (see ./record-cache); worker processes inherit the variable. Runs
 * with options (a broken config, a secret, another program) and `cached: false` still run the program afresh.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordCacheVariable } from "../offline/record-cache";

export default function globalSetup(): void {
  const dir = mkdtempSync(join(tmpdir(), "qualisys-records-"));
  const root = join(__dirname, "..");
  execFileSync(join(root, "node_modules", ".bin", "tsx"), [join(root, "tests", "write-records.ts"), dir], {
    cwd: root,
    stdio: "inherit",
  });
  process.env[recordCacheVariable] = dir;
}
