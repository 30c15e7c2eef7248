/**
 * The EKS Kubernetes version calendar (SPEC V4): when each minor leaves EKS standard support (from then on the
 * control plane is billed at the extended-support rate) and when it leaves extended support (from then on EKS
 * refuses to create a cluster on it and upgrades existing ones). Pure functions over the calendar, plus
 * `npm run catalog:calendar`, which extracts it from the Amazon EKS User Guide's "Amazon EKS Kubernetes release
 * calendar" table (awsdocs/amazon-eks-user-guide, `kubernetes-versions.adoc`) into upstream/sources/eks-versions.json;
 * `npm run catalog:extract` copies that file into the catalogue, `npm run catalog:refresh` replaces it with
 * `aws eks describe-cluster-versions`.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REFRESH_COMMAND } from "./catalogue";
import { amiReleasesFromChangelog } from "./extract";

/** One minor's row of the release calendar; dates are ISO (YYYY-MM-DD, UTC, as the user guide states them). */
export interface EksVersionDates {
  upstreamRelease?: string;
  eksRelease?: string;
  endOfStandardSupport: string;
  endOfExtendedSupport: string;
  /** The guide gave only a month and a year for some date (the first of that month is recorded). */
  approximate?: true;
}

export interface EksCalendar {
  /** Where the dates came from (repository, file and commit, or the AWS API call). */
  source: string;
  /** When that source was read. */
  asOf: string;
  versions: Record<string, EksVersionDates>;
  /**
   * Minors EKS offers that the calendar source has no row for, with the evidence that they exist (an EKS-optimised
   * AMI release for the minor). Their support dates are unknown until the calendar is refreshed.
   */
  withoutDates: Record<string, string>;
}

const months = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** "March 27, 2027" → "2027-03-27"; "March 2027" → "2027-03-01" (approximate). */
export function isoDate(text: string): { date: string; approximate: boolean } | undefined {
  const m = /^(\w+)\s+(?:(\d{1,2}),\s*)?(\d{4})$/.exec(text.trim());
  const month = m ? months.indexOf(m[1]) + 1 : 0;
  if (!m || month === 0) return undefined;
  const day = m[2] ?? "1";
  return { date: `${m[3]}-${String(month).padStart(2, "0")}-${day.padStart(2, "0")}`, approximate: !m[2] };
}

/**
 * The rows of the "Amazon EKS Kubernetes release calendar" table of the user guide's asciidoc: after the
 * `kubernetes-release-calendar` anchor, a `|===` table whose header names the five columns.
 */
export function parseReleaseCalendar(adoc: string): Record<string, EksVersionDates> {
  // The anchor is `[#kubernetes-release-calendar]` since 2025, `[[kubernetes-release-calendar,…]]` before.
  const start = adoc.search(/\[(#|\[)kubernetes-release-calendar\b/);
  if (start < 0) throw new Error("no kubernetes-release-calendar section");
  const table = /\|===\n([\s\S]*?)\n\|===/.exec(adoc.slice(start))?.[1];
  if (!table) throw new Error("no table in the release calendar section");
  const cells = table
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("|"))
    .map((line) => line.slice(1).trim());
  const header = [
    "Kubernetes version",
    "Upstream release",
    "Amazon EKS release",
    "End of standard support",
    "End of extended support",
  ];
  if (header.some((h, i) => cells[i] !== h))
    throw new Error(`unexpected calendar header: ${cells.slice(0, 5).join(" | ")}`);
  const versions: Record<string, EksVersionDates> = {};
  for (let i = 5; i + 4 < cells.length; i += 5) {
    const minor = /^`?(\d+\.\d+)`?$/.exec(cells[i])?.[1];
    const dates = cells.slice(i + 1, i + 5).map(isoDate);
    if (!minor || dates.some((d) => !d))
      throw new Error(`unreadable calendar row: ${cells.slice(i, i + 5).join(" | ")}`);
    const [upstream, eks, standard, extended] = dates as { date: string; approximate: boolean }[];
    versions[minor] = {
      upstreamRelease: upstream.date,
      eksRelease: eks.date,
      endOfStandardSupport: standard.date,
      endOfExtendedSupport: extended.date,
      ...(dates.some((d) => d!.approximate) ? { approximate: true as const } : {}),
    };
  }
  if (!Object.keys(versions).length) throw new Error("the release calendar has no rows");
  return versions;
}

export type SupportStatus =
  | { kind: "standard"; endOfStandardSupport: string; endOfExtendedSupport: string; daysLeft: number }
  | { kind: "extended"; endOfStandardSupport: string; endOfExtendedSupport: string; daysLeft: number }
  | { kind: "ended"; endOfExtendedSupport: string }
  | { kind: "no-dates"; evidence: string }
  | { kind: "unknown" };

const DAY_MS = 86_400_000;
const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);

/**
 * Where `minor` stands on `today` (YYYY-MM-DD, UTC). AWS bills extended support from the beginning of the day the
 * version reaches the end of standard support, so that day is already extended. `daysLeft` counts to the end of
 * the current support period.
 */
export function supportStatus(calendar: EksCalendar, minor: string, today: string): SupportStatus {
  const row = calendar.versions[minor];
  if (!row) {
    const evidence = calendar.withoutDates[minor];
    return evidence ? { kind: "no-dates", evidence } : { kind: "unknown" };
  }
  const { endOfStandardSupport, endOfExtendedSupport } = row;
  if (today >= endOfExtendedSupport) return { kind: "ended", endOfExtendedSupport };
  if (today >= endOfStandardSupport) {
    return {
      kind: "extended",
      endOfStandardSupport,
      endOfExtendedSupport,
      daysLeft: days(today, endOfExtendedSupport),
    };
  }
  return { kind: "standard", endOfStandardSupport, endOfExtendedSupport, daysLeft: days(today, endOfStandardSupport) };
}

/** How many days ahead a coming end of standard support is warned about. */
export const STANDARD_SUPPORT_WARNING_DAYS = 90;

/** The minors a new cluster may be created on, on `today`: every minor EKS still offers (standard or extended). */
export function creatableVersions(calendar: EksCalendar, today: string): string[] {
  const minors = [...Object.keys(calendar.versions), ...Object.keys(calendar.withoutDates)];
  return [...new Set(minors)]
    .filter((minor) => supportStatus(calendar, minor, today).kind !== "ended")
    .sort((a, b) => Number(a.split(".")[1]) - Number(b.split(".")[1]));
}

/** Why a minor cannot be used, naming the refresh command when the calendar may simply be older than the version. */
export function versionProblem(calendar: EksCalendar, minor: string, today: string): string | undefined {
  const status = supportStatus(calendar, minor, today);
  if (status.kind === "ended") {
    return `EKS ended extended support for Kubernetes ${minor} on ${status.endOfExtendedSupport}: it refuses to create clusters on it; use one of ${creatableVersions(calendar, today).join(", ")}`;
  }
  if (status.kind === "unknown") {
    return `Kubernetes ${minor} is not in the EKS version calendar (${calendar.source}, read ${calendar.asOf}); use one of ${creatableVersions(calendar, today).join(", ")}, or run \`${REFRESH_COMMAND}\` if EKS has released it since`;
  }
  return undefined;
}

/** Today in UTC, as the calendar's dates are. */
export const utcToday = (now = new Date()) => now.toISOString().slice(0, 10);

// ── `npm run catalog:calendar` ───────────────────────────────────────────────────────────────────────────────────
const guide = "awsdocs/amazon-eks-user-guide";
/** Where the page has lived in the guide's repository (it moved from clusters/ to versioning/ in 2025). */
const guidePaths = ["latest/ug/versioning/kubernetes-versions.adoc", "latest/ug/clusters/kubernetes-versions.adoc"];
export const calendarPath = join(__dirname, "sources", "eks-versions.json");

/**
 * Reads the calendar table from the user guide snapshot (default) or from `--file <adoc> --source "<where it came
 * from, with its commit>"` (a newer copy of the page than the snapshot holds), adds the minors the AMI release notes
 * show EKS offers without a calendar row, and writes upstream/sources/eks-versions.json.
 */
function main(args: string[]) {
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const mirror = process.env.UPSTREAM_MIRROR ?? "/work/.mirror";
  const gitDir = (repo: string) => join(mirror, repo.replace("/", "+"), "repo");
  const git = (repo: string, ...rest: string[]) =>
    execFileSync("git", ["--git-dir", gitDir(repo), ...rest], { maxBuffer: 1 << 28 }).toString();
  let adoc: string;
  let source: string;
  const file = flag("--file");
  if (file) {
    adoc = readFileSync(file, "utf8");
    source = flag("--source") ?? file;
  } else {
    const commit = git(guide, "rev-parse", "HEAD").trim();
    const path = guidePaths.find((p) => {
      try {
        execFileSync("git", ["--git-dir", gitDir(guide), "cat-file", "-e", `${commit}:${p}`], { stdio: "ignore" });
        return true;
      } catch {
        return false;
      }
    });
    if (!path) throw new Error(`${guide} at ${commit}: no ${guidePaths.join(" or ")}`);
    adoc = git(guide, "show", `${commit}:${path}`);
    const date = git(guide, "log", "-1", "--format=%cI", commit).trim();
    source = `${guide} ${path} at ${commit.slice(0, 12)} (${date.slice(0, 10)})`;
  }
  const versions = parseReleaseCalendar(adoc);
  const newest = Math.max(...Object.keys(versions).map((m) => Number(m.split(".")[1])));
  // A minor newer than the calendar's newest row that the EKS-optimised AMI release notes already list: EKS offers it.
  const ami = "awslabs/amazon-eks-ami";
  const changelog = git(ami, "show", "main:CHANGELOG.md");
  const amiCommit = git(ami, "rev-parse", "main").trim().slice(0, 12);
  const withoutDates: Record<string, string> = {};
  for (const [minor, releases] of Object.entries(amiReleasesFromChangelog(changelog))) {
    if (Number(minor.split(".")[1]) > newest) {
      withoutDates[minor] =
        `EKS-optimised AL2023 AMI releases for ${minor} (oldest ${releases[releases.length - 1]}) in ${ami} CHANGELOG.md at ${amiCommit}`;
    }
  }
  const calendar: EksCalendar = { source, asOf: utcToday(), versions, withoutDates };
  writeFileSync(calendarPath, `${JSON.stringify(calendar, null, 2)}\n`);
  console.log(
    `Wrote ${calendarPath}: ${Object.keys(versions).join(", ")}${Object.keys(withoutDates).length ? `; without dates: ${Object.keys(withoutDates).join(", ")}` : ""}`,
  );
}

if (require.main === module) main(process.argv.slice(2));
