#!/usr/bin/env node
/**
 * Restores package-lock.json entries for other platforms' optional binaries (`@swc/core-darwin-arm64` and the
 * like). The npm registry this project is developed against serves only Linux builds, so npm drops the other
 * platforms' optional packages from the lockfile, and `npm ci` then rejects the lockfile as out of sync. Each
 * restored entry carries the version its parent pins and the os/cpu/libc its name states, so npm skips it on
 * other platforms and fetches it normally on the platform it is for.
 *
 * Run after every `npm install` that changes a lockfile: `npm run lock:platforms`. It fixes the root lockfile and the
 * policy pack's own (policy/package-lock.json, which `npm ci` in a standalone copy of the pack reads), or the
 * lockfiles given as arguments.
 */
import { readFileSync, writeFileSync } from "node:fs";

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = (path) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const files =
  process.argv.length > 2 ? process.argv.slice(2) : [root("package-lock.json"), root("policy/package-lock.json")];

const oses = ["darwin", "linux", "win32", "freebsd", "android", "openbsd", "netbsd", "sunos", "aix", "openharmony"];
const cpus = ["arm64", "x64", "ia32", "arm", "ppc64", "s390x", "riscv64", "loong64", "mips64el", "wasm32"];

function platformOf(name) {
  const parts = name.split("/").pop().split("-");
  const os = oses.find((o) => parts.includes(o) || (o === "win32" && parts.includes("windows")));
  const cpu = cpus.find(
    (c) => parts.includes(c) || (c === "arm" && parts.some((p) => p.startsWith("arm") && p !== "arm64")),
  );
  const libc = parts.some((p) => p.startsWith("musl"))
    ? "musl"
    : parts.includes("gnu") || parts.some((p) => p.startsWith("gnu"))
      ? "glibc"
      : undefined;
  return { os, cpu, libc };
}

function restore(file) {
  const lock = JSON.parse(readFileSync(file, "utf8"));
  const packages = lock.packages;
  let added = 0;
  for (const [path, meta] of Object.entries(packages)) {
    for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
      const nested = `${path ? `${path}/` : ""}node_modules/${dep}`;
      const top = `node_modules/${dep}`;
      if (packages[nested] || packages[top]) continue;
      const { os, cpu, libc } = platformOf(dep);
      if (!os && !cpu) continue; // not a platform binary: leave it to npm
      packages[top] = {
        version: version.replace(/^[\^~=]/, ""),
        optional: true,
        ...(os ? { os: [os] } : {}),
        ...(cpu ? { cpu: [cpu] } : {}),
        ...(libc ? { libc: [libc] } : {}),
      };
      added++;
    }
  }
  writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`platform-stubs: ${file}: restored ${added} entr${added === 1 ? "y" : "ies"}`);
}

for (const file of files.filter((f) => existsSync(f))) restore(file);
