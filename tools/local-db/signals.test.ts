/**
 * `npm run db:local` is stopped at different moments, the way a developer stops it: SIGTERM to the npm process, or
 * Ctrl-C (SIGINT to the whole foreground process group). Whatever the moment, it must exit cleanly and leave no
 * server and no data folder; and a crashed run's leftovers must not cost the next start its port or a long wait.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { projectRoot } from "../../offline/run";
import { freePort } from "./server";
import { isAlive } from "./stale";

interface Run {
  pid: number;
  output: () => string;
  /** Resolves when the output matches. */
  reached: (pattern: RegExp) => Promise<void>;
  exited: Promise<number | null>;
}

/** The real command, in a process group of its own (as a terminal runs a foreground job). */
function dbLocal(port: number): Run {
  const child = spawn("npm", ["run", "-s", "db:local", "--", "--port", String(port)], {
    cwd: projectRoot,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const waiting: (() => void)[] = [];
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    waiting.splice(0).forEach((check) => check());
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const reached = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => (pattern.test(output) ? resolve() : waiting.push(check));
      check();
      void exited.then(() => reject(new Error(`exited before ${pattern}:\n${output}`)));
    });
  return { pid: child.pid!, output: () => output, reached, exited };
}

const folderOf = (run: Run) => /data in (\S+) \(deleted on stop\)/.exec(run.output())?.[1];

/** Processes whose command line mentions `text` (a data folder, an npm run's port). */
function processesMentioning(text: string): { pid: number; ppid: number; args: string }[] {
  return execFileSync("ps", ["-eo", "pid=,ppid=,args="], { encoding: "utf8" })
    .split("\n")
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && m[3].includes(text) && !m[3].startsWith("ps "))
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3] }));
}

/** Polls until nothing is left of the run (cleanup after a signal takes a moment), or times out. */
async function nothingLeft(folder: string, port: number, withinMs = 10_000) {
  const started = Date.now();
  let left: string[] = [];
  do {
    left = [
      ...(existsSync(folder) ? [`folder ${folder}`] : []),
      ...processesMentioning(folder).map((p) => `process ${p.args}`),
      ...processesMentioning(`--port ${port}`).map((p) => `process ${p.args}`),
    ];
    if (!left.length) return [];
    await sleep(200);
  } while (Date.now() - started < withinMs);
  return left;
}

describe.each([
  ["SIGTERM to the npm process", (run: Run) => process.kill(run.pid, "SIGTERM")],
  ["Ctrl-C (SIGINT to the process group)", (run: Run) => process.kill(-run.pid, "SIGINT")],
])("npm run db:local, stopped by %s", (_how, signal) => {
  it.concurrent.each([
    ["during start-up, while PostgreSQL initialises", /data in \S+/, 600],
    ["during the bootstrap", /migrating the tenants of qualisys_master/, 0],
    ["once it is ready", /^ADMIN_DATABASE_URL=/m, 0],
  ])("%s: exits 0 and leaves no server and no data folder", async (_moment, pattern, delayMs) => {
    const port = await freePort();
    const run = dbLocal(port);
    await run.reached(pattern);
    const folder = folderOf(run)!;
    expect(folder).toMatch(/qualisys-pg-/);
    await sleep(delayMs);
    signal(run);
    expect(await run.exited).toBe(0);
    expect(await nothingLeft(folder, port)).toEqual([]);
  });
});

describe("npm run db:local after a crash", () => {
  it("stops the crashed run's server, removes its folder, and starts on the same port without waiting", async () => {
    const port = await freePort();
    const crashed = dbLocal(port);
    await crashed.reached(/^DATABASE_URL=/m);
    const folder = folderOf(crashed)!;
    // A crash: every process of the run dies at once, except PostgreSQL itself, which keeps the port.
    const postgres = processesMentioning(folder).filter((p) => / -D /.test(p.args));
    expect(postgres.length).toBe(1);
    const all = processesMentioning("");
    // npm, the command and the server's Node process; not PostgreSQL, nor its own children.
    const tree = (pid: number): number[] =>
      pid === postgres[0].pid ? [] : [pid, ...all.filter((p) => p.ppid === pid).flatMap((p) => tree(p.pid))];
    for (const pid of tree(crashed.pid)) process.kill(pid, "SIGKILL");
    await crashed.exited;
    expect(existsSync(folder)).toBe(true);

    const started = Date.now();
    const next = dbLocal(port);
    await next.reached(/^DATABASE_URL=/m);
    expect(Date.now() - started).toBeLessThan(30_000);
    // Its sweep (or that of a test starting a server in parallel) stopped the crashed server and removed the folder.
    expect(existsSync(folder)).toBe(false);
    expect(isAlive(postgres[0].pid)).toBe(false);
    process.kill(next.pid, "SIGTERM");
    expect(await next.exited).toBe(0);
    expect(await nothingLeft(folderOf(next)!, port)).toEqual([]);
  });

  it("refuses at once a port another program holds, leaving nothing behind", async () => {
    const port = await freePort();
    const holder = createServer().listen(port, "127.0.0.1");
    try {
      const started = Date.now();
      const run = dbLocal(port);
      expect(await run.exited).toBe(1);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(run.output()).toContain(`port ${port} on 127.0.0.1 is in use by another program`);
      expect(folderOf(run)).toBeUndefined();
    } finally {
      holder.close();
    }
  });
});
