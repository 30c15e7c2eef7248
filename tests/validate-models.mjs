// Validates Kubernetes objects against their schemas with kubernetes-models (ESM-only, so jest runs this file in
// a child process). Reads a JSON array of objects on stdin; prints a JSON array of [index, error message or null].
import { ConfigMap, Secret } from "kubernetes-models/v1";
import { ExternalSecret } from "@kubernetes-models/external-secrets/external-secrets.io/v1";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";

const kinds = {
  "v1/ConfigMap": ConfigMap,
  "v1/Secret": Secret,
  "external-secrets.io/v1/ExternalSecret": ExternalSecret,
  "monitoring.coreos.com/v1/PrometheusRule": PrometheusRule,
};

let input = "";
for await (const chunk of process.stdin) input += chunk;
const results = JSON.parse(input).map((object, i) => {
  const Kind = kinds[`${object.apiVersion}/${object.kind}`];
  if (!Kind) return [i, `no model for ${object.apiVersion}/${object.kind}`];
  try {
    new Kind(object).validate();
    return [i, null];
  } catch (error) {
    return [i, String(error?.message ?? error)];
  }
});
process.stdout.write(JSON.stringify(results));
