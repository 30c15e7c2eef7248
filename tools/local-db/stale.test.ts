/** Which leftovers the next start removes (./stale), on folders made up for the purpose. */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { folderPrefix, isAlive, markOwner, readPid, sweepStaleServers } from "./stale";

let parent: string;
beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), "qualisys-stale-test-"));
});
afterEach(() => rmSync(parent, { recursive: true, force: true }));

/** The pid of a process that has exited. */
const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid!;

function folder(name: string, owner?: number, ageSeconds = 0): string {
  const path = join(parent, `${folderPrefix}${name}`);
  mkdirSync(join(path, "data"), { recursive: true });
  if (owner !== undefined) markOwner(path, owner);
  const when = Date.now() / 1000 - ageSeconds;
  utimesSync(path, when, when);
  return path;
}

it("tells live processes from dead ones, and reads pid files", () => {
  expect(isAlive(process.pid)).toBe(true);
  expect(isAlive(deadPid())).toBe(false);
  const file = join(parent, "postmaster.pid");
  writeFileSync(file, "4242\n/data\n");
  expect(readPid(file)).toBe(4242);
  expect(readPid(join(parent, "missing"))).toBeUndefined();
});

it("removes the folders of dead owners and keeps those of live ones and of other programs", async () => {
  const crashed = folder("crashed", deadPid());
  const live = folder("live", process.pid);
  const fresh = folder("fresh"); // owner file not written yet
  const old = folder("old", undefined, 120); // from before owner files, nothing running in it
  const unrelated = join(parent, "something-else");
  mkdirSync(unrelated);
  expect((await sweepStaleServers(parent)).sort()).toEqual([crashed, old].sort());
  expect([crashed, live, fresh, old, unrelated].map(existsSync)).toEqual([false, true, true, false, true]);
});

it("never signals a live process that does not serve the folder (a reused pid)", async () => {
  const crashed = folder("crashed", deadPid());
  // This test process stands in for a reused pid: alive, but its command line does not mention the folder.
  writeFileSync(join(crashed, "data", "postmaster.pid"), `${process.pid}\n`);
  expect(await sweepStaleServers(parent)).toEqual([crashed]);
  expect(isAlive(process.pid)).toBe(true);
});

it("leaves an owner-less folder alone while a server runs in it: whose it is cannot be told", async () => {
  const foreign = folder("foreign", undefined, 120);
  // A stand-in server whose command line names the folder, as `postgres -D <folder>/data` does.
  const server = spawn(process.execPath, ["-e", "setTimeout(() => {}, 20000)", join(foreign, "data")]);
  try {
    writeFileSync(join(foreign, "data", "postmaster.pid"), `${server.pid}\n`);
    expect(await sweepStaleServers(parent)).toEqual([]);
    expect(existsSync(foreign)).toBe(true);
    expect(isAlive(server.pid!)).toBe(true);
  } finally {
    server.kill();
  }
});

it("skips a folder that vanishes while it looks (its owner stopping, or another start sweeping it)", async () => {
  // A name whose target is gone stands in for the moment between listing the folder and reading its age.
  const vanished = join(parent, `${folderPrefix}vanished`);
  symlinkSync(join(parent, "gone"), vanished);
  const crashed = folder("crashed", deadPid());
  expect(await sweepStaleServers(parent)).toEqual([crashed]);
});
