/**
 * The alert rules the platform ships (SPEC O2): the YAML files in ./rules, each a Prometheus rule file, merged
 * into one PrometheusRule spec. The program and the promtool tests both call {@link alertRuleGroups}, so what is
 * tested is exactly what is deployed.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export const rulesDirectory = join(__dirname, "rules");

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: "critical" | "warning" } & Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: AlertRule[];
}

/** Every rule group, from every `*.yaml` in ./rules, in file-name order. */
export function alertRuleGroups(directory = rulesDirectory): RuleGroup[] {
  // Spread: an array built by this module's realm (node:fs returns one from Node's, which serializers under a
  // test VM do not recognise as an array).
  return [...readdirSync(directory)]
    .filter((file) => file.endsWith(".yaml"))
    .sort()
    .flatMap((file) => (parse(readFileSync(join(directory, file), "utf8")) as { groups: RuleGroup[] }).groups);
}

/** The `spec` of the PrometheusRule (and, rendered as YAML, a rule file promtool reads). */
export function prometheusRuleSpec(directory = rulesDirectory): { groups: RuleGroup[] } {
  return { groups: alertRuleGroups(directory) };
}
