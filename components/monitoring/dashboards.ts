/**
 * Grafana dashboards (SPEC O1): the JSON files in ./dashboards, each shipped as a ConfigMap that Grafana's
 * dashboard sidecar picks up by its label. Grafana's default data source from kube-prometheus-stack has uid
 * `prometheus`, which every panel names.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const dashboardsDirectory = join(__dirname, "dashboards");

/** The label (and value) kube-prometheus-stack's Grafana sidecar watches for dashboards. */
export const dashboardLabel = { grafana_dashboard: "1" } as const;

export interface Dashboard {
  /** File name, also the ConfigMap key (`cluster-overview.json`). */
  file: string;
  uid: string;
  title: string;
  /** The file's text, shipped unchanged. */
  json: string;
}

export interface Panel {
  title: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

export function dashboards(directory = dashboardsDirectory): Dashboard[] {
  // Spread: an array built by this module's realm (node:fs returns one from Node's, which serializers under a
  // test VM do not recognise as an array).
  return [...readdirSync(directory)]
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => {
      const json = readFileSync(join(directory, file), "utf8");
      const { uid, title } = JSON.parse(json) as { uid: string; title: string };
      return { file, uid, title, json };
    });
}

/** Every panel of a dashboard, rows' children included. */
export function panelsOf(dashboard: { panels?: Panel[] }): Panel[] {
  return (dashboard.panels ?? []).flatMap((p) => [p, ...panelsOf(p)]);
}
