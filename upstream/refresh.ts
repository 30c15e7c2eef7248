/**
 * `npm run catalog:refresh [-- chart@version ...]`: regenerates upstream/catalogue.json from the live sources —
 * each chart repository's index.yaml and the archives of the pinned versions, `aws eks describe-addon-versions`
 * per Kubernetes minor, `aws eks describe-cluster-versions` (the EKS version calendar), and the SSM parameter of the
 * recommended AL2023 AMI release. Run it where those are
 * reachable (a workstation or CI runner with AWS read credentials); without network access it stops within
 * seconds with a message naming what it could not reach, and leaves the catalogue as it was.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse as parseYaml } from "yaml";
import { cataloguePath, loadCatalogue, type Catalogue, type ChartFacts } from "./catalogue";
import { readChartDir } from "./chart-facts";
import { chartSources } from "./extract";
import { compareVersions, newestAmiFirst } from "./semver";

const run = promisify(execFile);
const TIMEOUT_MS = 10_000;

async function get(url: string, timeout = TIMEOUT_MS): Promise<Buffer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeout), redirect: "follow" });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

async function aws(args: string[]): Promise<unknown> {
  const { stdout } = await run("aws", [...args, "--output", "json"], { timeout: 20_000 });
  return JSON.parse(stdout);
}

/** Chart versions to detail: those the checked-in catalogue details, plus any named on the command line. */
function pins(previous: Catalogue, extra: string[]): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  for (const [chart, facts] of Object.entries(previous.charts)) map.set(chart, new Set(Object.keys(facts.versions)));
  for (const pin of extra) {
    const [chart, version] = pin.split("@");
    map.set(chart, (map.get(chart) ?? new Set()).add(version));
  }
  return map;
}

async function chartFacts(chart: string, versions: Set<string>, indexText: string): Promise<ChartFacts> {
  const { repo } = chartSources[chart];
  const index = parseYaml(indexText, { maxAliasCount: -1 }) as {
    generated: string;
    entries: Record<string, { version: string; urls: string[] }[]>;
  };
  const entries = index.entries[chart] ?? [];
  const facts: ChartFacts = {
    repo,
    source: `${repo.replace(/\/$/, "")}/index.yaml`,
    asOf: String(index.generated),
    published: [...new Set(entries.map((e) => e.version))].sort(compareVersions).reverse(),
    versions: {},
  };
  for (const version of versions) {
    const entry = entries.find((e) => e.version === version);
    if (!entry) continue;
    const url = new URL(entry.urls[0], `${repo.replace(/\/$/, "")}/`).toString();
    const tmp = mkdtempSync(join(tmpdir(), "chart-"));
    try {
      writeFileSync(join(tmp, "chart.tgz"), await get(url, 60_000));
      await run("tar", ["-xzf", join(tmp, "chart.tgz"), "-C", tmp]);
      facts.versions[version] = { source: url, ...readChartDir(join(tmp, chart)).facts };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  return facts;
}

async function main() {
  const previous = loadCatalogue();
  const repos = [...new Set(Object.values(chartSources).map((s) => s.repo.replace(/\/$/, "")))];
  // Reach every source first, so an offline run fails in seconds and writes nothing.
  const probes = await Promise.allSettled(repos.map((repo) => get(`${repo}/index.yaml`)));
  const unreachable = probes
    .map((p, i) => (p.status === "rejected" ? `${repos[i]}/index.yaml (${(p.reason as Error).message})` : undefined))
    .filter(Boolean);
  const awsCheck = await run("aws", ["--version"], { timeout: 5_000 }).then(
    () => undefined,
    (e: Error) => `the aws CLI (${e.message.split("\n")[0]})`,
  );
  if (unreachable.length || awsCheck) {
    console.error(
      [
        "catalog:refresh needs the live sources and could not reach:",
        ...[...unreachable, ...(awsCheck ? [awsCheck] : [])].map((u) => `  - ${u}`),
        "Run it where the Helm chart repositories, the AWS API (aws CLI with read credentials for",
        "eks:DescribeAddonVersions, eks:DescribeClusterVersions and ssm:GetParameter) are reachable. The checked-in catalogue",
        `(${previous.generated}) is unchanged; offline, \`npm run catalog:extract\` rebuilds it from fetched snapshots.`,
      ].join("\n"),
    );
    process.exit(1);
  }
  const indexes = new Map(
    repos.map((repo, i) => [repo, (probes[i] as PromiseFulfilledResult<Buffer>).value.toString()]),
  );

  const wanted = pins(previous, process.argv.slice(2));
  const charts: Catalogue["charts"] = {};
  for (const chart of Object.keys(chartSources)) {
    const repo = chartSources[chart].repo.replace(/\/$/, "");
    charts[chart] = await chartFacts(chart, wanted.get(chart) ?? new Set(), indexes.get(repo) as string);
    // Support tables live in the upstream repository, not the chart repository: kept from the last extract.
    if (previous.charts[chart]?.support) charts[chart].support = previous.charts[chart].support;
  }

  const today = new Date().toISOString().slice(0, 10);
  const minors = Object.keys(previous.amiReleases);
  const eksAddons: Catalogue["eksAddons"] = {};
  for (const addon of Object.keys(previous.eksAddons)) {
    eksAddons[addon] = {};
    for (const minor of minors) {
      const out = (await aws([
        "eks",
        "describe-addon-versions",
        "--addon-name",
        addon,
        "--kubernetes-version",
        minor,
      ])) as {
        addons: { addonVersions: { addonVersion: string }[] }[];
      };
      const versions = out.addons.flatMap((a) => a.addonVersions.map((v) => v.addonVersion));
      eksAddons[addon][minor] = {
        versions: versions.sort(compareVersions).reverse(),
        source: `aws eks describe-addon-versions --addon-name ${addon} --kubernetes-version ${minor}`,
        asOf: today,
      };
    }
  }
  const amiReleases: Catalogue["amiReleases"] = {};
  for (const minor of minors) {
    const name = `/aws/service/eks/optimized-ami/${minor}/amazon-linux-2023/x86_64/standard/recommended/release_version`;
    const out = (await aws(["ssm", "get-parameter", "--name", name])) as { Parameter: { Value: string } };
    const kept = previous.amiReleases[minor]?.versions ?? [];
    amiReleases[minor] = {
      versions: [...new Set([out.Parameter.Value, ...kept])].sort(newestAmiFirst),
      source: `SSM ${name} (${today}) added to ${previous.amiReleases[minor]?.source ?? "nothing"}`,
      asOf: today,
    };
  }
  // The calendar straight from EKS: every minor it offers, with its support end dates.
  const described = (await aws(["eks", "describe-cluster-versions", "--include-all"])) as {
    clusterVersions: {
      clusterVersion: string;
      releaseDate?: string;
      endOfStandardSupportDate: string;
      endOfExtendedSupportDate: string;
    }[];
  };
  const day = (timestamp: string) => new Date(timestamp).toISOString().slice(0, 10);
  const eksVersions: Catalogue["eksVersions"] = {
    source: "aws eks describe-cluster-versions --include-all",
    asOf: today,
    versions: Object.fromEntries(
      described.clusterVersions.map((v) => [
        v.clusterVersion,
        {
          ...(v.releaseDate ? { eksRelease: day(v.releaseDate) } : {}),
          endOfStandardSupport: day(v.endOfStandardSupportDate),
          endOfExtendedSupport: day(v.endOfExtendedSupportDate),
        },
      ]),
    ),
    withoutDates: {},
  };
  const catalogue: Catalogue = {
    generated: today,
    method: "refresh",
    charts,
    eksAddons,
    amiReleases,
    builtinApis: previous.builtinApis,
    eksVersions,
  };
  writeFileSync(cataloguePath, `${JSON.stringify(catalogue)}\n`);
  console.log(`Wrote ${cataloguePath} (${readFileSync(cataloguePath).length} bytes).`);
}

main().catch((error: unknown) => {
  console.error(`catalog:refresh failed: ${(error as Error).message}`);
  process.exit(1);
});
