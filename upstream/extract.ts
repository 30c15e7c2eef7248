/**
 * `npm run catalog:extract [-- chart@version ...]`: builds upstream/catalogue.json offline from snapshots of the
 * upstream repositories (bare git directories, as the search tool's `fetch` brings them, under $UPSTREAM_MIRROR,
 * default /work/.mirror/<owner>+<name>/repo). The snapshots are read, never committed.
 *
 * - Published chart versions: the repository's `index.yaml` on its gh-pages branch (the file Helm downloads); for
 *   prometheus-community, whose index is over the snapshot's file-size limit, the chart-releaser release tags
 *   (`<chart>-<version>`, one per published version).
 * - Per pinned version (the versions in out/<stack>/resources.json plus any named on the command line): the chart
 *   itself, from the archive on gh-pages (eks-charts) or from the release tag the index's download URL names.
 * - AL2023 node AMI releases per minor: awslabs/amazon-eks-ami CHANGELOG.md (the release notes of every AMI release).
 * - EKS add-on versions: upstream/sources/eks-addons.json (AWS documentation tables, with their URLs).
 * - Built-in API versions: upstream/sources/k8s-discovery.json (Kubernetes discovery document).
 * - The EKS version calendar: upstream/sources/eks-versions.json (`npm run catalog:calendar`, from the EKS User Guide).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { cataloguePath, type Catalogue, type ChartFacts, type SourcedList } from "./catalogue";
import { crdsIn, readChartDir } from "./chart-facts";
import { calendarPath, type EksCalendar } from "./eks-calendar";
import { compareVersions, newestAmiFirst } from "./semver";
import { parseSupportTable } from "./support-windows";

const mirror = process.env.UPSTREAM_MIRROR ?? "/work/.mirror";
const root = join(__dirname, "..");

/** Where each chart the program installs is published. */
export const chartSources: Record<string, { repo: string; snapshot: string }> = {
  "cluster-autoscaler": { repo: "https://kubernetes.github.io/autoscaler", snapshot: "kubernetes/autoscaler" },
  "metrics-server": {
    repo: "https://kubernetes-sigs.github.io/metrics-server/",
    snapshot: "kubernetes-sigs/metrics-server",
  },
  "aws-load-balancer-controller": { repo: "https://aws.github.io/eks-charts", snapshot: "aws/eks-charts" },
  "aws-for-fluent-bit": { repo: "https://aws.github.io/eks-charts", snapshot: "aws/eks-charts" },
  "external-secrets": { repo: "https://charts.external-secrets.io", snapshot: "external-secrets/external-secrets" },
  "kube-prometheus-stack": {
    repo: "https://prometheus-community.github.io/helm-charts",
    snapshot: "prometheus-community/helm-charts",
  },
  "prometheus-postgres-exporter": {
    repo: "https://prometheus-community.github.io/helm-charts",
    snapshot: "prometheus-community/helm-charts",
  },
  "prometheus-redis-exporter": {
    repo: "https://prometheus-community.github.io/helm-charts",
    snapshot: "prometheus-community/helm-charts",
  },
};

/** Charts whose upstream publishes a support table: where it is (upstream/support-windows.ts reads it). */
const supportTables: Record<string, { ref: string; path: string }> = {
  "external-secrets": { ref: "main", path: "docs/introduction/stability-support.md" },
};

/** Snapshots holding the subcharts pinned charts depend on, by the repository URL Chart.yaml names. */
const subchartSnapshots: Record<string, string> = {
  "https://prometheus-community.github.io/helm-charts": "prometheus-community/helm-charts",
  "https://grafana-community.github.io/helm-charts": "grafana-community/helm-charts",
};

const gitDir = (snapshot: string) => join(mirror, snapshot.replace("/", "+"), "repo");
const git = (snapshot: string, ...args: string[]) =>
  execFileSync("git", ["--git-dir", gitDir(snapshot), ...args], { maxBuffer: 1 << 30 });
const gitText = (snapshot: string, ...args: string[]) => git(snapshot, ...args).toString();
const tryGit = (snapshot: string, ...args: string[]) => {
  try {
    return gitText(snapshot, ...args).trim();
  } catch {
    return undefined;
  }
};

interface IndexEntry {
  version: string;
  urls?: string[];
  created?: string;
}

/** The repository index on gh-pages, or undefined when the snapshot lacks it (over the size limit). */
function readIndex(
  snapshot: string,
): { entries: Record<string, IndexEntry[]>; generated: string; commit: string } | undefined {
  const commit = tryGit(snapshot, "rev-parse", "gh-pages");
  const text = commit && tryGit(snapshot, "show", "gh-pages:index.yaml");
  if (!commit || !text) return undefined;
  const index = parseYaml(text, { maxAliasCount: -1 }) as { entries: Record<string, IndexEntry[]>; generated: string };
  return { entries: index.entries, generated: String(index.generated), commit };
}

/** Unpacks one chart version into a temporary directory and returns the chart's folder. */
function unpackChart(
  chart: string,
  version: string,
  snapshot: string,
  entry: IndexEntry | undefined,
): { dir: string; origin: string; commit?: string; tmp: string } {
  const tmp = mkdtempSync(join(tmpdir(), "chart-"));
  const url = entry?.urls?.[0] ?? "";
  const release = /\/releases\/download\/([^/]+)\//.exec(url)?.[1];
  if (!release && url.endsWith(".tgz")) {
    // The archive itself is on gh-pages (aws/eks-charts).
    const file = url.split("/").pop() as string;
    const archive = join(tmp, file);
    writeFileSync(archive, git(snapshot, "show", `gh-pages:${file}`));
    execFileSync("tar", ["-xzf", archive, "-C", tmp]);
    return { dir: join(tmp, chart), origin: `${snapshot} gh-pages:${file}`, tmp };
  }
  const tag = release ?? `${chart}-${version}`;
  const commit = gitText(snapshot, "rev-parse", `${tag}^{commit}`).trim();
  const chartFile = gitText(snapshot, "ls-tree", "-r", "--name-only", commit)
    .split("\n")
    .filter((p) => p.endsWith(`/${chart}/Chart.yaml`) || p === `${chart}/Chart.yaml`)
    .find((p) => {
      const meta = parseYaml(gitText(snapshot, "show", `${commit}:${p}`)) as { name: string; version: string };
      return meta.name === chart && String(meta.version) === version;
    });
  if (!chartFile) throw new Error(`${chart} ${version}: no Chart.yaml with that version at tag ${tag}`);
  const folder = chartFile.replace(/\/?Chart\.yaml$/, "");
  const tar = join(tmp, "chart.tar");
  writeFileSync(tar, git(snapshot, "archive", commit, folder));
  execFileSync("tar", ["-xf", tar, "-C", tmp]);
  return { dir: join(tmp, folder), origin: `${snapshot} tag ${tag} (${commit.slice(0, 12)}) ${folder}/`, commit, tmp };
}

/**
 * Versions detailed although no stack pins them: the previous pin an upgrade note compares against
 * (docs/readiness.md, external-secrets 1.3 → 2.9; its test reads both versions' facts).
 */
const alsoDetailed = ["external-secrets@1.3.2"];

/** Chart versions the program pins today: every Helm release in the stacks' records. */
function pinnedVersions(extra: string[]): Map<string, Set<string>> {
  const pins = new Map<string, Set<string>>();
  const add = (chart: string, version: string) => pins.set(chart, (pins.get(chart) ?? new Set()).add(version));
  const outDir = join(root, "out");
  for (const stack of existsSync(outDir) ? readdirSync(outDir) : []) {
    const file = join(outDir, stack, "resources.json");
    if (!existsSync(file)) continue;
    for (const r of JSON.parse(readFileSync(file, "utf8")) as { type: string; inputs: Record<string, unknown> }[]) {
      if (r.type === "kubernetes:helm.sh/v3:Release") add(String(r.inputs.chart), String(r.inputs.version));
    }
  }
  for (const pin of [...alsoDetailed, ...extra]) {
    const [chart, version] = pin.split("@");
    add(chart, version);
  }
  return pins;
}

function chartFacts(chart: string, versions: Set<string>): ChartFacts {
  const { repo, snapshot } = chartSources[chart];
  const index = readIndex(snapshot);
  let published: string[];
  let asOf: string;
  let source: string;
  if (index?.entries[chart]) {
    published = index.entries[chart].map((e) => e.version);
    asOf = index.generated;
    source = `${snapshot} gh-pages:index.yaml (commit ${index.commit.slice(0, 12)})`;
  } else {
    const prefix = `${chart}-`;
    published = gitText(snapshot, "tag", "--list", `${prefix}*`)
      .split("\n")
      .map((t) => t.slice(prefix.length))
      .filter((v) => /^\d+\.\d+\.\d+$/.test(v));
    const newest = [...published].sort(compareVersions).pop() as string;
    asOf = gitText(snapshot, "log", "-1", "--format=%cI", `${prefix}${newest}`).trim();
    source = `${snapshot} release tags ${prefix}<version> (index.yaml is over the snapshot's file-size limit)`;
  }
  published = [...new Set(published)].sort(compareVersions).reverse();
  const facts: ChartFacts = { repo, source, asOf, published, versions: {} };
  for (const version of [...versions].sort(compareVersions)) {
    if (!published.includes(version)) {
      console.log(`  ${chart} ${version}: not published — no details`);
      continue;
    }
    const entry = index?.entries[chart]?.find((e) => e.version === version);
    const { dir, origin, commit, tmp } = unpackChart(chart, version, snapshot, entry);
    const unpacked = [tmp];
    try {
      const details = readChartDir(dir, (dependency) => {
        const source = Object.entries(subchartSnapshots).find(([url]) => dependency.repository?.startsWith(url))?.[1];
        if (!source || !/^\d+\.\d+\.\d+$/.test(dependency.version)) return undefined; // a range: not resolved
        const sub = unpackChart(dependency.name, dependency.version, source, undefined);
        unpacked.push(sub.tmp);
        return sub.dir;
      }).facts;
      const bundle = commit && chart === "external-secrets" ? `${commit}:deploy/crds/bundle.yaml` : undefined;
      if (bundle && !details.crds.length) {
        // external-secrets generates templates/crds/ from this bundle when it packages the chart
        // (hack/helm.generate.sh), each file wrapped in `{{- if .Values.installCRDs }}`.
        const crds = crdsIn(gitText(snapshot, "show", bundle)).map((crd) => ({ ...crd, installedWhen: "installCRDs" }));
        details.crds = crds.sort((a, b) => `${a.group}/${a.kind}`.localeCompare(`${b.group}/${b.kind}`));
      }
      facts.versions[version] = { source: origin, ...details };
      console.log(
        `  ${chart} ${version}: ${details.valuesKeys.length} keys, ${details.freeForm.length} free-form, ${details.crds.length} CRDs (${origin}); subcharts ${details.subcharts.map((d) => `${d.name}@${d.version}${d.checked ? "" : " (unchecked)"}`).join(", ") || "none"}`,
      );
    } finally {
      for (const t of unpacked) rmSync(t, { recursive: true, force: true });
    }
  }
  const support = supportTables[chart];
  if (support) {
    const commit = gitText(snapshot, "rev-parse", support.ref).trim();
    facts.support = {
      source: `${snapshot} ${support.path} at ${commit.slice(0, 12)} (${gitText(snapshot, "log", "-1", "--format=%cs", commit).trim()})`,
      lines: parseSupportTable(gitText(snapshot, "show", `${commit}:${support.path}`)),
    };
  }
  return facts;
}

/** AL2023 AMI release versions per Kubernetes minor from the amazon-eks-ami release notes. */
export function amiReleasesFromChangelog(changelog: string): Record<string, string[]> {
  const byMinor: Record<string, string[]> = {};
  for (const release of changelog.split(/^# AMI Release /m).slice(1)) {
    for (const block of release.split(/<summary><b>Kubernetes /).slice(1)) {
      const minor = /^(\d+\.\d+)<\/b>/.exec(block)?.[1];
      const body = block.split("</details>")[0];
      if (!minor || !/amazon-eks-node-al2023-/.test(body)) continue;
      for (const m of body.matchAll(/>(\d+\.\d+\.\d+-\d{8})</g)) {
        if (m[1].startsWith(`${minor}.`)) (byMinor[minor] ??= []).push(m[1]);
      }
    }
  }
  for (const minor of Object.keys(byMinor)) byMinor[minor] = [...new Set(byMinor[minor])].sort(newestAmiFirst);
  return byMinor;
}

function main() {
  const today = new Date().toISOString().slice(0, 10);
  const pins = pinnedVersions(process.argv.slice(2));
  const charts: Catalogue["charts"] = {};
  for (const chart of Object.keys(chartSources)) {
    console.log(chart);
    charts[chart] = chartFacts(chart, pins.get(chart) ?? new Set());
  }

  const ami = "awslabs/amazon-eks-ami";
  const amiCommit = gitText(ami, "rev-parse", "main").trim();
  const amiDate = gitText(ami, "log", "-1", "--format=%cI", "main").trim();
  const releases = amiReleasesFromChangelog(gitText(ami, "show", "main:CHANGELOG.md"));
  const amiReleases: Record<string, SourcedList> = {};
  for (const [minor, versions] of Object.entries(releases)) {
    if (Number(minor.split(".")[1]) < 30) continue; // older minors are out of EKS support: not worth the bytes
    amiReleases[minor] = { versions, source: `${ami} CHANGELOG.md at ${amiCommit.slice(0, 12)}`, asOf: amiDate };
  }

  const docs = JSON.parse(readFileSync(join(__dirname, "sources", "eks-addons.json"), "utf8")) as {
    lookedUp: string;
    addons: Record<string, Record<string, { version: string; source: string }[]>>;
  };
  const eksAddons: Catalogue["eksAddons"] = {};
  for (const [addon, minors] of Object.entries(docs.addons)) {
    eksAddons[addon] = {};
    for (const [minor, list] of Object.entries(minors)) {
      eksAddons[addon][minor] = {
        versions: list.map((v) => v.version),
        source: [...new Set(list.map((v) => v.source))].join(" ; "),
        asOf: `looked up ${docs.lookedUp} (AWS documentation pages, undated)`,
      };
    }
  }

  const discovery = JSON.parse(readFileSync(join(__dirname, "sources", "k8s-discovery.json"), "utf8")) as {
    lookedUp: string;
    source: string;
    groupVersions: string[];
  };
  const builtinApis: Record<string, SourcedList> = {};
  for (const minor of Object.keys(amiReleases)) {
    builtinApis[minor] = { versions: discovery.groupVersions, source: discovery.source, asOf: discovery.lookedUp };
  }

  const eksVersions = JSON.parse(readFileSync(calendarPath, "utf8")) as EksCalendar;
  const catalogue: Catalogue = {
    generated: today,
    method: "extract",
    charts,
    eksAddons,
    amiReleases,
    builtinApis,
    eksVersions,
  };
  writeFileSync(cataloguePath, `${JSON.stringify(catalogue)}\n`);
  console.log(`Wrote ${cataloguePath} (${readFileSync(cataloguePath).length} bytes).`);
}

if (require.main === module) main();
