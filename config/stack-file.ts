/**
 * Reads a `Pulumi.<stack>.yaml` as text and reports what YAML would otherwise hide before the schema sees a value:
 * syntax errors (with line and column), `.inf`/`.nan` (which JSON, and so the engine, turn into null), an unquoted
 * number YAML rewrites (`1.30` becomes `1.3`), and a `secure:` value that is plain text rather than ciphertext.
 * Pure: text in, config map and problems out, each naming the file and the key.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { isMap, isScalar, isSeq, parseDocument, type Node } from "yaml";
import { environments } from "../core/environments";

export interface StackFile {
  /** The `config:` map, as YAML values. */
  config: Record<string, unknown>;
  /** Problems that stop the run, one line each, starting with the file name. */
  errors: string[];
  /** Things that are probably mistakes but may be meant, one line each, starting with the file name. */
  warnings: string[];
}

/** What `pulumi config set --secret` writes: base64 ciphertext (service or KMS) or `v1:<salt>:<ciphertext>`. */
const ciphertext = /^(v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+|[A-Za-z0-9+/]{16,}={0,2})$/;

/** Parses already done in this process, by file name and text: the same few files are read again and again. */
const parsed = new Map<string, StackFile>();

export function parseStackFile(text: string, file: string): StackFile {
  const key = `${file}\0${text}`;
  if (!parsed.has(key)) parsed.set(key, parse(text, file));
  // A copy: a caller may change what it gets.
  return structuredClone(parsed.get(key)!);
}

function parse(text: string, file: string): StackFile {
  const doc = parseDocument(text);
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const e of doc.errors) {
    const at = e.linePos?.[0];
    const message = e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    errors.push(`${file}${at ? `:${at.line}:${at.col}` : ""}: ${message}`);
  }
  if (errors.length > 0) return { config: {}, errors, warnings };

  const root = doc.contents;
  if (root !== null && !isMap(root))
    return { config: {}, errors: [`${file}: must be a YAML map with a config: key`], warnings };
  const configNode = root?.get("config", true);
  if (configNode !== undefined && configNode !== null && !(isScalar(configNode) && configNode.value === null)) {
    if (!isMap(configNode)) return { config: {}, errors: [`${file}: config: must be a map of keys`], warnings };
    for (const pair of configNode.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      inspect(pair.value as Node | null, key, file, errors, warnings);
    }
  }
  const config = ((doc.toJS() as { config?: Record<string, unknown> } | null)?.config ?? {}) as Record<string, unknown>;
  return { config, errors, warnings };
}

function inspect(node: Node | null, path: string, file: string, errors: string[], warnings: string[]): void {
  if (node === null) return;
  if (isMap(node)) {
    const secure = node.items.find((p) => isScalar(p.key) && p.key.value === "secure");
    if (secure) {
      const value = isScalar(secure.value) ? secure.value.value : undefined;
      if (node.items.length !== 1) errors.push(`${file}: ${path}: a secure: value must be alone in its map`);
      else if (typeof value !== "string" || !ciphertext.test(value))
        errors.push(
          `${file}: ${path}: secure: holds plain text, not ciphertext; set it with \`pulumi config set --secret ${path.replace(/^[^:]*:/, "")} <value>\` (the CLI encrypts it)`,
        );
      return;
    }
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      inspect(pair.value as Node | null, `${path}.${key}`, file, errors, warnings);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => inspect(item as Node | null, `${path}[${i}]`, file, errors, warnings));
  } else if (isScalar(node) && typeof node.value === "number") {
    const source = node.source ?? String(node.value);
    if (!Number.isFinite(node.value))
      errors.push(`${file}: ${path}: ${source} is not a finite number, which no config value can hold`);
    else if (/^[-+]?\d+\.\d*0$/.test(source) && String(node.value) !== source)
      warnings.push(
        `${file}: ${path}: ${source} is read by YAML as the number ${node.value}; if it is a version, quote it: "${source}"`,
      );
  }
}

/**
 * Stand-ins for secret keys a stack file holds encrypted (`secure:`), which only the CLI can decrypt: each is a value
 * the schema accepts, so a stack file is validated whole without its secrets (the offline preview, and the
 * organisation stack reading the other stacks' files).
 */
export const secretPlaceholders: Record<string, string> = {
  "qualisys:slackWebhookUrl": "https://hooks.slack.com/services/T00000000/B00000000/offline-preview-placeholder",
};

/**
 * Turns a stack file's YAML values into what the CLI hands the program: strings as they are, everything else
 * JSON-encoded; `secure:` values become secrets (with the stand-ins above), `secrets` adds or replaces some.
 */
export function engineConfig(config: Record<string, unknown>, secrets: Record<string, string> = {}) {
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const isSecure = typeof value === "object" && value !== null && "secure" in value;
    if (isSecure) {
      values[key] = secretPlaceholders[key] ?? `offline-preview-secret-for-${key}`;
      secretKeys.push(key);
    } else values[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  for (const [key, value] of Object.entries(secrets)) {
    values[key] = value;
    if (!secretKeys.includes(key)) secretKeys.push(key);
  }
  return { values, secretKeys };
}

/**
 * The stack names with a `Pulumi.<stack>.yaml` in `root` (personal, review and the organisation stack too): the
 * shipped environments first, in environment order, then the others sorted.
 */
export function stackNames(root = join(__dirname, "..")): string[] {
  const names = readdirSync(root)
    .map((file) => /^Pulumi\.([A-Za-z0-9_.-]+)\.yaml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined && !stack.endsWith(".deploy"));
  const shipped: readonly string[] = environments;
  return [...shipped.filter((s) => names.includes(s)), ...names.filter((s) => !shipped.includes(s)).sort()];
}
