/**
 * SPEC O2: the rules the program ships pass `promtool check rules`, and `promtool test rules` proves each alert
 * fires on one series set (with its exact labels) and stays quiet on another. promtool comes from the Debian
 * `prometheus` package (`npm test` installs it through tools/setup/setup); without it these tests fail, they never skip.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { alertRuleGroups, prometheusRuleSpec } from "./rules";

const testFile = join(__dirname, "rules.promtool.yaml");

function promtool(...args: string[]) {
  const run = spawnSync("promtool", args, { encoding: "utf8" });
  if (run.error) {
    throw new Error(
      `promtool is not installed (${run.error.message}); install the Debian package: apt-get install -y --no-install-recommends prometheus`,
    );
  }
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "qualisys-rules-"));
  // Exactly the spec the PrometheusRule carries, rendered as a rule file.
  writeFileSync(join(dir, "rendered-rules.yaml"), stringify(prometheusRuleSpec()));
  copyFileSync(testFile, join(dir, "rules.promtool.yaml"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("promtool is installed", () => {
  expect(promtool("--version").output).toMatch(/promtool, version \d/);
});

it("promtool check rules accepts the shipped rules", () => {
  const { ok, output } = promtool("check", "rules", join(dir, "rendered-rules.yaml"));
  expect(output).toContain(`SUCCESS: ${alertRuleGroups().flatMap((g) => g.rules).length} rules found`);
  expect(ok).toBe(true);
});

it("promtool test rules passes", () => {
  const { ok, output } = promtool("test", "rules", join(dir, "rules.promtool.yaml"));
  expect(output).toContain("SUCCESS");
  expect(ok).toBe(true);
});

it("promtool test rules fails when a threshold is loosened (the tests can fail)", () => {
  const loosened = stringify(prometheusRuleSpec()).replace(/> 80\b/g, "> 95");
  writeFileSync(join(dir, "rendered-rules.yaml"), loosened);
  try {
    const { ok, output } = promtool("test", "rules", join(dir, "rules.promtool.yaml"));
    expect(ok).toBe(false);
    expect(output).toMatch(/alertname: (NodeHighCpu|NodeHighMemory|DatabaseConnectionsHigh)/);
  } finally {
    writeFileSync(join(dir, "rendered-rules.yaml"), stringify(prometheusRuleSpec()));
  }
});

describe("coverage of the promtool tests", () => {
  interface Case {
    alert_rule_test?: { alertname: string; exp_alerts: { exp_labels: Record<string, string> }[] }[];
  }
  const cases: Case[] = parse(readFileSync(testFile, "utf8")).tests;
  const checks = cases.flatMap((c) => c.alert_rule_test ?? []);
  const rules = alertRuleGroups().flatMap((g) => g.rules);

  it("covers the SPEC's alerts", () => {
    expect(rules.map((r) => r.alert).sort()).toEqual([
      "ApiLatencyP95High",
      "DatabaseConnectionsHigh",
      "ErrorRateSpike",
      "Http5xxRateHigh",
      "NodeHighCpu",
      "NodeHighMemory",
      "PodCrashLooping",
    ]);
  });

  it.each(rules.map((r) => [r.alert, r] as const))(
    "%s has a firing case with its severity and a quiet case",
    (alert, rule) => {
      const mine = checks.filter((c) => c.alertname === alert);
      const firing = mine.filter((c) => c.exp_alerts.length > 0);
      expect(firing.length).toBeGreaterThan(0);
      for (const c of firing) expect(c.exp_alerts[0].exp_labels.severity).toBe(rule.labels.severity);
      expect(mine.some((c) => c.exp_alerts.length === 0)).toBe(true);
      expect(rule.annotations.summary).toBeTruthy();
      expect(["critical", "warning"]).toContain(rule.labels.severity);
    },
  );
});
