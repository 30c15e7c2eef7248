/**
 * Kubernetes objects the program or a team applies (SPEC E2, E3, X5), read as the API server would apply them:
 * RBAC that opens the cluster to anonymous or every authenticated caller, cluster-admin for service accounts,
 * pods that escape to the node in application namespaces, and load-balanced Services that face the internet
 * outside the edge.
 */
import { patternList, resourcePolicy, type Findings } from "../lib/define";
import { globMatch, list, path, prop, Unknown } from "../lib/values";
import { T } from "./types";

const bindingTypes = [T.k8sClusterRoleBinding, T.k8sRoleBinding];

/** Subjects every caller, or every caller with any credential (any AWS identity, on EKS), belongs to. */
const openGroups = ["system:anonymous", "system:unauthenticated", "system:authenticated"];

export const rbacNoOpenSubjects = resourcePolicy({
  name: "k8s-rbac-no-open-subjects",
  description:
    "RoleBindings and ClusterRoleBindings never bind system:anonymous, system:unauthenticated or system:authenticated (on EKS: any AWS identity that can get a token), as a User or a Group.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediation:
    "bind the groups your access entries map principals into (qualisys:developers, …), never the built-in open groups.",
  coverage: [{ control: "identity", types: bindingTypes }],
  types: bindingTypes,
  check: ({ props }) =>
    list(prop(props, "subjects"))
      .filter((s) => s !== Unknown && ["User", "Group"].includes(prop(s, "kind") as string))
      .filter((s) => openGroups.includes(prop(s, "name") as string))
      .map((s) => `The binding grants its role to ${String(prop(s, "name"))}.`),
});

const adminRoles = ["cluster-admin", "admin"];

export const rbacNoAdminServiceAccounts = resourcePolicy({
  name: "k8s-no-cluster-admin-service-accounts",
  description:
    "No ClusterRoleBinding or RoleBinding gives a ServiceAccount the cluster-admin (or admin) ClusterRole: a workload token that leaks is then the cluster.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediation: "bind the service account to a role listing the verbs and resources it uses.",
  coverage: [{ control: "identity", types: bindingTypes, checkov: ["CKV_K8S_42"], cis: ["k8s-2.0.1:5.1.1"] }],
  types: bindingTypes,
  check: ({ props }) => {
    const role = prop(prop(props, "roleRef"), "name");
    if (typeof role !== "string" || !adminRoles.includes(role)) return [];
    return list(prop(props, "subjects"))
      .filter((s) => s !== Unknown && prop(s, "kind") === "ServiceAccount")
      .map(
        (s) => `Service account ${String(prop(s, "namespace") ?? "")}/${String(prop(s, "name"))} is bound to ${role}.`,
      );
  },
});

const workloadTypes = [
  T.k8sPod,
  T.k8sDeployment,
  T.k8sStatefulSet,
  T.k8sDaemonSet,
  T.k8sReplicaSet,
  T.k8sJob,
  T.k8sCronJob,
];

/** The pod spec of a workload object. */
export function podSpecOf(type: string, props: Record<string, unknown>): unknown {
  if (type === T.k8sPod) return prop(props, "spec");
  if (type === T.k8sCronJob) return path(props, "spec", "jobTemplate", "spec", "template", "spec");
  return path(props, "spec", "template", "spec");
}

const systemNamespaces = {
  properties: {
    systemNamespacePatterns: patternList(
      "Namespaces (globs) of the cluster's own node agents (CNI, CSI, log and metric collectors), which may need the host; every other namespace is an application namespace.",
      ["kube-system"],
    ),
  },
};

export const podsStayInContainers = resourcePolicy({
  name: "k8s-pods-no-host-access",
  description:
    "Workloads in application namespaces (every namespace but the configured system ones, default kube-system; no namespace means default) run no privileged container, share no host namespace (hostNetwork, hostPID, hostIPC) and mount no hostPath volume.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediation:
    "drop privileged and the host namespaces, use emptyDir or a PersistentVolumeClaim instead of hostPath; node agents belong in a system namespace.",
  configSchema: systemNamespaces,
  coverage: [
    {
      control: "exposure",
      types: workloadTypes,
      checkov: ["CKV_K8S_16", "CKV_K8S_17", "CKV_K8S_18", "CKV_K8S_19"],
      cis: ["k8s-2.0.1:5.2.2", "k8s-2.0.1:5.2.3", "k8s-2.0.1:5.2.4", "k8s-2.0.1:5.2.5", "k8s-2.0.1:5.2.11"],
    },
  ],
  types: workloadTypes,
  check: ({ type, props }, config) => {
    const namespace = path(props, "metadata", "namespace");
    if (namespace === Unknown) return [];
    const ns = typeof namespace === "string" && namespace !== "" ? namespace : "default";
    if ((config.systemNamespacePatterns as string[]).some((p) => globMatch(p, ns))) return [];
    const spec = podSpecOf(type, props);
    if (spec === Unknown || spec === undefined) return [];
    const out: Findings = [];
    for (const flag of ["hostNetwork", "hostPID", "hostIPC"])
      if (prop(spec, flag) === true) out.push(`The pod shares the node's ${flag.slice(4)} namespace (${flag}).`);
    for (const v of list(prop(spec, "volumes")))
      if (v !== Unknown && prop(v, "hostPath") !== undefined)
        out.push(
          `Volume ${String(prop(v, "name"))} mounts the node's ${String(path(v, "hostPath", "path"))} (hostPath).`,
        );
    const containers = [
      ...list(prop(spec, "containers")),
      ...list(prop(spec, "initContainers")),
      ...list(prop(spec, "ephemeralContainers")),
    ];
    for (const c of containers)
      if (c !== Unknown && path(c, "securityContext", "privileged") === true)
        out.push(`Container ${String(prop(c, "name"))} is privileged.`);
    return out.map((m) => `${m} (namespace ${ns})`);
  },
});

const schemeAnnotations = [
  "service.beta.kubernetes.io/aws-load-balancer-scheme",
  "service.beta.kubernetes.io/aws-load-balancer-internal",
];

export const servicesNotInternetFacing = resourcePolicy({
  name: "k8s-service-not-internet-facing",
  description:
    "Services of type LoadBalancer outside the edge namespaces (config, default none: the edge is the shared ALB of the ingress class) pin an internal load balancer (aws-load-balancer-scheme internal, or aws-load-balancer-internal true): an internet-facing or unpinned scheme puts the workload beside the WAF instead of behind it.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation:
    "expose the workload through an Ingress of the platform's ALB class, or annotate service.beta.kubernetes.io/aws-load-balancer-scheme: internal.",
  configSchema: {
    properties: {
      edgeNamespacePatterns: patternList("Namespaces (globs) allowed to run internet-facing load balancers.", []),
    },
  },
  coverage: [{ control: "exposure", types: [T.k8sService] }],
  types: [T.k8sService],
  check: ({ props }, config) => {
    if (path(props, "spec", "type") !== "LoadBalancer") return [];
    const ns = path(props, "metadata", "namespace");
    if (ns === Unknown) return [];
    if ((config.edgeNamespacePatterns as string[]).some((p) => globMatch(p, typeof ns === "string" ? ns : "default")))
      return [];
    const annotations = path(props, "metadata", "annotations");
    const scheme = prop(annotations, schemeAnnotations[0]);
    const internal = prop(annotations, schemeAnnotations[1]);
    if (scheme === Unknown || internal === Unknown) return [];
    if (scheme === "internal" || internal === "true" || internal === true) return [];
    return [
      scheme === "internet-facing"
        ? "The Service asks for an internet-facing load balancer."
        : "The Service's load balancer scheme is not pinned to internal.",
    ];
  },
});

export const kubernetesPolicies = [
  rbacNoOpenSubjects,
  rbacNoAdminServiceAccounts,
  podsStayInContainers,
  servicesNotInternetFacing,
];
