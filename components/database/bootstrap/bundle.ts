/**
 * The Job's runner as one JavaScript file: ./job and everything it imports (./apply, ./migrate, pg), bundled by
 * esbuild at program time, in memory, so nothing generated is committed. Deterministic for the same sources and
 * esbuild version (paths relative to the project root, no timestamps), because its text feeds the Job's hash.
 */
import { buildSync } from "esbuild";
import { join } from "node:path";

const projectRoot = join(__dirname, "..", "..", "..");
let cached: string | undefined;

export function runnerBundle(): string {
  cached ??= buildSync({
    entryPoints: [join(__dirname, "job.ts")],
    absWorkingDir: projectRoot,
    bundle: true,
    platform: "node",
    // The Job's image runs Node 24; 20 is the oldest this repository supports, so tests run the same file.
    target: "node20",
    format: "cjs",
    // pg loads its optional native binding only when asked for; the Job never asks.
    external: ["pg-native"],
    minify: true,
    keepNames: true,
    legalComments: "none",
    write: false,
    logLevel: "silent",
  }).outputFiles[0].text;
  return cached;
}
