/**
 * The generated sections of docs/readiness.md: the catalogue's sources, the EKS version calendar, the dev stack's
 * pins with their freshness, and the external-secrets upgrade note, all from the catalogue and the record, so the
 * page cannot drift from them. `UPDATE_DOCS=1 npx jest upstream/docs.test.ts` rewrites them.
 */
import { runStack } from "../offline/run";
import { generatedSection } from "../tools/docs/generated";
import { EC2_PRICES_AS_OF, PRICE_SOURCE } from "../core/instances";
import { loadCatalogue } from "./catalogue";
import { supportStatus } from "./eks-calendar";
import { freshness } from "./freshness";
import { unknownValuesKeys } from "./values-keys";

const catalogue = loadCatalogue();
const page = "docs/readiness.md";
const me = "upstream/docs.test.ts";
const day = (d: string) => String(d).slice(0, 10);
const table = (header: string[], rows: string[][]) =>
  [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");

it("docs/readiness.md lists every source of the catalogue with its date", () => {
  const rows: string[][] = [];
  for (const [chart, facts] of Object.entries(catalogue.charts)) {
    rows.push([
      `chart ${chart}: published versions; ${Object.keys(facts.versions).join(", ")} in detail`,
      facts.source,
      day(facts.asOf),
    ]);
    if (facts.support) rows.push([`${chart}: upstream support table`, facts.support.source, "as the commit"]);
  }
  const ami = Object.values(catalogue.amiReleases)[0];
  rows.push([`AL2023 node AMI releases (${Object.keys(catalogue.amiReleases).join(", ")})`, ami.source, day(ami.asOf)]);
  for (const [addon, minors] of Object.entries(catalogue.eksAddons)) {
    const lists = Object.entries(minors);
    rows.push([
      `EKS add-on ${addon}`,
      lists.length
        ? lists.map(([minor, l]) => `${minor}: ${l.source}`).join("; ")
        : "none: resolved by AWS at deploy unless pinned",
      lists.length ? lists[0][1].asOf : "—",
    ]);
  }
  rows.push(["EKS version calendar", catalogue.eksVersions.source, catalogue.eksVersions.asOf]);
  const apis = Object.values(catalogue.builtinApis)[0];
  rows.push(["Built-in Kubernetes API versions", apis.source, apis.asOf]);
  rows.push(["EC2 instance types and on-demand prices (core/instance-types.json)", PRICE_SOURCE, EC2_PRICES_AS_OF]);
  const { current, expected } = generatedSection(
    page,
    "readiness-sources",
    me,
    table(
      ["Fact", "Source", "Date of the source"],
      [
        ["The catalogue itself", `\`method: ${catalogue.method}\` (upstream/catalogue.json)`, catalogue.generated],
        ...rows,
      ],
    ),
  );
  expect(current).toEqual(expected);
});

it("docs/readiness.md shows the EKS version calendar with each minor's standing on the catalogue's date", () => {
  const { versions, withoutDates } = catalogue.eksVersions;
  const minors = [...Object.keys(versions), ...Object.keys(withoutDates)].sort(
    (a, b) => Number(b.split(".")[1]) - Number(a.split(".")[1]),
  );
  expect(minors.length).toBeGreaterThan(0);
  const rows = minors.map((minor) => {
    const v = versions[minor];
    const status = supportStatus(catalogue.eksVersions, minor, catalogue.generated);
    const standing =
      status.kind === "standard"
        ? `standard support (${status.daysLeft} days left)`
        : status.kind === "extended"
          ? "**extended support**: $0.60/h"
          : status.kind === "ended"
            ? "no longer offered: refused by the config"
            : "offered, dates unknown: unverified";
    return v
      ? [minor, v.eksRelease ?? "—", v.endOfStandardSupport, v.endOfExtendedSupport, standing]
      : [minor, "—", "—", "—", `${standing} (${withoutDates[minor]})`];
  });
  const { current, expected } = generatedSection(
    page,
    "eks-calendar",
    me,
    table(
      ["Minor", "EKS release", "End of standard support", "End of extended support", `On ${catalogue.generated}`],
      rows,
    ),
  );
  expect(current).toEqual(expected);
});

it("docs/readiness.md lists the dev stack's pins and how far each is behind the catalogue's newest", async () => {
  const run = await runStack("dev");
  const pins = freshness(run.resources, catalogue);
  expect(pins.length).toBeGreaterThan(0);
  const seen = new Set<string>();
  const rows = pins
    .filter((p) => !seen.has(p.pin) && seen.add(p.pin))
    .map((p) => [p.pin, p.current, p.newest, p.behind === "current" ? "newest known" : `${p.behind} behind`]);
  const { current, expected } = generatedSection(
    page,
    "pins",
    me,
    table(["Pin", "Pinned", "Newest in the catalogue", "Freshness"], rows),
  );
  expect(current).toEqual(expected);
});

it("docs/readiness.md's external-secrets upgrade note compares 1.3.2 and 2.9.0 from the catalogue", async () => {
  const facts = catalogue.charts["external-secrets"].versions;
  const [before, after] = [facts["1.3.2"], facts["2.9.0"]];
  expect(before && after).toBeTruthy();
  const kinds = ["ExternalSecret", "SecretStore", "ClusterSecretStore"];
  const served = (f: typeof before, kind: string) => f.crds.find((c) => c.kind === kind)?.versions.join(", ") ?? "none";
  const names = (f: typeof before) => new Set(f.crds.map((c) => `${c.kind}.${c.group}`));
  const added = [...names(after)].filter((n) => !names(before).has(n));
  const removed = [...names(before)].filter((n) => !names(after).has(n));
  const keysGone = before.valuesKeys.filter((k) => !after.valuesKeys.includes(k));
  const run = await runStack("dev");
  const release = run.resources.find((r) => r.inputs.chart === "external-secrets")!;
  const { unknown, checked } = unknownValuesKeys(release.inputs.values, after);
  expect(unknown).toEqual([]);
  const crds = generatedSection(
    page,
    "eso-crds",
    me,
    table(
      ["Kind the program declares", "Served by 1.3.2", "Served by 2.9.0"],
      kinds.map((k) => [k, served(before, k), served(after, k)]),
    ),
  );
  expect(crds.current).toEqual(crds.expected);
  const body = [
    `- CRDs added by 2.9.0: ${added.join(", ") || "none"}; removed: ${removed.join(", ") || "none"}. Both versions install them from templates behind \`installCRDs\` (the program sets it), so \`helm upgrade\` updates them in place.`,
    `- Values keys of 1.3.2 gone in 2.9.0: ${keysGone.map((k) => `\`${k}\``).join(", ") || "none"}; the program sets none of them: all ${checked} values keys it sets exist in 2.9.0.`,
    `- Upstream support table (${catalogue.charts["external-secrets"].support?.source}): ${catalogue.charts[
      "external-secrets"
    ].support?.lines
      .filter((l) => ["2.9", "2.8", "1.3"].includes(l.line))
      .map(
        (l) =>
          `${l.line} tested on ${l.kubernetes.join(", ")}, ${l.endOfLife ? `end of life ${l.endOfLife}` : "supported"}`,
      )
      .join("; ")}.`,
  ].join("\n");
  const { current, expected } = generatedSection(page, "eso-upgrade", me, body);
  expect(current).toEqual(expected);
});
