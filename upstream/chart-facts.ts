/**
 * Reads the facts the readiness checks need from one unpacked chart version (a directory holding Chart.yaml):
 * its values key paths, the paths under which any key is accepted, the CRDs it installs and its Kubernetes
 * constraint. Used by both the offline extraction (from fetched repository snapshots) and the online refresh (from
 * chart archives), so the two can never disagree on what a fact means.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import type { ChartVersionFacts, CrdFact } from "./catalogue";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Every key path of a values document. A map default of `{}` or `null` is free-form (the chart documents the key
 * but not its children: annotations, node selectors, resources…); lists are leaves (their items are not keyed).
 */
export function valuesPaths(values: unknown, prefix = ""): { keys: string[]; freeForm: string[] } {
  const keys: string[] = [];
  const freeForm: string[] = [];
  if (!isMap(values)) return { keys, freeForm };
  for (const [key, value] of Object.entries(values)) {
    const path = prefix ? `${prefix}.${key}` : key;
    keys.push(path);
    if (value === null || (isMap(value) && Object.keys(value).length === 0)) freeForm.push(path);
    else if (isMap(value)) {
      const below = valuesPaths(value, path);
      keys.push(...below.keys);
      freeForm.push(...below.freeForm);
    }
  }
  return { keys, freeForm };
}

/** Key paths a values.schema.json declares; an object with `additionalProperties` other than false is free-form. */
export function schemaPaths(schema: unknown, prefix = ""): { keys: string[]; freeForm: string[] } {
  const keys: string[] = [];
  const freeForm: string[] = [];
  if (!isMap(schema)) return { keys, freeForm };
  const props = isMap(schema.properties) ? schema.properties : {};
  const additional = schema.additionalProperties;
  const typeIsObject = schema.type === "object" || (Array.isArray(schema.type) && schema.type.includes("object"));
  if (prefix && (isMap(additional) || additional === true || (typeIsObject && !Object.keys(props).length))) {
    freeForm.push(prefix);
  }
  for (const [key, sub] of Object.entries(props)) {
    const path = prefix ? `${prefix}.${key}` : key;
    keys.push(path);
    const below = schemaPaths(sub, path);
    keys.push(...below.keys);
    freeForm.push(...below.freeForm);
  }
  return { keys, freeForm };
}

const VALUES_REF = /\.Values((?:\.[A-Za-z_][A-Za-z0-9_-]*)+)/g;
/** `toYaml .Values.x`, `range $k, $v := .Values.x`, `tpl (toYaml .Values.x)`: the template passes the map through. */
const PASS_THROUGH =
  /(?:toYaml|toJson|range\s+\$[\w]*\s*,\s*\$[\w]*\s*:=)\s*\(?\s*\.Values((?:\.[A-Za-z_][A-Za-z0-9_-]*)+)/g;
/** `with .Values.x }}` followed within a few lines by `toYaml .` (the usual way of copying a map verbatim). */
const WITH_TO_YAML =
  /with\s+\.Values((?:\.[A-Za-z_][A-Za-z0-9_-]*)+)\s*-?}}(?:(?!{{-?\s*end)[\s\S]){0,200}?toYaml\s+\.\s/g;

/** `range $k, $v := index .Values "grafana.ini"` / `toYaml (index .Values "a" "b")`: keys with dots, passed through. */
const INDEX_PASS_THROUGH =
  /(?:toYaml|toJson|range\s+\$[\w]*\s*,\s*\$[\w]*\s*:=)\s*\(?\s*index\s+\.Values((?:\s+"[^"]+")+)/g;

/** Value paths the templates read, and those they copy through without looking at the keys. */
export function templatePaths(templates: string[]): { keys: string[]; freeForm: string[] } {
  const keys = new Set<string>();
  const freeForm = new Set<string>();
  for (const text of templates) {
    for (const m of text.matchAll(VALUES_REF)) {
      const parts = m[1].slice(1).split(".");
      for (let i = 1; i <= parts.length; i++) keys.add(parts.slice(0, i).join("."));
    }
    for (const m of text.matchAll(PASS_THROUGH)) freeForm.add(m[1].slice(1));
    for (const m of text.matchAll(WITH_TO_YAML)) freeForm.add(m[1].slice(1));
    for (const m of text.matchAll(INDEX_PASS_THROUGH)) {
      const path = [...m[1].matchAll(/"([^"]+)"/g)].map((k) => k[1]).join(".");
      keys.add(path);
      freeForm.add(path);
    }
  }
  return { keys: [...keys], freeForm: [...freeForm] };
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Template directives removed so the CRD manifests parse as YAML (they only wrap or label the documents). */
function untemplate(text: string): string {
  return text
    .split("\n")
    .filter((line) => !/^\s*{{.*}}\s*$/.test(line))
    .map((line) => line.replace(/{{[^}]*}}/g, "templated"))
    .join("\n");
}

/** The CRDs in a manifest file: group, kind and the versions it serves. */
export function crdsIn(text: string): CrdFact[] {
  const crds: CrdFact[] = [];
  for (const doc of parseAllDocuments(untemplate(text))) {
    const manifest = doc.toJS({ maxAliasCount: -1 }) as Record<string, Json> | null;
    if (!isMap(manifest) || manifest.kind !== "CustomResourceDefinition") continue;
    const spec = manifest.spec as Record<string, Json>;
    const names = spec.names as Record<string, Json>;
    const versions = (spec.versions as Record<string, Json>[] | undefined) ?? [];
    crds.push({
      group: String(spec.group),
      kind: String(names.kind),
      versions: versions.filter((v) => v.served !== false).map((v) => String(v.name)),
    });
  }
  return crds;
}

/** The value path a template-installed CRD file is gated on (`{{- if .Values.installCRDs }}`), if any. */
function crdGate(text: string): string | undefined {
  const first = text.split("\n").find((line) => line.trim().startsWith("{{"));
  return first ? /if\s+\.Values((?:\.[A-Za-z_][A-Za-z0-9_-]*)+)/.exec(first)?.[1].slice(1) : undefined;
}

export interface ChartDirFacts {
  name: string;
  version: string;
  facts: ChartVersionFacts;
}

/** A chart dependency as Chart.yaml declares it. */
export interface Dependency {
  name: string;
  version: string;
  repository?: string;
}

/** Finds a dependency's chart directory outside the chart (a snapshot, a download); undefined when it cannot. */
export type SubchartResolver = (dependency: Dependency) => string | undefined;

/**
 * Reads one chart directory. A subchart's values sit under its name or alias: when its chart can be read (in
 * `charts/`, or through `resolve`) its keys are checked there too, prefixed; otherwise the whole key is free-form.
 * Every `crds/` folder of the tree counts (Helm installs them all).
 */
export function readChartDir(dir: string, resolve?: SubchartResolver): ChartDirFacts {
  const chart = parseYaml(readFileSync(join(dir, "Chart.yaml"), "utf8")) as Record<string, unknown>;
  const valuesFile = join(dir, "values.yaml");
  const values = existsSync(valuesFile) ? parseYaml(readFileSync(valuesFile, "utf8"), { maxAliasCount: -1 }) : {};
  const fromValues = valuesPaths(values);
  const schemaFile = join(dir, "values.schema.json");
  const fromSchema = existsSync(schemaFile)
    ? schemaPaths(JSON.parse(readFileSync(schemaFile, "utf8")))
    : { keys: [], freeForm: [] };
  const templateFiles = walk(join(dir, "templates")).filter((f) => /\.(ya?ml|tpl|txt)$/.test(f));
  const fromTemplates = templatePaths(templateFiles.map((f) => readFileSync(f, "utf8")));

  const crds: CrdFact[] = [];
  for (const file of walk(dir).filter((f) => /\.ya?ml$/.test(f) && /(^|\/)crds\//.test(relative(dir, f)))) {
    const text = readFileSync(file, "utf8");
    if (!text.includes("CustomResourceDefinition")) continue;
    const inTemplates = relative(dir, file).startsWith("templates/");
    const gate = inTemplates ? crdGate(text) : undefined;
    for (const crd of crdsIn(text)) crds.push(gate ? { ...crd, installedWhen: gate } : crd);
  }

  const keys = [...fromValues.keys, ...fromSchema.keys, ...fromTemplates.keys, "global"];
  const freeForm = [...fromValues.freeForm, ...fromSchema.freeForm, ...fromTemplates.freeForm, "global"];
  const subcharts: ChartVersionFacts["subcharts"] = [];
  for (const d of (chart.dependencies as Record<string, unknown>[] | undefined) ?? []) {
    const dependency: Dependency = {
      name: String(d.name),
      version: String(d.version ?? ""),
      repository: d.repository === undefined ? undefined : String(d.repository),
    };
    const valuesKey = String(d.alias ?? d.name);
    const local = join(dir, "charts", dependency.name);
    const subdir = existsSync(join(local, "Chart.yaml")) ? local : resolve?.(dependency);
    keys.push(valuesKey);
    if (!subdir) {
      freeForm.push(valuesKey);
      subcharts.push({ name: dependency.name, version: dependency.version, valuesKey, checked: false });
      continue;
    }
    const sub = readChartDir(subdir, resolve).facts;
    keys.push(...sub.valuesKeys.filter((k) => k !== "global").map((k) => `${valuesKey}.${k}`));
    freeForm.push(...sub.freeForm.filter((k) => k !== "global").map((k) => `${valuesKey}.${k}`));
    for (const crd of sub.crds) if (!crds.some((c) => c.group === crd.group && c.kind === crd.kind)) crds.push(crd);
    subcharts.push({ name: dependency.name, version: dependency.version, valuesKey, checked: true });
  }
  const sorted = (list: string[]) => [...new Set(list)].sort();
  const image = isMap(values) && isMap(values.image) ? values.image : undefined;
  const context = (key: string) =>
    isMap(values) && isMap(values[key]) && Object.keys(values[key]).length ? values[key] : undefined;
  const [pod, container] = [context("podSecurityContext"), context("securityContext")];
  const facts: ChartVersionFacts = {
    appVersion: chart.appVersion === undefined ? undefined : String(chart.appVersion),
    kubeVersion: chart.kubeVersion === undefined ? undefined : String(chart.kubeVersion),
    defaultImage:
      image && image.repository ? `${String(image.repository)}:${String(image.tag || chart.appVersion)}` : undefined,
    hasSchema: existsSync(schemaFile),
    ...(pod || container
      ? { defaultSecurityContexts: { ...(pod ? { pod } : {}), ...(container ? { container } : {}) } }
      : {}),
    valuesKeys: sorted(keys),
    freeForm: sorted(freeForm),
    subcharts,
    crds: crds.sort((a, b) => `${a.group}/${a.kind}`.localeCompare(`${b.group}/${b.kind}`)),
  };
  return { name: String(chart.name), version: String(chart.version), facts };
}
