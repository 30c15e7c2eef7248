import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readStackFile, type RecordedResource } from "../../offline/run";
import { loadCatalogue } from "../../upstream/catalogue";
import { formatInventory, inventory } from "./inventory";
import { outputProblem, preview } from "./preview";

function capture() {
  const lines: string[] = [];
  return { lines, sink: (line: string) => lines.push(line) };
}

describe("preview", () => {
  const outDir = mkdtempSync(join(tmpdir(), "preview-"));

  it("writes the record as a JSON array with the documented fields, and prints the inventory", async () => {
    const out = capture();
    expect(await preview("staging", { outDir, log: out.sink })).toBe(0);
    const record = JSON.parse(readFileSync(join(outDir, "staging", "resources.json"), "utf8")) as RecordedResource[];
    expect(Array.isArray(record)).toBe(true);
    for (const resource of record) {
      expect(Object.keys(resource)).toEqual(
        expect.arrayContaining(["type", "name", "parent", "inputs", "dependencies"]),
      );
      expect(typeof resource.type).toBe("string");
      expect(resource.parent === null || resource.parent.startsWith("urn:pulumi:staging::qualisys::")).toBe(true);
    }
    const counted = record.filter((r) => !r.type.startsWith("qualisys:")).length;
    expect(out.lines.join("\n")).toContain(`Stack staging: ${counted} resources`);
  });

  it("prints the verdict, the cost against the budget and the critical path, and writes the report files", async () => {
    const out = capture();
    expect(await preview("dev", { outDir, log: out.sink })).toBe(0);
    const text = out.lines.join("\n");
    const report = JSON.parse(readFileSync(join(outDir, "dev", "report.json"), "utf8"));
    expect(text).toMatch(/^Policy verdict: PASS — 0 mandatory/m);
    const budget = readStackFile("dev").config["qualisys:monthlyBudgetUsd"] as number;
    expect(text).toContain(`Total $${report.cost.total.toFixed(2)}/month against a budget of $${budget.toFixed(2)}`);
    expect(text).toMatch(/Estimated deploy critical path \(first create\): ~\d+ min/);
    expect(report.cost.byComponent.map(([name]: [string]) => name)).toContain("Network");
    expect(readFileSync(join(outDir, "dev", "diagram.mmd"), "utf8")).toMatch(/^flowchart LR$/m);
    expect(readFileSync(join(outDir, "dev", "diagram.dot"), "utf8")).toContain("digraph");
    expect(readFileSync(join(outDir, "dev", "diagram.svg"), "utf8")).toContain("<svg");
  });

  it("exits 1 when the estimate exceeds the stack's monthlyBudgetUsd, after writing the report", async () => {
    const config = structuredClone(readStackFile("dev").config) as Record<string, any>;
    config["qualisys:monthlyBudgetUsd"] = 10;
    const out = capture();
    const err = capture();
    const dir = mkdtempSync(join(tmpdir(), "preview-budget-"));
    expect(await preview("dev", { outDir: dir, run: { config }, log: out.sink, error: err.sink })).toBe(1);
    expect(out.lines.join("\n")).toContain("against a budget of $10.00 (qualisys:monthlyBudgetUsd): OVER BUDGET");
    expect(err.lines.join("\n")).toMatch(/FAILED: estimated \$\d+\.\d\d\/month exceeds the budget of \$10\.00/);
    expect(JSON.parse(readFileSync(join(dir, "dev", "report.json"), "utf8")).cost.overBudget).toBe(true);
  });

  it("prints the deploy-readiness section, writes it to report.json, and exits 1 on a blocking finding", async () => {
    const catalogue = structuredClone(loadCatalogue());
    catalogue.charts["metrics-server"].published = ["3.13.2", "3.13.0"]; // 3.13.1 withdrawn
    const out = capture();
    const err = capture();
    const dir = mkdtempSync(join(tmpdir(), "preview-readiness-"));
    expect(await preview("dev", { outDir: dir, catalogue, log: out.sink, error: err.sink })).toBe(1);
    expect(out.lines.join("\n")).toMatch(/^Deploy readiness: FAIL — \d+ blocking/m);
    expect(out.lines.join("\n")).toMatch(
      /\[blocking\] chart-version: qualisys-dev-metrics-server: chart metrics-server 3\.13\.1/,
    );
    expect(err.lines.join("\n")).toMatch(/FAILED: .*blocking deploy-readiness finding\(s\)/);
    const report = JSON.parse(readFileSync(join(dir, "dev", "report.json"), "utf8"));
    expect(report.readiness.counts.releases).toBe(8);
    expect(report.readiness.findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ check: "chart-version", severity: "blocking" })]),
    );
  });

  it("exits 1 on a mandatory violation from the injected policy runner", async () => {
    const violation = (enforcementLevel: "mandatory" | "advisory") => (resources: RecordedResource[]) => [
      { policy: "test-policy", enforcementLevel, urn: resources[0].urn, name: resources[0].name, message: "broken" },
    ];
    const err = capture();
    const out = capture();
    expect(
      await preview("dev", {
        outDir,
        policyRunner: violation("mandatory"),
        log: out.sink,
        error: err.sink,
      }),
    ).toBe(1);
    expect(out.lines.join("\n")).toMatch(
      /Policy verdict: FAIL — 1 mandatory, 0 advisory violation\(s\)\n {2}\[mandatory\] test-policy: /,
    );
    expect(err.lines.join("\n")).toContain("FAILED: 1 mandatory policy violation(s)");
  });

  it("exits 1 with every config problem, and writes nothing, when the config is invalid", async () => {
    const config = structuredClone(readStackFile("dev").config) as Record<string, any>;
    config["qualisys:network"].cidr = "10.0.0.0/33";
    config["qualisys:cache"].engineVersion = "6.2";
    const err = capture();
    const emptyDir = mkdtempSync(join(tmpdir(), "preview-bad-"));
    expect(await preview("dev", { outDir: emptyDir, run: { config }, error: err.sink, log: () => {} })).toBe(1);
    expect(err.lines.join("\n")).toMatch(/qualisys:network\.cidr: .*prefix length above 32/);
    expect(err.lines.join("\n")).toMatch(/qualisys:cache\.engineVersion: Redis 6\.2/);
    expect(() => readFileSync(join(emptyDir, "dev", "resources.json"))).toThrow();
  });

  it("turns an unwritable or malformed out/ into one line naming the path (the CLI prints it, not a stack trace)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "preview-malformed-"));
    writeFileSync(join(dir, "out"), "a file where the out/ folder belongs");
    const failure = await preview("dev", { outDir: join(dir, "out"), log: () => {}, error: () => {} }).catch((e) => e);
    expect(outputProblem(failure)).toBe(
      `Cannot write the report: ${join(dir, "out", "dev")} has a file where a folder belongs (ENOTDIR). Fix or remove out/ and run again.`,
    );
    expect(outputProblem(new Error("a bug"))).toBeUndefined();
  });

  it("removes the stack's previous report when a run fails, so no stale `passed: true` survives", async () => {
    const dir = mkdtempSync(join(tmpdir(), "preview-stale-"));
    mkdirSync(join(dir, "dev"));
    writeFileSync(join(dir, "dev", "report.json"), JSON.stringify({ verdict: { passed: true } }));
    const config = structuredClone(readStackFile("dev").config) as Record<string, any>;
    config["qualisys:logRetentionDays"] = -1;
    expect(await preview("dev", { outDir: dir, run: { config }, error: () => {}, log: () => {} })).toBe(1);
    expect(existsSync(join(dir, "dev"))).toBe(false);
  });
});

describe("inventory", () => {
  const resource = (urn: string, type: string, parent: string | null) =>
    ({ urn, type, name: urn, parent }) as unknown as RecordedResource;

  it("counts resources per type and per outermost component, not the components themselves, and the modelled ones", () => {
    const inv = inventory([
      resource("net", "qualisys:network:Network", "stack"),
      resource("vpc", "awsx:ec2:Vpc", "net"),
      { ...resource("subnet", "aws:ec2/subnet:Subnet", "vpc"), modelled: "@pulumi/awsx 3.9.0" },
      resource("sg1", "aws:ec2/securityGroup:SecurityGroup", "net"),
      resource("sg2", "aws:ec2/securityGroup:SecurityGroup", "net"),
      resource("keys", "qualisys:keys:EncryptionKeys", "stack"),
      resource("k", "aws:kms/key:Key", "keys"),
    ]);
    expect(inv.total).toBe(5);
    expect(inv.modelled).toBe(1);
    expect(formatInventory("dev", inv)).toMatch(
      /^Stack dev: 5 resources \(1 of them children of awsx\/eks components, modelled/,
    );
    expect(inv.byComponent).toEqual([
      ["Network", 4],
      ["EncryptionKeys", 1],
    ]);
    expect(inv.byType[0]).toEqual(["aws:ec2/securityGroup:SecurityGroup", 2]);
  });
});
