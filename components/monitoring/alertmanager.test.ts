/**
 * The Alertmanager configuration the kube-prometheus-stack values carry, checked with amtool (Debian package
 * `prometheus-alertmanager`, installed by tools/setup/setup, which `npm test` runs first): it loads, and alerts reach Slack by severity.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { monitoringSchema } from "../../config/observability";
import { alertRuleGroups } from "./rules";
import { kubePrometheusStackValues } from "./values";

const values = kubePrometheusStackValues({
  settings: monitoringSchema.parse({ slackCriticalChannel: "#alerts-critical" }),
  loadBalancerName: "qualisys-dev-alb",
  ingressGroup: "qualisys-dev",
});

let dir: string;
let file: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "qualisys-alertmanager-"));
  file = join(dir, "alertmanager.yaml");
  writeFileSync(file, stringify(values.alertmanager.config));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function amtool(...args: string[]) {
  const run = spawnSync("amtool", args, { encoding: "utf8" });
  if (run.error) {
    throw new Error(
      `amtool is not installed (${run.error.message}); apt-get install -y --no-install-recommends prometheus-alertmanager`,
    );
  }
  return { ok: run.status === 0, stdout: run.stdout.trim(), output: `${run.stdout}${run.stderr}` };
}

const receiverFor = (...labels: string[]) =>
  amtool("config", "routes", "test", `--config.file=${file}`, ...labels).stdout;

it("amtool check-config accepts the configuration", () => {
  const { ok, output } = amtool("check-config", file);
  expect(output).toContain("SUCCESS");
  expect(ok).toBe(true);
});

it("routes by severity: critical and warning to their Slack receivers, the heartbeat and info nowhere", () => {
  expect(receiverFor("severity=critical", "alertname=Http5xxRateHigh")).toBe("slack-critical");
  expect(receiverFor("severity=warning", "alertname=NodeHighCpu")).toBe("slack-warning");
  expect(receiverFor("alertname=Watchdog", "severity=none")).toBe("null");
  expect(receiverFor("severity=info", "alertname=CPUThrottlingHigh")).toBe("null");
});

it.each(alertRuleGroups().flatMap((g) => g.rules.map((r) => [r.alert, r.labels.severity] as const)))(
  "%s (%s) reaches Slack",
  (alert, severity) => {
    expect(receiverFor(`alertname=${alert}`, `severity=${severity}`)).toBe(`slack-${severity}`);
  },
);

it("uses the configured channel only where one is set", () => {
  const receivers = values.alertmanager.config.receivers as { name: string; slack_configs?: { channel?: string }[] }[];
  const channel = (name: string) => receivers.find((r) => r.name === name)?.slack_configs?.[0].channel;
  expect(channel("slack-critical")).toBe("#alerts-critical");
  expect(channel("slack-warning")).toBeUndefined();
});
