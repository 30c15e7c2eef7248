/**
 * Who administers the cluster (SPEC E3, I3, X5). EKS access policies and Kubernetes groups both grant power: an
 * access entry that maps a role into `system:masters`, or into a group a ClusterRoleBinding makes cluster-admin, is
 * cluster admin as surely as AmazonEKSClusterAdminPolicy. Only allow-listed roles get it, and a role is recognised
 * by its whole ARN (an IAM role, no path that a glob could slide under, of an account iam-foreign-accounts accepts),
 * not by the last segment of whatever principal is named.
 */
import type { PolicyResource } from "@pulumi/policy";
import { patternList, resourcePolicy, stackPolicy, undecided, type Findings } from "../lib/define";
import { list, prop, Unknown } from "../lib/values";
import { adminConfig, policyName } from "./least-privilege";
import { T } from "./types";

/** A role-name glob: `*` stands for any run of characters except `/`, so a pattern never matches a role's path. */
const roleNameMatches = (pattern: string, name: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}$`).test(name);

/** The role name of an IAM role ARN (with its path, if any); undefined for anything else (users, sessions, `*`). */
export function roleNameOf(arn: string): string | undefined {
  const m = /^arn:[^:]+:iam::\d{12}:role\/(.+)$/.exec(arn);
  return m && !/[*?]/.test(m[1]) ? m[1] : undefined;
}

/** Is `principal` an allow-listed administrator role? Unknown stays unknown. */
export function isAllowListedRole(principal: unknown, patterns: string[]): boolean | typeof Unknown {
  if (principal === Unknown) return Unknown;
  if (typeof principal !== "string") return false;
  const name = roleNameOf(principal);
  return name !== undefined && patterns.some((p) => roleNameMatches(p, name));
}

/** EKS access policies that make a principal an administrator of the cluster, or of everything in it. */
const eksAdminAccess = (policyArn: unknown, scope: unknown) => {
  const name = typeof policyArn === "string" ? policyName(policyArn) : undefined;
  return (
    name === "AmazonEKSClusterAdminPolicy" || (name === "AmazonEKSAdminPolicy" && prop(scope, "type") !== "namespace")
  );
};

interface Grant {
  principal: unknown;
  policyArn: unknown;
  scope: unknown;
}

/** Access policy grants of an eks.Cluster's access entries or of one aws.eks.AccessPolicyAssociation. */
function grantsOf(type: string, props: Record<string, unknown>): Grant[] {
  if (type === T.eksAccessPolicyAssociation)
    return [
      {
        principal: prop(props, "principalArn"),
        policyArn: prop(props, "policyArn"),
        scope: prop(props, "accessScope"),
      },
    ];
  return Object.values((prop(props, "accessEntries") ?? {}) as Record<string, unknown>).flatMap((entry) =>
    Object.values((prop(entry, "accessPolicies") ?? {}) as Record<string, unknown>).map((policy) => ({
      principal: prop(entry, "principalArn"),
      policyArn: prop(policy, "policyArn"),
      scope: prop(policy, "accessScope"),
    })),
  );
}

export const eksAdminAccessAllowList = resourcePolicy({
  name: "eks-admin-access-allow-list",
  description:
    "EKS administrator access (AmazonEKSClusterAdminPolicy, or AmazonEKSAdminPolicy beyond a namespace) goes only to IAM roles whose name (path included, `*` not crossing `/`) is on the allow-list (default *-devops, *-deploy): never to a user, a session or a wildcard ARN; in access entries of eks.Cluster and in aws.eks.AccessPolicyAssociation alike. A principal unknown at preview is reported as undecided.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediation:
    "map the role to a Kubernetes group bound where it works, scope AmazonEKSAdminPolicy to its namespaces, or (for a real break-glass or deployer role) add its name pattern to allowedRolePatterns in the pack config.",
  configSchema: { properties: { allowedRolePatterns: adminConfig.properties.allowedRolePatterns } },
  coverage: [
    {
      control: "identity",
      types: [T.eksAccessPolicyAssociation, T.eksCluster],
      cis: ["k8s-2.0.1:5.1.1"],
    },
  ],
  types: [T.eksAccessPolicyAssociation, T.eksCluster],
  check: ({ type, props }, config) => {
    const out: Findings = [];
    for (const g of grantsOf(type, props).filter((g) => eksAdminAccess(g.policyArn, g.scope))) {
      const allowed = isAllowListedRole(g.principal, config.allowedRolePatterns);
      if (allowed === Unknown)
        out.push(undecided(`${policyName(String(g.policyArn))} is granted to a principal that is not known yet.`));
      else if (!allowed)
        out.push(
          `${policyName(String(g.policyArn))} is granted to ${String(g.principal)}, which is not an allow-listed IAM role.`,
        );
    }
    return out;
  },
});

const systemNamespaceConfig = {
  properties: {
    systemNamespaces: patternList(
      "Namespaces (globs) that belong to the cluster itself: admin there is admin of the cluster (kube-system holds the controllers' service account tokens).",
      ["kube-system", "kube-public", "kube-node-lease"],
    ),
  },
};

const globToRegExp = (g: string) => new RegExp(`^${g.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
/** Two globs can match a common name (either matches the other taken literally, or both are open-ended). */
const overlaps = (a: string, b: string) =>
  globToRegExp(a).test(b) || globToRegExp(b).test(a) || (a.includes("*") && b.includes("*"));

export const eksNoAdminInSystemNamespaces = resourcePolicy({
  name: "eks-no-admin-in-system-namespaces",
  description:
    "Namespace-scoped EKS access policies (AmazonEKSAdminPolicy, AmazonEKSEditPolicy, AmazonEKSClusterAdminPolicy) never cover a system namespace (config; default kube-system, kube-public, kube-node-lease), whether named or matched by a wildcard: write access there reaches the controllers' credentials.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediation: "scope the access policy to the application namespaces the role works in.",
  configSchema: systemNamespaceConfig,
  coverage: [{ control: "identity", types: [T.eksAccessPolicyAssociation, T.eksCluster], cis: ["k8s-2.0.1:5.1.1"] }],
  types: [T.eksAccessPolicyAssociation, T.eksCluster],
  check: ({ type, props }, config) => {
    const system: string[] = config.systemNamespaces;
    const out: Findings = [];
    for (const g of grantsOf(type, props)) {
      const name = typeof g.policyArn === "string" ? policyName(g.policyArn) : "";
      if (!/^AmazonEKS(Admin|Edit|ClusterAdmin)Policy$/.test(name) || prop(g.scope, "type") !== "namespace") continue;
      for (const ns of list(prop(g.scope, "namespaces"))) {
        if (ns === Unknown) out.push(undecided(`${name} is scoped to a namespace that is not known yet.`));
        else if (typeof ns === "string" && system.some((s) => overlaps(s, ns)))
          out.push(`${name} for ${String(g.principal)} covers system namespace ${ns}.`);
      }
    }
    return out;
  },
});

/** ClusterRoles that are cluster-admin in all but name: every verb on every resource of every API group. */
function adminClusterRoles(resources: PolicyResource[]): Set<string> {
  const admin = new Set(["cluster-admin"]);
  for (const r of resources.filter((x) => x.type === "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole")) {
    const name = prop(prop(r.props, "metadata"), "name");
    const all = list(prop(r.props, "rules")).some(
      (rule) =>
        list(prop(rule, "verbs")).includes("*") &&
        list(prop(rule, "resources")).includes("*") &&
        list(prop(rule, "apiGroups")).includes("*"),
    );
    if (all && typeof name === "string") admin.add(name);
  }
  return admin;
}

/** Kubernetes groups the stack binds cluster-wide to an admin ClusterRole. */
function adminGroups(resources: PolicyResource[]): Set<string> {
  const admin = adminClusterRoles(resources);
  const groups = new Set<string>();
  for (const r of resources.filter((x) => x.type === T.k8sClusterRoleBinding)) {
    const role = prop(prop(r.props, "roleRef"), "name");
    if (typeof role !== "string" || !admin.has(role)) continue;
    for (const s of list(prop(r.props, "subjects")))
      if (prop(s, "kind") === "Group" && typeof prop(s, "name") === "string") groups.add(prop(s, "name") as string);
  }
  return groups;
}

export const eksPrivilegedGroups = stackPolicy({
  name: "eks-access-entry-privileged-groups",
  description:
    "EKS access entries (eks.Cluster accessEntries, aws.eks.AccessEntry) map a principal into a privileged Kubernetes group (system:masters or another system: group, config; or a group a ClusterRoleBinding of the stack binds to cluster-admin or to a ClusterRole with every verb on every resource) only when it is an allow-listed IAM role.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediation:
    "map the role to a group bound to the namespaced roles it needs; keep cluster-admin groups for the allow-listed administrator roles.",
  configSchema: {
    properties: {
      allowedRolePatterns: adminConfig.properties.allowedRolePatterns,
      privilegedGroupPatterns: patternList("Kubernetes groups (globs) that are privileged by themselves.", [
        "system:*",
      ]),
    },
  },
  coverage: [
    {
      control: "identity",
      types: [T.eksAccessEntry, T.eksCluster],
      cis: ["k8s-2.0.1:5.1.7", "k8s-2.0.1:5.1.1"],
    },
  ],
  check: (resources, config) => {
    const bound = adminGroups(resources);
    const privileged = (g: string) =>
      bound.has(g) || (config.privilegedGroupPatterns as string[]).some((p) => globToRegExp(p).test(g));
    const out: { resource?: PolicyResource; message: string; undecided?: boolean }[] = [];
    const entries = (r: PolicyResource) =>
      r.type === T.eksAccessEntry
        ? [r.props]
        : r.type === T.eksCluster
          ? Object.values((prop(r.props, "accessEntries") ?? {}) as Record<string, unknown>)
          : [];
    for (const r of resources)
      for (const entry of entries(r)) {
        if (entry === Unknown) continue;
        const groups = list(prop(entry, "kubernetesGroups")).filter((g): g is string => typeof g === "string");
        const bad = groups.filter(privileged);
        if (!bad.length) continue;
        const principal = prop(entry, "principalArn");
        const allowed = isAllowListedRole(principal, config.allowedRolePatterns);
        if (allowed === Unknown)
          out.push({
            resource: r,
            undecided: true,
            message: `an access entry maps a principal not known yet into ${bad.join(", ")}.`,
          });
        else if (!allowed)
          out.push({
            resource: r,
            message: `${r.name} maps ${String(principal)} into privileged group(s) ${bad.join(", ")}, and it is not an allow-listed IAM role.`,
          });
      }
    return out;
  },
});

export const eksAccessPolicies = [eksAdminAccessAllowList, eksNoAdminInSystemNamespaces, eksPrivilegedGroups];
