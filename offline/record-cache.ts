/**
 * The record cache: tests/global-setup.ts leaves one record per stack in the folder `recordCacheVariable` names,
 * made once per `jest` invocation, so the many test files that read a stack's plain record do not each run the whole
 * program again. Loads no Pulumi SDK, so the global setup and teardown can use it from jest's own process.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { StackRun } from "./record";

/** The environment variable naming the folder where jest's global setup leaves one record per stack. */
export const recordCacheVariable = "QUALISYS_RECORD_CACHE";

/** A record as JSON: its error, if any, by message (the record cache and the record service send it so). */
export function serializeRun(run: StackRun): string {
  return JSON.stringify({ ...run, error: run.error?.message });
}

/** The record {@link serializeRun} wrote; its error comes back as a plain Error with the same message. */
export function deserializeRun(text: string): StackRun {
  const { error, ...run } = JSON.parse(text) as StackRun & { error?: string };
  return { ...run, ...(error === undefined ? {} : { error: new Error(error) }) };
}

/** The cached record of `stack`, when there is a cache and it holds one. */
export function cachedRun(stack: string): StackRun | undefined {
  const dir = process.env[recordCacheVariable];
  if (!dir || !existsSync(join(dir, `${stack}.json`))) return undefined;
  return deserializeRun(readFileSync(join(dir, `${stack}.json`), "utf8"));
}

/** Writes a stack's record where {@link cachedRun} finds it. */
export function cacheRun(dir: string, run: StackRun): void {
  writeFileSync(join(dir, `${run.stack}.json`), serializeRun(run));
}
