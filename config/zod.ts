/** Small zod helpers shared by the config sections. */
import { z } from "zod";
import { formatCidr, parseCidr } from "../core/cidr";

/**
 * Pulumi hands every config value to the program as a string; structured values (objects, arrays, numbers,
 * booleans) arrive JSON-encoded. This decodes them before validation; text that is not JSON is passed on
 * unchanged so the schema reports the type mismatch against the key.
 */
export function fromConfig<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => {
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }, schema);
}

/** An IPv4 CIDR written with its network address; the value stays the canonical string. */
export const cidrBlock = z.string().check((ctx) => {
  const parsed = parseCidr(ctx.value);
  if (typeof parsed === "string") ctx.issues.push({ code: "custom", message: parsed, input: ctx.value });
  else if (formatCidr(parsed) !== ctx.value) {
    ctx.issues.push({ code: "custom", message: `write "${ctx.value}" as "${formatCidr(parsed)}"`, input: ctx.value });
  }
});

/** One of a fixed list, with an error that names the bad value and lists the known ones. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, what: string) {
  return z.enum(values, {
    error: (issue) =>
      `unknown ${what} ${JSON.stringify(issue.input)}; known: ${values.join(", ")}${
        // An unquoted 1.30 in YAML is the number 1.3: say so, since the stack file shows 1.30.
        typeof issue.input === "number"
          ? ` (a number: YAML reads an unquoted 1.30 as 1.3, so quote versions: "1.30")`
          : ""
      }`,
  });
}

/** A whole number within bounds, with the bounds in the message. */
export function count(min: number, max: number) {
  return z
    .int()
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });
}

/** A DNS-safe lowercase name (used in resource names, so AWS length limits apply). */
export const dnsLabel = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,18}[a-z0-9]$/, { error: "must be 2–20 lowercase letters, digits or dashes" });

/** A Helm chart version (semver, no range: charts are pinned, SPEC E5, O1). */
export const chartVersion = z
  .string()
  .regex(/^\d+\.\d+\.\d+$/, { error: "must be an exact chart version such as 1.13.0" });
