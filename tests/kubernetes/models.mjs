// Validates Kubernetes objects against their published schemas with the kubernetes-models packages (ESM-only, so
// jest runs this file in a child process). Reads a JSON array of manifests on stdin; writes one result per object:
// { kind, name, ok, error? }. An object whose apiVersion/kind has no model is reported with `unsupported: true`.
const modules = {
  "external-secrets.io": (version) => `@kubernetes-models/external-secrets/external-secrets.io/${version}`,
  "monitoring.coreos.com": (version) => `@kubernetes-models/prometheus-operator/monitoring.coreos.com/${version}`,
};

async function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const path =
    modules[group]?.(version) ?? (group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`);
  try {
    const module = await import(path);
    return module[kind];
  } catch {
    return undefined;
  }
}

let input = "";
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const manifest of JSON.parse(input)) {
  const id = { kind: manifest.kind, name: manifest.metadata?.name, namespace: manifest.metadata?.namespace };
  const Model = await modelFor(manifest.apiVersion, manifest.kind);
  if (!Model) {
    results.push({ ...id, ok: false, unsupported: true });
    continue;
  }
  try {
    new Model(manifest).validate();
    results.push({ ...id, ok: true });
  } catch (error) {
    results.push({ ...id, ok: false, error: String(error?.message ?? error).slice(0, 2000) });
  }
}
process.stdout.write(JSON.stringify(results));
