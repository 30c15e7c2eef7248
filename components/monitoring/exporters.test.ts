/**
 * The exporters run under the `restricted` Pod Security level (a hosted stack installs them in its application
 * namespace): the chart's own security contexts at the pinned version (upstream catalogue, read from the chart's
 * values.yaml) merged with the program's values.
 */
import { monitoringSchema } from "../../config/observability";
import { mergeValues } from "../kubernetes/values";
import { restrictedProblems } from "../kubernetes/pod-security";
import { loadCatalogue } from "../../upstream/catalogue";
import { charts, postgresExporterValues, redisExporterValues } from "./values";

const catalogue = loadCatalogue();
const pinned = monitoringSchema.parse({}).charts;
const effective = (chart: string, version: string, values: Record<string, any>) => {
  const defaults = catalogue.charts[chart].versions[version].defaultSecurityContexts ?? {};
  return restrictedProblems(
    mergeValues(defaults.pod ?? {}, values.podSecurityContext ?? {}),
    mergeValues(defaults.container ?? {}, values.securityContext ?? {}),
  );
};

it.each([
  [charts.postgresExporter.chart, pinned.postgresExporter, postgresExporterValues("db.example", 5432)],
  [charts.redisExporter.chart, pinned.redisExporter, redisExporterValues("cache.example", 6379)],
])("%s %s passes the restricted Pod Security level with the program's values", (chart, version, values) => {
  expect(catalogue.charts[chart].versions[version]).toBeDefined();
  expect(effective(chart, version, values)).toEqual([]);
});

it("would not without them: the redis exporter chart sets no security context of its own", () => {
  expect(effective(charts.redisExporter.chart, pinned.redisExporter, {})).toEqual([
    "allowPrivilegeEscalation is not false",
    "runAsNonRoot is not true",
    "seccompProfile is not RuntimeDefault or Localhost",
    "capabilities do not drop ALL",
  ]);
});

it("refuses what restricted refuses", () => {
  const ok = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
  const pod = { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } };
  expect(restrictedProblems(pod, ok)).toEqual([]);
  expect(
    restrictedProblems(pod, { ...ok, privileged: true, capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] } }),
  ).toEqual(["privileged", "capabilities add NET_ADMIN"]);
  expect(restrictedProblems({ ...pod, runAsUser: 0, seccompProfile: { type: "Unconfined" } }, ok)).toEqual([
    "runAsUser is 0",
    "seccompProfile is not RuntimeDefault or Localhost",
  ]);
});
