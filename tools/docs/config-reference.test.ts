/**
 * The config reference (docs/configuration.md) and Pulumi.yaml's declarations agree with the zod schemas of
 * config/*.ts, so neither can drift from what the program accepts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { z } from "zod";
import { configKeys, secretKeys } from "../../config/schema";
import { configFields, configReference } from "./config-reference";
import { generatedSection, projectRoot } from "./generated";

const fields = configFields();

it("docs/configuration.md's reference is generated from the schemas and their doc comments (UPDATE_DOCS=1 rewrites it)", () => {
  const { current, expected } = generatedSection(
    "docs/configuration.md",
    "config-reference",
    "tools/docs/config-reference.test.ts",
    configReference(fields),
  );
  expect(current).toEqual(expected);
});

it("lists every key of the schema and every field of the structured keys, each with a doc comment", () => {
  expect(fields.filter((f) => f.depth === 0).map((f) => f.key)).toEqual(
    Object.keys(configKeys).map((key) => `qualisys:${key}`),
  );
  // Fields nested in objects: the cluster's pools, add-ons and charts at least.
  expect(fields.filter((f) => f.depth > 0).length).toBeGreaterThan(50);
  expect(fields.filter((f) => f.doc === "").map((f) => f.key)).toEqual([]);
  // Including the required keys a stack file must set, such as the role passwords' rotation date.
  expect(fields.find((f) => f.key === "qualisys:database.rolePasswordsRotatedOn")).toMatchObject({
    required: true,
    type: "date (YYYY-MM-DD)",
  });
});

it("states in a doc comment no default other than the schema's", () => {
  // "Default 50.", "Default: 1.35 (…)", "Default 03:00–03:30": the first word after "Default", where it is a value.
  const stated = fields.flatMap((f) => {
    const word = /\bDefault:? `?([^\s`]+?)`?[.,;:]?(\s|$)/.exec(f.doc)?.[1];
    const literal = f.defaultValue?.startsWith("`") ? f.defaultValue.slice(1, -1) : undefined;
    return word && literal !== undefined ? [{ key: f.key, word, literal }] : [];
  });
  expect(stated.length).toBeGreaterThan(40);
  const agrees = ({ word, literal }: { word: string; literal: string }) =>
    word === literal ||
    (word === "none" && literal === "[]") ||
    // Windows are written with an en dash in prose: 03:00–03:30 for "03:00-03:30".
    word.replace(/–/g, "-") === literal;
  expect(stated.filter((s) => !agrees(s))).toEqual([]);
});

/** The types a Pulumi.yaml `config:` entry can declare (pulumi/pulumi sdk/go/common/workspace/project.json). */
const pulumiConfigTypes = ["string", "integer", "boolean", "array"] as const;

type Def = {
  type: string;
  format?: string;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
};
const def = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;
/** The schema's type in Pulumi.yaml's terms, or undefined when Pulumi.yaml cannot declare it (an object, a float). */
function pulumiType(schema: z.ZodType): { type: string; items?: { type: string } } | undefined {
  const d = def(schema);
  if (d.type === "pipe") return pulumiType(def(d.out!).type === "transform" ? d.in! : d.out!);
  if (d.type === "default" || d.type === "optional") return pulumiType(d.innerType!);
  if (d.type === "string" || d.type === "enum") return { type: "string" };
  if (d.type === "boolean") return { type: "boolean" };
  if (d.type === "number") return d.format === "safeint" ? { type: "integer" } : undefined;
  if (d.type === "array") {
    const items = pulumiType(d.element!);
    return items && !items.items ? { type: "array", items } : undefined;
  }
  return undefined;
}

it("Pulumi.yaml declares every key Pulumi.yaml can type, with the schema's type and secrecy, and nothing else", () => {
  const declared = (
    parse(readFileSync(join(projectRoot, "Pulumi.yaml"), "utf8")) as {
      config: Record<string, { type: string; items?: { type: string }; secret?: boolean }>;
    }
  ).config;
  const typeable = Object.entries(configKeys).flatMap(([key, schema]) => {
    const type = pulumiType(schema);
    return type ? [[key, type] as const] : [];
  });
  expect(typeable.length).toBeGreaterThan(5);
  for (const { type } of Object.values(declared)) expect(pulumiConfigTypes).toContain(type);
  expect(
    Object.fromEntries(
      Object.entries(declared).map(([key, d]) => [
        key,
        { type: d.type, ...(d.items ? { items: { type: d.items.type } } : {}), secret: d.secret ?? false },
      ]),
    ),
  ).toEqual(
    Object.fromEntries(
      typeable.map(([key, type]) => [key, { ...type, secret: (secretKeys as readonly string[]).includes(key) }]),
    ),
  );
  // The budgets are whole dollars in both (Pulumi.yaml has no type for fractions).
  expect([declared.monthlyBudgetUsd.type, declared.accountBudgetUsd.type]).toEqual(["integer", "integer"]);
});
