// Validates Kubernetes objects (a JSON array on stdin) against the kubernetes-models and external-secrets
// schemas. The model packages are ESM-only, so the jest tests run this in a child process. Prints one line per
// object ("ok <kind>" or "invalid <kind>: <reason>") and exits 1 if any is invalid.
import { Job } from "kubernetes-models/batch/v1";
import { ConfigMap, Namespace, ServiceAccount } from "kubernetes-models/v1";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { ExternalSecret, SecretStore } from "@kubernetes-models/external-secrets/external-secrets.io/v1";

const kinds = { Job, ConfigMap, Namespace, ServiceAccount, NetworkPolicy, ExternalSecret, SecretStore };

let input = "";
for await (const chunk of process.stdin) input += chunk;
let failed = false;
for (const object of JSON.parse(input)) {
  const Kind = kinds[object.kind];
  try {
    if (!Kind) throw new Error("no model for this kind");
    new Kind(object).validate();
    console.log(`ok ${object.kind}`);
  } catch (error) {
    failed = true;
    console.log(`invalid ${object.kind}: ${String(error?.message ?? error).replace(/\s+/g, " ")}`);
  }
}
process.exit(failed ? 1 : 0);
