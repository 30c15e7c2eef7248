/**
 * The little semver the readiness checks need: order chart versions, and test a Helm `kubeVersion` constraint
 * (comparators such as `>= 1.19.0-0`, `<1.36.0`, joined by spaces or commas for AND and `||` for OR).
 */

/** Numeric parts of a version: `v1.35.3-eksbuild.2` → [1, 35, 3]. */
export function versionParts(version: string): number[] {
  const core = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version.trim());
  return core ? [Number(core[1]), Number(core[2] ?? 0), Number(core[3] ?? 0)] : [];
}

/** Compares by major.minor.patch, then by any trailing build number (`eksbuild.13` > `eksbuild.2`). */
export function compareVersions(a: string, b: string): number {
  const [pa, pb] = [versionParts(a), versionParts(b)];
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  const build = (v: string) => Number(/(\d+)$/.exec(v.replace(/^v?\d+(\.\d+){0,2}/, ""))?.[1] ?? 0);
  return build(a) - build(b) || a.localeCompare(b);
}

function satisfiesComparator(version: number[], comparator: string): boolean {
  const m = /^(>=|<=|>|<|=|!=|~|\^)?\s*v?(\d+(?:\.(?:\d+|x|\*))*(?:\.(?:\d+|x|\*))?)(?:-[0-9A-Za-z.-]+)?$/.exec(
    comparator.trim(),
  );
  if (!m) return true; // an operand we do not understand does not block (reported as satisfied)
  const op = m[1] ?? "=";
  const parts = m[2].split(".").map((p) => (p === "x" || p === "*" ? NaN : Number(p)));
  const target = [
    parts[0] ?? 0,
    Number.isNaN(parts[1]) ? 0 : (parts[1] ?? 0),
    Number.isNaN(parts[2]) ? 0 : (parts[2] ?? 0),
  ];
  const cmp = (() => {
    for (let i = 0; i < 3; i++) if (version[i] !== target[i]) return version[i] - target[i];
    return 0;
  })();
  switch (op) {
    case ">=":
      return cmp >= 0;
    case ">":
      return cmp > 0;
    case "<=":
      return cmp <= 0;
    case "<":
      return cmp < 0;
    case "!=":
      return cmp !== 0;
    case "~":
      return cmp >= 0 && version[0] === target[0] && version[1] === target[1];
    case "^":
      return cmp >= 0 && version[0] === target[0];
    default:
      return parts.every((p, i) => Number.isNaN(p) || version[i] === p);
  }
}

/** Whether a Kubernetes version (`1.35` → 1.35.0, as Helm sees a new cluster's first patch) satisfies a range. */
export function satisfies(kubernetesVersion: string, range: string): boolean {
  const version = versionParts(kubernetesVersion);
  return range.split("||").some((alternative) =>
    alternative
      .replace(/([<>=!~^]+)\s+/g, "$1")
      .split(/[\s,]+/)
      .filter(Boolean)
      .every((c) => satisfiesComparator(version, c)),
  );
}

/** Orders AMI release versions (`1.35.6-20260714`) newest first: by release date, then by Kubernetes patch. */
export function newestAmiFirst(a: string, b: string): number {
  const date = (v: string) => v.split("-")[1] ?? "";
  return date(b).localeCompare(date(a)) || compareVersions(b, a);
}
