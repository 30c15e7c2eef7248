import { runStack, type RecordedResource } from "../offline/run";
import { loadCatalogue, type Catalogue } from "./catalogue";
import { behind, catalogueAgeDays, formatFreshness, freshness, sourceDates } from "./freshness";

describe("freshness of pins", () => {
  it.each([
    ["1.13.0", "3.5.0", "major"],
    ["9.58.0", "9.59.0", "minor"],
    ["3.13.0", "3.13.1", "patch"],
    ["v1.14.2-eksbuild.4", "v1.14.2-eksbuild.7", "build"],
    ["2.9.0", "2.9.0", "current"],
    ["2.10.0", "2.9.0", "current"],
  ])("%s against %s is %s behind", (current, newest, expected) => {
    expect(behind(current, newest)).toBe(expected);
  });

  const catalogue = loadCatalogue();
  let record: RecordedResource[];
  beforeAll(async () => {
    record = (await runStack("dev")).resources;
  });

  it("reports every chart, pinned add-on, AMI release and the Kubernetes minor of the dev record", () => {
    const pins = freshness(record, catalogue);
    const releases = record.filter((r) => r.type === "kubernetes:helm.sh/v3:Release").length;
    const nodeGroups = record.filter((r) => r.type === "eks:index:ManagedNodeGroup").length;
    // Charts, node groups, Kubernetes, kube-proxy and CoreDNS (vpc-cni and EBS CSI are left to AWS: not pins).
    expect(pins).toHaveLength(releases + nodeGroups + 3);
    expect(pins.find((p) => p.pin === "chart external-secrets")).toMatchObject({
      current: "2.9.0",
      newest: catalogue.charts["external-secrets"].published[0],
      behind: "current",
    });
    expect(pins.find((p) => p.pin === "Kubernetes")).toMatchObject({
      current: "1.35",
      newest: "1.36",
      behind: "minor",
    });
  });

  it("says how far a planted older pin is behind, and how old the catalogue and its sources are", () => {
    const older = JSON.parse(JSON.stringify(record)) as RecordedResource[];
    const autoscaler = older.find((r) => r.inputs.chart === "cluster-autoscaler")!;
    autoscaler.inputs.version = "9.58.0";
    const pin = freshness(older, catalogue).find((p) => p.pin === "chart cluster-autoscaler")!;
    expect(pin).toMatchObject({ current: "9.58.0", newest: "9.59.0", behind: "minor" });
    const aged: Catalogue = { ...catalogue, generated: "2026-11-05" };
    expect(catalogueAgeDays(aged, "2026-12-05")).toBe(30);
    const text = formatFreshness([pin], aged.generated, 30, { oldest: "2026-06-11", newest: "2026-08-22" });
    expect(text).toMatch(/1 of 1 pin\(s\) behind .*30 day\(s\) old, from sources dated 2026-06-11 to 2026-08-22/);
    expect(text).toMatch(/chart cluster-autoscaler\s+9\.58\.0 → 9\.59\.0: minor behind/);
    expect(sourceDates(catalogue).oldest <= sourceDates(catalogue).newest).toBe(true);
  });
});
