/**
 * Deploy readiness (SPEC V2): pure checks of a stack's record against the dated upstream catalogue, for what only a
 * first real `pulumi up` would otherwise reveal — a chart version never published, a values key the chart does not
 * have, a custom resource created before its CRD, an add-on or AMI version that does not exist for the cluster's
 * Kubernetes minor. A `blocking` finding fails `npm start`; `unverified` means the catalogue cannot say (a version
 * newer than it, or a fact it does not hold) and names the refresh command.
 */
import { withoutModelledComponents } from "../offline/record";
import { UNKNOWN, type RecordedResource } from "../offline/run";
import { REFRESH_COMMAND, type Catalogue, type CrdFact } from "./catalogue";
import { CreationGraph } from "./creation-graph";
import { catalogueAgeDays, formatFreshness, freshness, sourceDates, type PinFreshness } from "./freshness";
import { STANDARD_SUPPORT_WARNING_DAYS, supportStatus, utcToday, versionProblem } from "./eks-calendar";
import { compareVersions, satisfies, versionParts } from "./semver";
import { supportProblems } from "./support-windows";
import { closest, isMap, unknownValuesKeys } from "./values-keys";

export { CreationGraph } from "./creation-graph";
export { unknownValuesKeys } from "./values-keys";

/**
 * `blocking` fails the preview; `unverified` means the catalogue cannot say and names the refresh command;
 * `warning` is a fact the reader must act on before long but that does not stop a deploy (extended support).
 */
export type Severity = "blocking" | "unverified" | "warning";

export interface Finding {
  check:
    | "chart-version"
    | "values"
    | "custom-resources"
    | "addons"
    | "ami"
    | "autoscaler"
    | "first-create"
    | "eks-version"
    | "support";
  severity: Severity;
  /** Logical name of the resource the finding is about. */
  resource: string;
  message: string;
}

export interface Readiness {
  catalogueDate: string;
  /** The date the checks were made for (support windows depend on it). */
  checkedOn: string;
  kubernetesVersion: string;
  findings: Finding[];
  blocking: number;
  unverified: number;
  warnings: number;
  passed: boolean;
  /** What was checked. */
  counts: { releases: number; valuesKeys: number; customResources: number; addons: number; nodeGroups: number };
  /** EKS managed add-ons with no pinned version: AWS picks the default build for the cluster's minor at deploy. */
  resolvedAtDeploy: { resource: string; addon: string }[];
  /** How far each pin is behind the newest the catalogue knows (upstream/freshness.ts). */
  freshness: PinFreshness[];
  /** Days since the catalogue was generated. */
  catalogueAgeDays: number;
  /** The oldest and newest dates of the catalogue's sources. */
  sourceDates: { oldest: string; newest: string };
}

const RELEASE = "kubernetes:helm.sh/v3:Release";
const minorOf = (v: string) => versionParts(v).slice(0, 2).join(".");

/** `kubernetes:external-secrets.io/v1:ExternalSecret` → group, version, kind (core group is ""). */
export function kubernetesKind(type: string): { group: string; version: string; kind: string } | undefined {
  const m = /^kubernetes:(?:([^/:]+)\/)?([^/:]+):(\w+)$/.exec(type);
  if (!m || type === RELEASE || type.startsWith("kubernetes:helm.sh/")) return undefined;
  const group = m[1] === "core" || m[1] === undefined ? "" : m[1];
  return { group, version: m[2], kind: m[3] };
}

/** Value at a dotted path of a values map (`installCRDs`, `crds.enabled`). */
function valueAt(values: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((v, key) => (isMap(v) ? v[key] : undefined), values);
}

/** The Kubernetes version of the record's EKS cluster. */
/** The CRDs a release installs with its values (a CRD behind a values switch that is off is not installed). */
function crdsOf(release: RecordedResource, facts: { crds: CrdFact[] }) {
  return facts.crds
    .filter((crd) => !(crd.installedWhen && valueAt(release.inputs.values, crd.installedWhen) === false))
    .map((crd) => ({ urn: release.urn, group: crd.group, kind: crd.kind, versions: crd.versions }));
}

function clusterVersion(resources: RecordedResource[]): string | undefined {
  const cluster = resources.find((r) => r.type === "eks:index:Cluster" || r.type === "aws:eks/cluster:Cluster");
  return cluster ? String(cluster.inputs.version ?? "") || undefined : undefined;
}

/**
 * @param platform For a stack on another's platform (`qualisys:platform`): the host's record. Its cluster version
 *   and the CRDs its releases install are what this stack's objects meet; they are deployed before it, so they
 *   give context and are not themselves checked here (the host's own preview checks them).
 */
export function checkReadiness(
  resources: RecordedResource[],
  catalogue: Catalogue,
  platform: RecordedResource[] = [],
  today: string = utcToday(),
): Readiness {
  const findings: Finding[] = [];
  const add = (f: Finding) => findings.push(f);
  const graph = new CreationGraph(resources);
  const kube = clusterVersion(resources) ?? clusterVersion(platform) ?? "";
  const minor = minorOf(kube);
  const refresh = `run \`${REFRESH_COMMAND}\` where the sources are reachable`;
  const counts = { releases: 0, valuesKeys: 0, customResources: 0, addons: 0, nodeGroups: 0 };
  const resolvedAtDeploy: { resource: string; addon: string }[] = [];

  // 0. The cluster's version on the EKS calendar (only the stack that owns the cluster: a hosted stack's host reports it).
  const cluster = resources.find((r) => r.type === "eks:index:Cluster" || r.type === "aws:eks/cluster:Cluster");
  if (cluster && minor) {
    const status = supportStatus(catalogue.eksVersions, minor, today);
    const calendar = `EKS version calendar: ${catalogue.eksVersions.source}`;
    if (status.kind === "unknown" || status.kind === "ended") {
      add({
        check: "eks-version",
        severity: "blocking",
        resource: cluster.name,
        message: versionProblem(catalogue.eksVersions, minor, today) as string,
      });
    } else if (status.kind === "no-dates") {
      add({
        check: "eks-version",
        severity: "unverified",
        resource: cluster.name,
        message: `Kubernetes ${minor} exists (${status.evidence}) but the catalogue has no EKS support dates for it, so extended support cannot be priced; ${refresh}`,
      });
    } else if (status.kind === "extended") {
      add({
        check: "eks-version",
        severity: "warning",
        resource: cluster.name,
        message: `Kubernetes ${minor} left EKS standard support on ${status.endOfStandardSupport}: the control plane is billed at the extended-support rate (priced in the estimate) until ${status.endOfExtendedSupport}, then EKS upgrades it; upgrade to a minor in standard support (${calendar})`,
      });
    } else if (status.daysLeft <= STANDARD_SUPPORT_WARNING_DAYS) {
      add({
        check: "eks-version",
        severity: "warning",
        resource: cluster.name,
        message: `Kubernetes ${minor} leaves EKS standard support on ${status.endOfStandardSupport} (in ${status.daysLeft} days); from then the control plane is billed at the extended-support rate: plan the upgrade (${calendar})`,
      });
    }
  }

  // 1–2. Charts: published, kubeVersion, values keys, and what each release installs.
  const releases = resources.filter((r) => r.type === RELEASE);
  const installedCrds: { urn: string; group: string; kind: string; versions: string[] }[] = [];
  for (const release of releases) {
    counts.releases++;
    const chart = String(release.inputs.chart);
    const version = String(release.inputs.version);
    const known = catalogue.charts[chart];
    if (!known) {
      add({
        check: "chart-version",
        severity: "unverified",
        resource: release.name,
        message: `chart ${chart} is not in the catalogue; add it to upstream/extract.ts and ${refresh}`,
      });
      continue;
    }
    if (!known.published.includes(version)) {
      const newer = compareVersions(version, known.published[0]) > 0;
      add({
        check: "chart-version",
        severity: newer ? "unverified" : "blocking",
        resource: release.name,
        message: newer
          ? `chart ${chart} ${version} is newer than the catalogue (newest ${known.published[0]} as of ${known.asOf}); ${refresh}`
          : `chart ${chart} ${version} was never published in ${known.repo} (newest: ${known.published.slice(0, 3).join(", ")})`,
      });
      continue;
    }
    const facts = known.versions[version];
    if (!facts) {
      add({
        check: "values",
        severity: "unverified",
        resource: release.name,
        message: `chart ${chart} ${version} is published but its contents are not in the catalogue; ${refresh}`,
      });
      continue;
    }
    if (facts.kubeVersion && kube && !satisfies(kube, facts.kubeVersion)) {
      add({
        check: "chart-version",
        severity: "blocking",
        resource: release.name,
        message: `chart ${chart} ${version} requires Kubernetes ${facts.kubeVersion}; the cluster is ${kube}`,
      });
    }
    const { unknown, checked } = unknownValuesKeys(release.inputs.values, facts);
    counts.valuesKeys += checked;
    for (const path of unknown) {
      const hint = closest(path, facts.valuesKeys);
      add({
        check: "values",
        severity: "blocking",
        resource: release.name,
        message: `values key ${path} does not exist in chart ${chart} ${version}${hint ? ` (did you mean ${hint}?)` : ""}`,
      });
    }
    installedCrds.push(...crdsOf(release, facts));
    // The application's line against upstream's own support table (end of life, Kubernetes minors tested).
    const app = facts.appVersion;
    if (known.support && app && minor) {
      for (const problem of supportProblems(known.support, app, minor, today)) {
        add({
          check: "support",
          severity: "warning",
          resource: release.name,
          message: `${chart} ${version} (${app}): ${problem} (${known.support.source})`,
        });
      }
    }
  }
  // The host's releases are deployed already: their CRDs serve this stack's objects from the start.
  const deployedCrds = platform
    .filter((r) => r.type === RELEASE)
    .flatMap((r) => {
      const facts = catalogue.charts[String(r.inputs.chart)]?.versions[String(r.inputs.version)];
      return facts ? crdsOf(r, facts) : [];
    });

  // 3. Kinds: every custom resource's kind/version is served by an installed CRD; built-ins by the cluster.
  const builtins = new Set(catalogue.builtinApis[minor]?.versions ?? []);
  const crdReleaseFor = new Map<string, string[]>();
  for (const r of resources) {
    const kind = kubernetesKind(r.type);
    if (!kind) continue;
    const groupVersion = kind.group ? `${kind.group}/${kind.version}` : kind.version;
    const builtinGroup = [...builtins].some((gv) => (gv.includes("/") ? gv.split("/")[0] : "") === kind.group);
    if (builtinGroup || !kind.group) {
      if (!builtins.has(groupVersion)) {
        add({
          check: "custom-resources",
          severity: builtins.size ? "blocking" : "unverified",
          resource: r.name,
          message: builtins.size
            ? `${groupVersion} ${kind.kind} is not served by Kubernetes ${minor}`
            : `no built-in API list for Kubernetes ${minor} in the catalogue; ${refresh}`,
        });
      }
      continue;
    }
    counts.customResources++;
    const served = (c: { group: string; kind: string }) => c.group === kind.group && c.kind === kind.kind;
    const deployed = deployedCrds.filter(served);
    if (deployed.some((c) => c.versions.includes(kind.version))) continue;
    const serving = [...installedCrds.filter(served), ...deployed];
    if (!serving.length) {
      add({
        check: "custom-resources",
        severity: "blocking",
        resource: r.name,
        message: `no release installs a CRD for ${kind.kind}.${kind.group}`,
      });
      continue;
    }
    if (!serving.some((c) => c.versions.includes(kind.version))) {
      add({
        check: "custom-resources",
        severity: "blocking",
        resource: r.name,
        message: `${kind.kind}.${kind.group} is served as ${[...new Set(serving.flatMap((c) => c.versions))].join(", ")}, not ${kind.version}`,
      });
      continue;
    }
    crdReleaseFor.set(r.urn, [...new Set(serving.map((c) => c.urn))]);
  }

  // 4. Managed add-ons, node AMI release, autoscaler minor. A remote component whose children the record holds
  // (offline/children) is judged by those children, which carry the same facts: counted once.
  const judged = withoutModelledComponents(resources);
  const addonVersions: { resource: string; addon: string; version: string }[] = [];
  for (const r of judged) {
    if (r.type === "aws:eks/addon:Addon") {
      const version = r.inputs.addonVersion;
      const addon = String(r.inputs.addonName);
      // Left to AWS (`aws.eks.getAddonVersion`): offline the version is unknown; AWS picks it at deploy.
      if (version === UNKNOWN) resolvedAtDeploy.push({ resource: r.name, addon });
      else if (version) addonVersions.push({ resource: r.name, addon, version: String(version) });
    }
    if (r.type === "eks:index:Cluster") {
      // What pulumi-eks 4.3.0 creates (nodejs/eks/cluster/cluster.ts): kube-proxy unless disabled; CoreDNS only
      // when enabled explicitly or configured (or for a default node group or Fargate, which this program skips).
      const options = (key: string) => (isMap(r.inputs[key]) ? r.inputs[key] : {});
      const proxy = options("kubeProxyAddonOptions");
      const dns = options("corednsAddonOptions");
      const created = {
        "kube-proxy": proxy.enabled !== false,
        coredns:
          dns.enabled === true ||
          dns.configurationValues !== undefined ||
          ((r.inputs.skipDefaultNodeGroup !== true || Boolean(r.inputs.fargate)) && dns.enabled !== false),
      };
      for (const [addon, opts] of [
        ["kube-proxy", proxy],
        ["coredns", dns],
      ] as const) {
        if (!created[addon]) continue;
        if (opts.version) addonVersions.push({ resource: r.name, addon, version: String(opts.version) });
        else resolvedAtDeploy.push({ resource: r.name, addon });
      }
    }
  }
  counts.addons += resolvedAtDeploy.length;
  for (const { resource, addon, version } of addonVersions) {
    counts.addons++;
    const known = catalogue.eksAddons[addon]?.[minor];
    if (!known?.versions.length) {
      add({
        check: "addons",
        severity: "unverified",
        resource,
        message: `${addon} ${version}: the catalogue holds no ${addon} versions for Kubernetes ${minor}; pin nothing to let AWS resolve its default at deploy, or ${refresh}`,
      });
    } else if (!known.versions.includes(version)) {
      add({
        check: "addons",
        severity: "blocking",
        resource,
        message: `${addon} ${version} is not a known version for Kubernetes ${minor} (known: ${known.versions.join(", ")}; ${known.source})`,
      });
    }
  }
  const amis = catalogue.amiReleases[minor];
  for (const r of judged) {
    if (r.type !== "eks:index:ManagedNodeGroup" && r.type !== "aws:eks/nodeGroup:NodeGroup") continue;
    const release = r.inputs.releaseVersion === undefined ? undefined : String(r.inputs.releaseVersion);
    if (!release) continue;
    counts.nodeGroups++;
    const newest = amis?.versions[0];
    if (minorOf(release) !== minor) {
      add({
        check: "ami",
        severity: "blocking",
        resource: r.name,
        message: `AMI release ${release} is not for Kubernetes ${minor}`,
      });
    } else if (!amis || !newest) {
      add({
        check: "ami",
        severity: "unverified",
        resource: r.name,
        message: `no AMI releases for ${minor} in the catalogue; ${refresh}`,
      });
    } else if (!amis.versions.includes(release)) {
      const date = (v: string) => v.split("-")[1];
      const later = date(release) > date(newest);
      add({
        check: "ami",
        severity: later ? "unverified" : "blocking",
        resource: r.name,
        message: later
          ? `AMI release ${release} is newer than the catalogue (newest ${newest}, ${amis.source}); ${refresh}`
          : `AMI release ${release} does not exist for Kubernetes ${minor} (newest: ${newest}; ${amis.source})`,
      });
    }
  }
  for (const release of releases.filter((r) => r.inputs.chart === "cluster-autoscaler")) {
    const facts = catalogue.charts["cluster-autoscaler"]?.versions[String(release.inputs.version)];
    const tag = valueAt(release.inputs.values, "image.tag");
    const app = typeof tag === "string" ? tag : facts?.appVersion;
    if (!app) continue;
    if (minorOf(app) !== minor) {
      add({
        check: "autoscaler",
        severity: "blocking",
        resource: release.name,
        message: `cluster-autoscaler ${app} (chart ${release.inputs.version}) is for Kubernetes ${minorOf(app)}; the cluster is ${minor} — pick a chart whose appVersion is ${minor}.x`,
      });
    }
  }

  // 5. First create: walk the graph and report anything that may start before what it needs.
  const byName = (type: string, name: string) =>
    resources.find((r) => r.type === type && isMap(r.inputs.metadata) && r.inputs.metadata.name === name);
  const roleByName = new Map(
    resources
      .filter((r) => r.type === "aws:iam/role:Role")
      .map((r) => [String(r.outputs.name ?? r.inputs.name ?? r.name), r] as const),
  );
  const clusters = resources.filter((r) => r.type === "eks:index:Cluster" || r.type === "aws:eks/cluster:Cluster");
  const needs = (r: RecordedResource): { urn: string; what: string }[] => {
    const list: { urn: string; what: string }[] = [];
    for (const urn of crdReleaseFor.get(r.urn) ?? []) {
      list.push({ urn, what: `the CRD its kind needs (release ${graph.resource(urn)?.name})` });
    }
    const metadata = isMap(r.inputs.metadata) ? r.inputs.metadata : {};
    const namespace = r.type === RELEASE ? r.inputs.namespace : metadata.namespace;
    const ns = typeof namespace === "string" ? byName("kubernetes:core/v1:Namespace", namespace) : undefined;
    if (ns && ns.urn !== r.urn) list.push({ urn: ns.urn, what: `its namespace ${namespace}` });
    if (r.type.startsWith("pulumi:providers:kubernetes")) {
      // A provider a cluster component creates for itself waits for the cluster inside it, not for its own parent.
      const ancestors = new Set<string>();
      for (let p = r.parent; p; p = graph.resource(p)?.parent ?? null) ancestors.add(p);
      for (const c of clusters)
        if (!ancestors.has(c.urn)) list.push({ urn: c.urn, what: `the cluster it connects to (${c.name})` });
    }
    const annotations =
      r.type === RELEASE ? JSON.stringify(r.inputs.values ?? {}) : JSON.stringify(metadata.annotations ?? {});
    for (const m of annotations.matchAll(/eks\.amazonaws\.com\/role-arn":"arn:[^:]+:iam::[^:]*:role\/([^"]+)"/g)) {
      const role = roleByName.get(m[1].split("/").pop() as string);
      if (role) list.push({ urn: role.urn, what: `the IRSA role ${m[1]} its service account names` });
    }
    return list;
  };
  for (const r of resources) {
    if (!r.custom) continue;
    const before = graph.ancestors(r.urn);
    for (const need of needs(r)) {
      if (before.has(need.urn)) continue;
      const needed = graph.resource(need.urn);
      add({
        check: "first-create",
        severity: "blocking",
        resource: r.name,
        message:
          `may be created before ${need.what}: no dependency path to ${needed?.name} ` +
          `(creation wave ${graph.wave(r.urn)} vs ${graph.wave(need.urn)})`,
      });
    }
  }

  const blocking = findings.filter((f) => f.severity === "blocking").length;
  const warnings = findings.filter((f) => f.severity === "warning").length;
  return {
    catalogueDate: catalogue.generated,
    checkedOn: today,
    kubernetesVersion: kube,
    findings,
    blocking,
    unverified: findings.length - blocking - warnings,
    warnings,
    passed: blocking === 0,
    counts,
    resolvedAtDeploy,
    freshness: freshness(resources, catalogue),
    catalogueAgeDays: catalogueAgeDays(catalogue, today),
    sourceDates: sourceDates(catalogue),
  };
}

export function formatReadiness(readiness: Readiness): string {
  const { counts } = readiness;
  const header =
    `Deploy readiness: ${readiness.passed ? "PASS" : "FAIL"} — ${readiness.blocking} blocking, ${readiness.unverified} unverified, ${readiness.warnings} warning(s) ` +
    `(${readiness.kubernetesVersion ? `Kubernetes ${readiness.kubernetesVersion}` : "no cluster"}, catalogue of ${readiness.catalogueDate}, checked on ${readiness.checkedOn}; checked ${counts.releases} releases, ` +
    `${counts.valuesKeys} values keys, ${counts.customResources} custom resources, ${counts.addons} add-ons, ${counts.nodeGroups} node groups)`;
  const order: Record<Severity, number> = { blocking: 0, unverified: 1, warning: 2 };
  const rows = [...readiness.findings]
    .sort((a, b) => order[a.severity] - order[b.severity])
    .map((f) => `  [${f.severity}] ${f.check}: ${f.resource}: ${f.message}`);
  const resolved = readiness.resolvedAtDeploy.map(
    ({ resource, addon }) =>
      `  [resolved by AWS at deploy] addons: ${resource}: ${addon}: the default version EKS offers for Kubernetes ${readiness.kubernetesVersion} when the stack is deployed (pin it in cluster.addons to freeze it)`,
  );
  const fresh = formatFreshness(
    readiness.freshness,
    readiness.catalogueDate,
    readiness.catalogueAgeDays,
    readiness.sourceDates,
  );
  return [header, ...rows, ...resolved, fresh].join("\n");
}
