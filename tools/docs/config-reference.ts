/**
 * docs/configuration.md's reference, generated the way terraform-docs generates a module's inputs: every key of
 * `configKeys` (config/schema.ts) and every field of the structured ones, with its type and default read from the
 * zod schema itself and its description from the doc comment written above it in config/*.ts. A key added to the
 * schema appears here without anyone listing it; one without a doc comment is reported (tools/docs/docs.test.ts).
 *
 * The doc comments are found syntactically (the TypeScript parser, no type checker: inferring zod's types takes
 * seconds), by following what each key's schema expression is built from: `fromConfig(x)`, `x.default(…)`,
 * `z.strictObject({…})`, a `const` in the same file or imported from another, a spread of a function's returned
 * object literal.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import * as ts from "typescript";
import type { z } from "zod";
import { configKeys, secretKeys } from "../../config/schema";
import { projectRoot } from "./generated";

/** One row of the reference. */
export interface ConfigField {
  /** `qualisys:cluster.playwrightNodes.minSize`. */
  key: string;
  /** Nesting depth: 0 for a key, 1 for its fields, … */
  depth: number;
  type: string;
  /** The default as it would be written in the stack file, "none" when the key may be left out without one. */
  defaultValue: string | undefined;
  required: boolean;
  secret: boolean;
  /** The doc comment, one paragraph ("" when there is none). */
  doc: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Doc comments, from the syntax of config/*.ts

/** A field of an object literal a schema is built from: its doc comment and the expression of its schema. */
interface DocNode {
  doc: string;
  expression: ts.Expression;
  file: ts.SourceFile;
}

const sourceFiles = new Map<string, ts.SourceFile>();
function sourceFile(path: string): ts.SourceFile {
  let file = sourceFiles.get(path);
  if (!file) {
    file = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.ES2022, true);
    sourceFiles.set(path, file);
  }
  return file;
}

const jsDocOf = (node: ts.Node) =>
  ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? "")
    .join(" ")
    .replace(/\{@link ([^}]+)\}/g, "`$1`")
    .replace(/\s+/g, " ")
    .trim();

/** The initializer of a top-level `const name = …` or `function name` in `file`, following relative imports. */
function declaration(
  name: string,
  file: ts.SourceFile,
): { node: ts.Expression | ts.FunctionDeclaration; file: ts.SourceFile } | undefined {
  for (const statement of file.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations)
        if (ts.isIdentifier(d.name) && d.name.text === name && d.initializer) return { node: d.initializer, file };
    }
    if (ts.isFunctionDeclaration(statement) && statement.name?.text === name) return { node: statement, file };
    if (
      ts.isImportDeclaration(statement) &&
      ts.isStringLiteral(statement.moduleSpecifier) &&
      statement.moduleSpecifier.text.startsWith(".")
    ) {
      const bindings = statement.importClause?.namedBindings;
      const imported =
        bindings && ts.isNamedImports(bindings)
          ? bindings.elements.find((e) => e.name.text === name && !e.isTypeOnly)
          : undefined;
      if (imported) {
        const path = resolve(dirname(file.fileName), `${statement.moduleSpecifier.text}.ts`);
        return declaration((imported.propertyName ?? imported.name).text, sourceFile(path));
      }
    }
  }
  return undefined;
}

/** What a function returns, when its body is (or returns) one expression. */
function returned(fn: ts.Node): ts.Expression | undefined {
  if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && !ts.isBlock(fn.body)) return fn.body;
  const body = (fn as ts.FunctionLikeDeclaration).body;
  if (body && ts.isBlock(body)) {
    const last = body.statements.find(ts.isReturnStatement);
    return last?.expression;
  }
  return undefined;
}

/** The fields of the object a schema expression validates, with their doc comments; undefined when it is no object. */
function fieldsOf(expression: ts.Expression, file: ts.SourceFile, depth = 0): Map<string, DocNode> | undefined {
  if (depth > 20) return undefined;
  const next = (e: ts.Expression, f = file) => fieldsOf(e, f, depth + 1);
  if (ts.isParenthesizedExpression(expression) || ts.isAsExpression(expression)) return next(expression.expression);
  if (ts.isIdentifier(expression)) {
    const found = declaration(expression.text, file);
    return found && !ts.isFunctionDeclaration(found.node) ? next(found.node, found.file) : undefined;
  }
  if (ts.isObjectLiteralExpression(expression)) {
    const fields = new Map<string, DocNode>();
    for (const property of expression.properties) {
      if (ts.isPropertyAssignment(property) && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)))
        fields.set(property.name.text, { doc: jsDocOf(property), expression: property.initializer, file });
      // `instanceType,`: the field's schema is the variable of that name.
      else if (ts.isShorthandPropertyAssignment(property))
        fields.set(property.name.text, { doc: jsDocOf(property), expression: property.name, file });
      else if (ts.isSpreadAssignment(property)) {
        // `...poolShape(0)`: the fields of the object the function returns.
        let spread: ts.Expression | undefined = property.expression;
        let spreadFile = file;
        if (ts.isCallExpression(spread) && ts.isIdentifier(spread.expression)) {
          const fn = declaration(spread.expression.text, file);
          spread = fn ? returned(fn.node) : undefined;
          spreadFile = fn?.file ?? file;
        }
        const inner = spread && fieldsOf(spread, spreadFile, depth + 1);
        inner?.forEach((value, key) => fields.set(key, value));
      }
    }
    return fields;
  }
  if (ts.isCallExpression(expression)) {
    const callee = expression.expression;
    // z.object({…}) / z.strictObject({…}): the literal.
    if (ts.isPropertyAccessExpression(callee) && /^(strict|loose)?[oO]bject$/.test(callee.name.text))
      return expression.arguments[0] && next(expression.arguments[0]);
    // x.default(…), x.optional(), x.superRefine(…): the schema it is called on.
    if (
      ts.isPropertyAccessExpression(callee) &&
      !(ts.isIdentifier(callee.expression) && callee.expression.text === "z")
    )
      return next(callee.expression);
    // poolShape(1): what the function returns; fromConfig(x) and other wrappers: the schema argument.
    if (ts.isIdentifier(callee)) {
      const fn = declaration(callee.text, file);
      const result = fn && returned(fn.node);
      const fields = result && next(result, fn.file);
      if (fields) return fields;
      for (const argument of expression.arguments) {
        const fields = next(argument);
        if (fields) return fields;
      }
    }
  }
  return undefined;
}

/** The doc comments of configKeys' literal in config/schema.ts, by key. */
function keyDocs(): Map<string, DocNode> {
  const file = sourceFile(join(projectRoot, "config", "schema.ts"));
  const found = declaration("configKeys", file);
  const fields = found && !ts.isFunctionDeclaration(found.node) ? fieldsOf(found.node, found.file) : undefined;
  if (!fields) throw new Error("config/schema.ts: configKeys is not an object literal");
  return fields;
}

// ---------------------------------------------------------------------------------------------------------------
// Types and defaults, from the zod schemas at run time

/** The parts of a zod 4 definition this reads (`schema._zod.def`). */
type Def = {
  type: string;
  format?: string;
  in?: z.ZodType;
  out?: z.ZodType & { type?: string };
  innerType?: z.ZodType;
  defaultValue?: unknown;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  entries?: Record<string, string>;
  checks?: { _zod: { def: { check: string; value?: number; inclusive?: boolean } } }[];
};
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The schema under its wrappers, whether it may be left out, and its default. */
function unwrap(schema: z.ZodType): { inner: z.ZodType; optional: boolean; defaultValue?: unknown } {
  let inner = schema;
  let optional = false;
  let defaultValue: unknown;
  for (;;) {
    const def = defOf(inner);
    // A preprocess (fromConfig) is a pipe into the schema; a transform is a pipe out of it.
    if (def.type === "pipe") inner = def.out!.type === "transform" ? def.in! : def.out!;
    else if (def.type === "default") {
      defaultValue ??= def.defaultValue;
      optional = true;
      inner = def.innerType!;
    } else if (def.type === "optional") {
      optional = true;
      inner = def.innerType!;
    } else return { inner, optional, defaultValue };
  }
}

const bounds = (def: Def) => {
  const check = (name: string) => (def.checks ?? []).map((c) => c._zod.def).find((c) => c.check === name);
  const [low, high] = [check("greater_than"), check("less_than")];
  if (low && high && low.inclusive && high.inclusive) return ` ${low.value}–${high.value}`;
  if (low) return low.inclusive ? ` ≥ ${low.value}` : ` > ${low.value}`;
  if (high) return high.inclusive ? ` ≤ ${high.value}` : ` < ${high.value}`;
  return "";
};

/** The type as a reader of a stack file needs it. */
function typeOf(schema: z.ZodType): string {
  const def = defOf(unwrap(schema).inner);
  switch (def.type) {
    case "string":
      return def.format === "email"
        ? "e-mail address"
        : def.format === "url"
          ? "URL"
          : def.format === "date"
            ? "date (YYYY-MM-DD)"
            : "string";
    case "number":
      return `${def.format === "safeint" ? "integer" : "number"}${bounds(def)}`;
    case "boolean":
      return "boolean";
    case "enum":
      return `one of ${Object.values(def.entries as Record<string, string>)
        .map((v) => `\`${v}\``)
        .join(", ")}`;
    case "array":
      return `list of ${typeOf(def.element!)}`;
    case "object":
      return "object";
    default:
      return def.type;
  }
}

const render = (value: unknown): string =>
  typeof value === "string" ? `\`${value}\`` : `\`${JSON.stringify(value).replace(/,/g, ", ")}\``;

/** Every key and field, in schema order, with its doc comment. */
export function configFields(): ConfigField[] {
  const docs = keyDocs();
  const rows: ConfigField[] = [];
  const walk = (key: string, schema: z.ZodType, docNode: DocNode | undefined, depth: number) => {
    const { inner, optional, defaultValue } = unwrap(schema);
    const def = defOf(inner);
    const isObject = def.type === "object";
    rows.push({
      key,
      depth,
      type: typeOf(schema),
      // An object's default is its fields' defaults, listed below it.
      defaultValue:
        defaultValue === undefined
          ? optional
            ? "none"
            : undefined
          : isObject
            ? "its fields' defaults"
            : render(defaultValue),
      // Within an object: required whenever that object is given.
      required: !optional,
      secret: depth === 0 && (secretKeys as readonly string[]).includes(key.replace(/^qualisys:/, "")),
      doc: docNode?.doc ?? "",
    });
    if (!isObject) return;
    const fieldDocs = docNode && fieldsOf(docNode.expression, docNode.file);
    for (const [field, fieldSchema] of Object.entries(def.shape as Record<string, z.ZodType>))
      walk(`${key}.${field}`, fieldSchema, fieldDocs?.get(field), depth + 1);
  };
  for (const [key, schema] of Object.entries(configKeys)) walk(`qualisys:${key}`, schema, docs.get(key), 0);
  return rows;
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The reference as Markdown: one table, keys in the order config/schema.ts declares them, fields under them. */
export function configReference(fields = configFields()): string {
  return [
    "| Key | Type | Default | Description |",
    "| --- | --- | --- | --- |",
    ...fields.map((f) =>
      [
        "",
        `\`${f.depth === 0 ? f.key : f.key.replace(/^qualisys:/, "")}\``,
        cell(f.secret ? `secret ${f.type}` : f.type),
        f.required ? "**required**" : cell(f.defaultValue ?? ""),
        cell(f.doc),
        "",
      ]
        .join(" | ")
        .trim(),
    ),
  ].join("\n");
}
