/**
 * Leftovers of a local server whose owner crashed (a killed terminal, a SIGKILLed test run): its throw-away folder,
 * and maybe a PostgreSQL still holding the port. Each folder names its owner (the process that started it, in
 * `owner`); the next start removes the folders whose owner is gone, stopping their server first, so a crash never
 * costs the next start its port or a wait. Folders of live owners (another db:local, a test) are never touched.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** Every local server's folder is `<tmpdir>/qualisys-pg-<random>`. */
export const folderPrefix = "qualisys-pg-";

/**
 * Whether a process runs (EPERM: it does, as another user, e.g. the OS user postgres). A zombie does not: a
 * crashed run's processes stay zombies where nothing reaps orphans (a container whose PID 1 is not an init).
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const stat = `/proc/${pid}/stat`;
  return !existsSync(stat) || !/^\d+ \(.*\) Z/s.test(readFileSync(stat, "utf8"));
}

/** The first line of a pid file (postmaster.pid starts with the postmaster's pid), if there is one. */
export function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number.parseInt(readFileSync(file, "utf8").split("\n")[0], 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function markOwner(folder: string, pid = process.pid): void {
  writeFileSync(join(folder, "owner"), `${pid}\n`);
}

/** Whether `pid` is a PostgreSQL serving `folder` (guards against a reused pid; Linux's /proc, else trusted). */
function servesFolder(pid: number, folder: string): boolean {
  const cmdline = `/proc/${pid}/cmdline`;
  return !existsSync(cmdline) || readFileSync(cmdline, "utf8").includes(folder);
}

/** Fast shutdown (SIGINT), then SIGKILL if it is still there after `graceMs`. */
async function terminate(pid: number, graceMs = 10_000): Promise<void> {
  process.kill(pid, "SIGINT");
  for (const started = Date.now(); Date.now() - started < graceMs; await sleep(100)) if (!isAlive(pid)) return;
  process.kill(pid, "SIGKILL");
}

/**
 * Removes the folders of dead owners under `parent`, stopping their server first; returns them. A folder without
 * an owner file (its owner is between creating it and writing the file, or predates owner files) is removed only
 * when it is a minute old and no server runs in it: whose server it is cannot be told, so it is never stopped.
 */
export async function sweepStaleServers(parent = tmpdir()): Promise<string[]> {
  const swept: string[] = [];
  for (const name of readdirSync(parent).filter((entry) => entry.startsWith(folderPrefix))) {
    const folder = join(parent, name);
    try {
      const owner = readPid(join(folder, "owner"));
      const postmaster = readPid(join(folder, "data", "postmaster.pid"));
      const serving = postmaster !== undefined && isAlive(postmaster) && servesFolder(postmaster, folder);
      if (owner === undefined ? serving || Date.now() - statSync(folder).mtimeMs < 60_000 : isAlive(owner)) continue;
      if (serving) await terminate(postmaster);
      rmSync(folder, { recursive: true, force: true, maxRetries: 5 });
      swept.push(folder);
    } catch (error) {
      // Its owner (or another start's sweep) removed it while we looked: nothing left to sweep.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  return swept;
}

/** Whether something already listens on 127.0.0.1:`port`. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(true));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(false)));
  });
}
