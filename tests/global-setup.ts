/**
 * Jest global setup: runs the program once per stack, in two child processes (one per core: most of a run is loading
 * and running the program), and leaves the records where `runStack` finds them (offline/record-cache); the children
 * then stay up as the record service (offline/record-service, tests/record-service.ts), running the other runs whose
 * options are plain data (a variant config, a secret, a deployed state) for the test workers, which inherit both
 * variables. Runs with a program of their own, or that fail, still run in the test's process.
 * Then it points TMPDIR at a folder of the run's own, which the teardown checks is left empty (./temp-folder), and
 * keeps Node's compile cache out of it (in node_modules/.cache, reused from run to run).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordCacheVariable } from "../offline/record-cache";
import { recordServiceVariable, type Service } from "../offline/record-service";
import { allStacks, hostOf } from "../offline/stacks";
import { openRunTempFolder } from "./temp-folder";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { compileCacheDir } = require("../tools/compile-cache.js") as { compileCacheDir: string };

/** Where the teardown finds the services (jest runs setup and teardown in one process). */
export const servicesKey = Symbol.for("qualisys.recordServices");

/**
 * The stacks split into `count` groups of about the same size, each hosted stack in its host's group (after it), so
 * its run reads the host's record instead of running the host again.
 */
export function recordingGroups(stacks: readonly string[], count: number, host = hostOf): string[][] {
  const families = stacks
    .filter((stack) => !stacks.includes(host(stack) ?? ""))
    .map((root) => [root, ...stacks.filter((stack) => host(stack) === root)])
    .sort((a, b) => b.length - a.length);
  const groups: string[][] = Array.from({ length: count }, () => []);
  for (const family of families) groups.reduce((a, b) => (b.length < a.length ? b : a)).push(...family);
  return groups.filter((group) => group.length);
}

/** Unix socket paths are limited to 107 bytes; a longer TMPDIR runs without the service (every run in its test). */
const socketFits = (path: string) => Buffer.byteLength(path) <= 100;

function startService(root: string, dir: string, socket: string, group: string[]): Promise<ChildProcess> {
  // tools/run-ts.js rather than tsx: the same program, a few seconds less of loader hooks per child.
  const child = spawn(
    process.execPath,
    [join(root, "tools", "run-ts.js"), join(root, "tests", "record-service.ts"), dir, socket, ...group],
    { cwd: root, stdio: ["pipe", "pipe", "inherit"] },
  );
  return new Promise((resolve, reject) => {
    let output = "";
    const ready = (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes("READY\n")) return;
      child.stdout!.off("data", ready);
      // What the program prints while serving goes to jest's stderr, like a test's own output.
      child.stdout!.pipe(process.stderr);
      resolve(child);
    };
    child.stdout!.on("data", ready);
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`recording ${group.join(", ")} exited ${code}:\n${output}`)));
  });
}

export default async function globalSetup(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "qualisys-records-"));
  const root = join(__dirname, "..");
  const groups = recordingGroups(allStacks, 2);
  // "-": no service, only the records.
  const paths = groups.map((_, i) => join(dir, `service-${i}.sock`));
  const sockets = paths.every(socketFits) ? paths : paths.map(() => "-");
  const children = await Promise.all(groups.map((group, i) => startService(root, dir, sockets[i], group)));
  (globalThis as Record<symbol, unknown>)[servicesKey] = children;
  process.env[recordCacheVariable] = dir;
  const services: Service[] = groups.map((recorded, i) => ({ socket: sockets[i], recorded }));
  if (!sockets.includes("-")) process.env[recordServiceVariable] = JSON.stringify(services);
  // From here on, every test's temporary files go to a folder of this run's own (./temp-folder).
  openRunTempFolder();
  // Node's module compile cache (npm, prettier, eslint and tsc turn it on; the variable turns it on for every Node
  // process the run starts) goes beside the other tool caches instead of into the temp folder, where it would be
  // left behind and, the folder being new every run, never reused.
  process.env.NODE_COMPILE_CACHE = compileCacheDir;
}
