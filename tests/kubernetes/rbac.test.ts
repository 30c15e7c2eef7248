/** The RBAC evaluator against the authorizer's documented rules, on hand-written objects. */
import type { Manifest } from "../../components/kubernetes/manifest";
import { rbacAuthorizer } from "./rbac";

const role = (name: string, rules: object[]) =>
  ({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name }, rules }) as Manifest;
const binding = (kind: "ClusterRoleBinding" | "RoleBinding", roleName: string, group: string, namespace?: string) =>
  ({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind,
    metadata: { name: `${roleName}-${group}`, ...(namespace ? { namespace } : {}) },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: roleName },
    subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: group }],
  }) as unknown as Manifest;

const deployer = role("deployer", [{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["create", "get"] }]);
const pods = { verb: "create", group: "", resource: "pods", namespace: "dev" };
const deployments = { verb: "create", group: "apps", resource: "deployments", namespace: "dev" };

describe("RBAC evaluation", () => {
  it("grants a RoleBinding's rules in its namespace only, and a ClusterRoleBinding's everywhere", () => {
    const can = rbacAuthorizer([deployer, binding("RoleBinding", "deployer", "ci", "dev")]);
    expect(can(["ci"], deployments)).toBe(true);
    expect(can(["ci"], { ...deployments, namespace: "prod" })).toBe(false);
    const everywhere = rbacAuthorizer([deployer, binding("ClusterRoleBinding", "deployer", "ci")]);
    expect(everywhere(["ci"], { ...deployments, namespace: "prod" })).toBe(true);
  });

  it("matches group, resource and verb exactly unless a rule says *", () => {
    const can = rbacAuthorizer([deployer, binding("RoleBinding", "deployer", "ci", "dev")]);
    expect(can(["ci"], pods)).toBe(false);
    expect(can(["ci"], { ...deployments, verb: "delete" })).toBe(false);
    expect(can(["other"], deployments)).toBe(false);
    const admin = rbacAuthorizer([binding("RoleBinding", "cluster-admin", "ops", "dev")]);
    expect(admin(["ops"], { ...pods, resource: "secrets", verb: "get" })).toBe(true);
  });

  it("models the built-in view role without Secrets or any create, and refuses roles it does not know", () => {
    const view = rbacAuthorizer([binding("RoleBinding", "view", "dev", "dev")]);
    expect(view(["dev"], { ...pods, verb: "get" })).toBe(true);
    expect(view(["dev"], pods)).toBe(false);
    expect(view(["dev"], { ...pods, verb: "get", resource: "secrets" })).toBe(false);
    expect(() => rbacAuthorizer([binding("RoleBinding", "edit", "dev", "dev")])(["dev"], pods)).toThrow(/edit/);
  });
});
