/**
 * What a tenant may do to the cluster-scoped objects its host lets it create (docs/shared-platform.md): RBAC can say
 * "namespaces" and "clustersecretstores" but not "only your own" (`create` takes no resource names), so a
 * ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1, GA since Kubernetes 1.30) says it. A request from a
 * member of a tenant group (`qualisys:tenant:<stack>`) may create, change or delete only
 * - namespaces named `<stack>`, `<stack>-db-bootstrap` or `<stack>-secrets`, labelled `qualisys.io/owner: <stack>`
 *   before and after, enforcing the `restricted` Pod Security level (a tenant that could relax it would run
 *   privileged pods on nodes it shares with its host);
 * - ClusterSecretStores named `<stack>`, owned the same way, that serve only its own namespaces (`conditions`, no
 *   selectors or patterns) and authenticate only as a service account in `<stack>-secrets` through IRSA (a store
 *   pointing at the host's external-secrets service account would read the host's secrets).
 * The request's groups come from the tenant's access entry, which its permissions boundary lets it create only with
 * its own groups (components/identity/boundary.ts).
 *
 * Expressions use only what Kubernetes' CEL environment offers (the standard macros `has`, `all`, `exists`,
 * `filter`; `size`, `in`, `startsWith`; the `object`, `oldObject`, `request` and `variables` bindings, `object` null
 * on DELETE and `oldObject` null on CREATE: https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/
 * and https://kubernetes.io/docs/reference/using-api/cel/, read 2026-12). ./tenants.test.ts evaluates each on allowed
 * and forbidden objects (tests/kubernetes/admission.ts). A pure function of nothing: the host declares the manifests.
 */
import { ownerLabel } from "../../../config/platform";
import { validatingAdmissionPolicy, type AdmissionPolicySpec } from "../../kubernetes/admission";
import type { Manifest } from "../../kubernetes/manifest";
import { tenantKubernetesGroups } from "../manifests";

export const tenantAdmissionPolicyName = "tenant-ownership.qualisys.io";

const prefix = tenantKubernetesGroups.tenantPrefix;
const label = `'${ownerLabel}'`;
/** The owner label of `o` (an object or null), or "" when it has none. */
const ownerOf = (o: string) =>
  `${o} != null && has(${o}.metadata.labels) && ${label} in ${o}.metadata.labels ? ${o}.metadata.labels[${label}] : ''`;

/** The policy's variables, in order (a later one may read an earlier one). */
export const tenantPolicyVariables = [
  { name: "tenantGroups", expression: `request.userInfo.groups.filter(g, g.startsWith('${prefix}'))` },
  { name: "newOwner", expression: ownerOf("object") },
  { name: "oldOwner", expression: ownerOf("oldObject") },
] as const;

const stack = "variables.newOwner";
const isNamespace = "request.resource.resource == 'namespaces'";
const isStore = "request.resource.resource == 'clustersecretstores'";
const writes = "request.operation != 'DELETE'";

/** Each rule: a CEL expression that must hold, and the message when it does not. */
export const tenantPolicyValidations = [
  {
    expression: "variables.tenantGroups.size() == 1",
    message: "a tenant's deploy identity belongs to exactly one tenant group (qualisys:tenant:<stack>)",
  },
  {
    expression: `request.operation == 'CREATE' || (variables.oldOwner != '' && ('${prefix}' + variables.oldOwner) in variables.tenantGroups)`,
    message: `a tenant may change or delete only what carries its own ${ownerLabel} label`,
  },
  {
    expression: `!(${writes}) || (variables.newOwner != '' && ('${prefix}' + variables.newOwner) in variables.tenantGroups)`,
    message: `a tenant labels what it creates or changes with ${ownerLabel}: <its stack>`,
  },
  {
    expression: `!(${writes} && ${isNamespace}) || object.metadata.name == ${stack} || object.metadata.name == ${stack} + '-db-bootstrap' || object.metadata.name == ${stack} + '-secrets'`,
    message: "a tenant's namespaces are named <stack>, <stack>-db-bootstrap and <stack>-secrets",
  },
  {
    expression: `!(${writes} && ${isNamespace}) || (has(object.metadata.labels) && object.metadata.labels.exists(k, k == 'pod-security.kubernetes.io/enforce' && object.metadata.labels[k] == 'restricted'))`,
    message: "a tenant's namespaces enforce the restricted Pod Security level",
  },
  {
    expression: `!(${writes} && ${isStore}) || object.metadata.name == ${stack}`,
    message: "a tenant's ClusterSecretStore is named after its stack",
  },
  {
    expression: `!(${writes} && ${isStore}) || (has(object.spec.conditions) && object.spec.conditions.size() > 0 && object.spec.conditions.all(c, has(c.namespaces) && !has(c.namespaceSelector) && !has(c.namespaceRegexes) && c.namespaces.all(n, n == ${stack} || n == ${stack} + '-db-bootstrap')))`,
    message: "a tenant's ClusterSecretStore serves only its own namespaces, listed by name",
  },
  {
    expression: `!(${writes} && ${isStore}) || (has(object.spec.provider.aws) && size(object.spec.provider) == 1 && !has(object.spec.provider.aws.role) && has(object.spec.provider.aws.auth.jwt) && !has(object.spec.provider.aws.auth.secretRef) && object.spec.provider.aws.auth.jwt.serviceAccountRef.namespace == ${stack} + '-secrets')`,
    message:
      "a tenant's ClusterSecretStore reads AWS as a service account in its own <stack>-secrets namespace (IRSA), nothing else",
  },
] as const;

/** The match condition: only requests from a tenant's deploy identity are judged; everyone else's pass through. */
export const tenantPolicyMatch = `has(request.userInfo.groups) && request.userInfo.groups.exists(g, g == '${tenantKubernetesGroups.tenants}' || g.startsWith('${prefix}'))`;

export const tenantAdmissionPolicySpec: AdmissionPolicySpec = {
  name: tenantAdmissionPolicyName,
  description:
    "A tenant stack's deploy identity creates, changes and deletes only the namespaces and ClusterSecretStore it owns (docs/shared-platform.md)",
  rules: [
    { operations: ["CREATE", "UPDATE", "DELETE"], apiGroups: [""], apiVersions: ["v1"], resources: ["namespaces"] },
    {
      operations: ["CREATE", "UPDATE", "DELETE"],
      apiGroups: ["external-secrets.io"],
      resources: ["clustersecretstores"],
    },
  ],
  matchConditions: [{ name: "from-a-tenant", expression: tenantPolicyMatch }],
  variables: tenantPolicyVariables.map((v) => ({ ...v })),
  validations: tenantPolicyValidations.map((v) => ({ ...v })),
};

/** The policy and its binding (fails closed, denies, cluster-wide). */
export function tenantAdmissionPolicy(): [policy: Manifest, binding: Manifest] {
  return validatingAdmissionPolicy(tenantAdmissionPolicySpec);
}
