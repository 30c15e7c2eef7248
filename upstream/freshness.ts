/**
 * Freshness (SPEC V4): how far each pin of a stack's record is behind the newest version the catalogue knows, and
 * how old the catalogue is. It does not fail anything: an old pin is a choice, but it should be a visible one.
 * `npm run catalog:refresh` (online) or `catalog:extract` (from snapshots) brings the catalogue up to date first.
 */
import { isMap } from "./values-keys";
import { withoutModelledComponents } from "../offline/record";
import type { RecordedResource } from "../offline/run";
import type { Catalogue } from "./catalogue";
import { compareVersions, newestAmiFirst, versionParts } from "./semver";

/** How far a pin is behind: nothing, a newer build of the same version, or a newer patch, minor or major. */
export type Behind = "current" | "build" | "patch" | "minor" | "major";

export interface PinFreshness {
  /** What is pinned (`chart external-secrets`, `add-on coredns`, `AMI release`, `Kubernetes`). */
  pin: string;
  resource: string;
  current: string;
  newest: string;
  behind: Behind;
}

/** The first of major, minor, patch that differs; a later build of the same version is `build`. */
export function behind(current: string, newest: string): Behind {
  if (compareVersions(current, newest) >= 0) return "current";
  const [a, b] = [versionParts(current), versionParts(newest)];
  if (a[0] !== b[0]) return "major";
  if (a[1] !== b[1]) return "minor";
  if (a[2] !== b[2]) return "patch";
  return "build";
}

/** The oldest and newest dates of the catalogue's sources (chart indexes, AMI release notes): what it knows of. */
export function sourceDates(catalogue: Catalogue): { oldest: string; newest: string } {
  const dates = [
    ...Object.values(catalogue.charts).map((c) => c.asOf),
    ...Object.values(catalogue.amiReleases).map((a) => a.asOf),
  ]
    .map((d) => String(d).slice(0, 10))
    .filter((d) => /^\d{4}-\d\d-\d\d$/.test(d))
    .sort();
  return { oldest: dates[0] ?? catalogue.generated, newest: dates[dates.length - 1] ?? catalogue.generated };
}

/** Days from the catalogue's date to `today`. */
export const catalogueAgeDays = (catalogue: Catalogue, today: string) =>
  Math.round((Date.parse(today) - Date.parse(catalogue.generated)) / 86_400_000);

export function freshness(resources: RecordedResource[], catalogue: Catalogue): PinFreshness[] {
  const pins: PinFreshness[] = [];
  const push = (pin: string, resource: string, current: string, newest: string | undefined) => {
    if (newest) pins.push({ pin, resource, current, newest, behind: behind(current, newest) });
  };
  const cluster = resources.find((r) => r.type === "eks:index:Cluster" || r.type === "aws:eks/cluster:Cluster");
  const minor = cluster ? String(cluster.inputs.version ?? "") : "";
  if (cluster && minor) {
    const minors = [...Object.keys(catalogue.eksVersions.versions), ...Object.keys(catalogue.eksVersions.withoutDates)];
    const newest = minors.sort(compareVersions).pop();
    push("Kubernetes", cluster.name, minor, newest);
  }
  for (const r of withoutModelledComponents(resources)) {
    if (r.type === "kubernetes:helm.sh/v3:Release") {
      const chart = String(r.inputs.chart);
      push(`chart ${chart}`, r.name, String(r.inputs.version), catalogue.charts[chart]?.published[0]);
    }
    if (
      r.type === "aws:eks/addon:Addon" &&
      typeof r.inputs.addonVersion === "string" &&
      r.inputs.addonVersion !== "[unknown]"
    ) {
      const addon = String(r.inputs.addonName);
      const known = [...(catalogue.eksAddons[addon]?.[minor]?.versions ?? [])].sort(compareVersions);
      push(`add-on ${addon}`, r.name, r.inputs.addonVersion, known.pop());
    }
    if (r.type === "eks:index:Cluster") {
      const proxy = isMap(r.inputs.kubeProxyAddonOptions) ? r.inputs.kubeProxyAddonOptions.version : undefined;
      const known = [...(catalogue.eksAddons["kube-proxy"]?.[minor]?.versions ?? [])].sort(compareVersions);
      if (typeof proxy === "string") push("add-on kube-proxy", r.name, proxy, known.pop());
    }
    if (
      (r.type === "eks:index:ManagedNodeGroup" || r.type === "aws:eks/nodeGroup:NodeGroup") &&
      r.inputs.releaseVersion
    ) {
      const release = String(r.inputs.releaseVersion);
      const newest = [...(catalogue.amiReleases[minor]?.versions ?? [])].sort(newestAmiFirst)[0];
      if (newest) {
        const state: Behind =
          newestAmiFirst(release, newest) <= 0
            ? "current"
            : behind(release, newest) === "current"
              ? "build"
              : behind(release, newest);
        pins.push({ pin: "AMI release", resource: r.name, current: release, newest, behind: state });
      }
    }
  }
  return pins;
}

export function formatFreshness(
  pins: PinFreshness[],
  catalogueDate: string,
  age: number,
  sources: { oldest: string; newest: string },
): string {
  const width = Math.max(...pins.map((p) => p.pin.length), 10);
  if (!pins.length) return `Freshness: no pins (catalogue of ${catalogueDate}, ${age} day(s) old)`;
  const rows = pins.map(
    (p) =>
      `  ${p.pin.padEnd(width)}  ${p.current} ${p.behind === "current" ? "(newest known)" : `→ ${p.newest}: ${p.behind} behind`}  [${p.resource}]`,
  );
  const stale = pins.filter((p) => p.behind !== "current").length;
  return [
    `Freshness: ${stale} of ${pins.length} pin(s) behind the newest in the catalogue (catalogue of ${catalogueDate}, ${age} day(s) old, from sources dated ${sources.oldest} to ${sources.newest}; \`npm run catalog:refresh\` updates it)`,
    ...rows,
  ].join("\n");
}
