/**
 * Every test removes what it creates (SPEC U2). Jest's global setup gives the run a temporary folder of its own and
 * points TMPDIR at it, so `os.tmpdir()` in every test worker and every process a test starts (`mktemp`, PostgreSQL's
 * throw-away folders) lands there; the global teardown lists what is still in it, removes it, and fails the run
 * when anything was left behind. Other programs on the machine keep using the system's folder, so what is listed
 * is this run's alone.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where the run's folder is, for the teardown (jest runs setup and teardown in one process). */
const runFolderVariable = "QUALISYS_TEST_TMPDIR";
const previousVariable = "QUALISYS_TEST_TMPDIR_PREVIOUS";

/** Makes the run's temporary folder and points TMPDIR at it; returns it. */
export function openRunTempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "qualisys-test-run-"));
  // As open as the system's /tmp (sticky, world-writable): tests run PostgreSQL as the OS user `postgres` when root.
  chmodSync(folder, 0o1777);
  process.env[previousVariable] = process.env.TMPDIR ?? "";
  process.env[runFolderVariable] = folder;
  process.env.TMPDIR = folder;
  return folder;
}

/** Removes the run's temporary folder and returns what the tests left in it (empty when every test cleaned up). */
export function closeRunTempFolder(): string[] {
  const folder = process.env[runFolderVariable];
  if (!folder) return [];
  const left = readdirSync(folder).sort();
  rmSync(folder, { recursive: true, force: true });
  const previous = process.env[previousVariable];
  if (previous) process.env.TMPDIR = previous;
  else delete process.env.TMPDIR;
  delete process.env[runFolderVariable];
  return left;
}

/**
 * For a test file: `const scratch = tempFolders()` at its top level (or a describe's) gives `scratch(prefix)`, a
 * fresh folder under the temp folder, and removes every folder it gave once the file's (or describe's) tests end.
 */
export function tempFolders(): (prefix: string) => string {
  const made: string[] = [];
  afterAll(() => {
    for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true });
  });
  return (prefix) => {
    const folder = mkdtempSync(join(tmpdir(), prefix));
    made.push(folder);
    return folder;
  };
}
