/**
 * Reading resource properties safely. The policy runtime wraps every resource's properties in a proxy that throws
 * `UnknownValueError` when a policy reads a value that is unknown during preview (an ARN of a key created in the
 * same update, say). A policy that lets that error escape is reported by the runtime as "can't run during
 * preview" at advisory level, so it silently stops checking. These helpers let a policy ask "is it set?" without
 * reading the value, and read a value with an explicit `Unknown` result instead of an exception.
 */
import { UnknownValueError } from "@pulumi/policy";

/** Stands for a value the engine cannot know until the update runs. */
export const Unknown: unique symbol = Symbol("unknown");
export type Maybe<T> = T | typeof Unknown;

/** Runs `get`, turning the proxy's unknown-value error into `Unknown`. */
export function read<T>(get: () => T): Maybe<T> {
  try {
    return get();
  } catch (e) {
    if (e instanceof UnknownValueError) return Unknown;
    throw e;
  }
}

/** Reads `obj[key]` (Unknown when the value is unknown; undefined when absent or `obj` is not an object). */
export function prop(obj: unknown, key: string): unknown {
  if (obj === null || typeof obj !== "object") return undefined;
  return read(() => (obj as Record<string, unknown>)[key]);
}

/** Follows a path of keys; stops at the first absent or unknown step. */
export function path(obj: unknown, ...keys: (string | number)[]): unknown {
  let current: unknown = obj;
  for (const key of keys) {
    if (current === Unknown || current === undefined || current === null) return current;
    current = prop(current, String(key));
  }
  return current;
}

/**
 * True when `obj[key]` is set to something meaningful, or is unknown (an unknown input is a reference to a value
 * another resource will produce, e.g. a key ARN, so it is set).
 */
export function isSet(obj: unknown, key: string): boolean {
  const value = prop(obj, key);
  if (value === Unknown) return true;
  if (value === undefined || value === null || value === "" || value === false) return false;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/** True when the value is `true` (or the string "true", as some providers type booleans) or unknown. */
export function isTrueOrUnknown(value: unknown): boolean {
  return value === Unknown || value === true || value === "true";
}

/** A known list of values (a single value becomes a one-element list); unknown elements stay `Unknown`. */
export function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  if (value === Unknown) return [Unknown];
  if (!Array.isArray(value)) return [value];
  const out: unknown[] = [];
  for (let i = 0; i < value.length; i++) out.push(read(() => value[i]));
  return out;
}

/** Shell-style match of `*` (any run of characters) against a whole string. */
export function globMatch(pattern: string, value: string): boolean {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`).test(value);
}

/** The stack a URN belongs to (`urn:pulumi:<stack>::<project>::…`). */
export function stackOf(urn: string): string {
  const match = /^urn:pulumi:([^:]+)::/.exec(urn);
  return match ? match[1] : "";
}
