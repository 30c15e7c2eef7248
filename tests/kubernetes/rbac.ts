/**
 * RBAC evaluation as the API server's RBAC authorizer does it (rbac.authorization.k8s.io/v1): a request by a
 * member of some groups is allowed when a ClusterRoleBinding, or a RoleBinding in the request's namespace, binds one
 * of its groups to a role with a rule matching the API group, resource and verb (`*` matching anything). Rules only
 * allow; there is no deny. Built-in roles the objects refer to are modelled from their published definitions below.
 */
import type { Manifest } from "../../components/kubernetes/manifest";

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
}
interface Binding {
  roleRef: { kind: "ClusterRole" | "Role"; name: string };
  subjects?: { kind: string; name: string }[];
}

const read = ["get", "list", "watch"];
/**
 * The built-in `view` ClusterRole, as far as workloads and Secrets go: it aggregates `system:aggregate-to-view`,
 * whose rules (kubernetes/kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy, testdata/cluster-roles.yaml)
 * read pods and every workload kind and grant no verb on Secrets and none that creates anything. Charts may
 * aggregate more read rules into it (their own custom resources), never on Secrets.
 */
const builtIn: Record<string, PolicyRule[]> = {
  view: [
    { apiGroups: [""], resources: ["pods", "pods/log", "pods/status", "replicationcontrollers", "configmaps", "services", "events"], verbs: read },
    { apiGroups: ["apps"], resources: ["daemonsets", "deployments", "replicasets", "statefulsets"], verbs: read },
    { apiGroups: ["batch"], resources: ["cronjobs", "jobs"], verbs: read },
  ],
  "cluster-admin": [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }],
}; // prettier-ignore

export interface Request {
  verb: string;
  /** API group (`""` for the core group). */
  group: string;
  /** Resource, with a subresource as `pods/exec`. */
  resource: string;
  namespace: string;
}

const covers = (values: string[] | undefined, value: string) => (values ?? []).some((v) => v === "*" || v === value);

/** An authorizer over the RBAC objects among `manifests`. */
export function rbacAuthorizer(manifests: Manifest[]) {
  const clusterRoles = new Map(
    manifests.filter((m) => m.kind === "ClusterRole").map((m) => [m.metadata.name, (m.rules ?? []) as PolicyRule[]]),
  );
  const roles = new Map(
    manifests
      .filter((m) => m.kind === "Role")
      .map((m) => [`${m.metadata.namespace}/${m.metadata.name}`, (m.rules ?? []) as PolicyRule[]]),
  );
  const rulesOf = (ref: Binding["roleRef"], namespace?: string): PolicyRule[] => {
    const rules =
      ref.kind === "Role" ? roles.get(`${namespace}/${ref.name}`) : (clusterRoles.get(ref.name) ?? builtIn[ref.name]);
    if (!rules) throw new Error(`${ref.kind} ${ref.name} is neither declared nor a modelled built-in role`);
    return rules;
  };
  const bindings = manifests
    .filter((m) => m.kind === "ClusterRoleBinding" || m.kind === "RoleBinding")
    .map((m) => ({ namespace: m.metadata.namespace, binding: m as unknown as Binding }));

  return (groups: string[], request: Request): boolean =>
    bindings.some(
      ({ namespace, binding }) =>
        (namespace === undefined || namespace === request.namespace) &&
        (binding.subjects ?? []).some((s) => s.kind === "Group" && groups.includes(s.name)) &&
        rulesOf(binding.roleRef, namespace).some(
          (rule) =>
            covers(rule.apiGroups, request.group) &&
            covers(rule.resources, request.resource) &&
            covers(rule.verbs, request.verb) &&
            !rule.resourceNames?.length,
        ),
    );
}
