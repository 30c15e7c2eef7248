/**
 * Helm values as plain data: a values file that ships beside a component, and the program's computed values merged
 * into it key by key (./helm installs the result). No Pulumi SDK here, so tests of values load none.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";

// Helm values are free-form YAML; the charts' own schemas (and the tests) check their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Values = Record<string, any>;

/** A values file (`<dir>/<file>`), parsed. */
export function readValues(dir: string, file: string): Values {
  return (parseYaml(readFileSync(join(dir, file), "utf8")) ?? {}) as Values;
}

/**
 * `overlay` merged into `base`: objects key by key and recursively; arrays, scalars and `null` replace; an
 * `undefined` overlay value leaves the base value. Neither input is modified.
 */
export function mergeValues(base: unknown, overlay: unknown): Values {
  return merge(base, overlay) as Values;
}

function merge(base: unknown, overlay: unknown): unknown {
  if (!isObject(base) || !isObject(overlay)) return overlay === undefined ? base : overlay;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) merged[key] = merge(base[key], value);
  return merged;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
