/**
 * The cluster's namespaces, network policies, RBAC and secrets sync (SPEC E3, E4, S2), as plain manifests built
 * by pure functions (the Playwright pool's own objects are in ./playwright.ts). The component only turns them into resources; tests validate these same objects against the
 * Kubernetes schemas.
 */
import type { IClusterSecretStore } from "@kubernetes-models/external-secrets/external-secrets.io/v1/ClusterSecretStore";
import type { IExternalSecret } from "@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret";
import type { INamespace } from "kubernetes-models/v1/Namespace";
import type { INetworkPolicySpec } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicySpec";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { IClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import type { IClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import type { IPolicyRule } from "kubernetes-models/rbac.authorization.k8s.io/v1/PolicyRule";
import type { IRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { ownerLabel } from "../../config/platform";
import { appSecrets, platformNamespaces, secretName } from "../naming";
import { typed, type Manifest } from "../kubernetes/manifest";

/** Kubernetes groups the access entries map the IAM roles to (SPEC E1). `system:` prefixes are reserved by EKS. */
export const kubernetesGroups = {
  devops: "qualisys:devops",
  developer: "qualisys:developers",
  cicd: "qualisys:ci-cd",
} as const;

/**
 * The groups of a stack hosted on another's cluster (`qualisys:platform`): named for its namespace, so its roles
 * are bound only there and never pick up the host's bindings.
 */
export function hostedKubernetesGroups(namespace: string) {
  return { developer: `qualisys:${namespace}:developers`, cicd: `qualisys:${namespace}:ci-cd` } as const;
}

/**
 * A host's tenants on its cluster (docs/shared-platform.md): every tenant's deploy role joins `tenantsGroup` and the
 * group naming its stack (`tenantGroup(stack)`); its developers and CI join `readersGroup` beside their own groups.
 * What the host grants these groups, and what its admission policy lets them change, is in {@link hostTenantRbac}
 * and ./admission/tenants.ts.
 */
export const tenantKubernetesGroups = {
  tenants: "qualisys:tenants",
  tenantPrefix: "qualisys:tenant:",
  readers: "qualisys:tenant-readers",
} as const;
export const tenantGroup = (stack: string) => `${tenantKubernetesGroups.tenantPrefix}${stack}`;

/** The host's ClusterRoles a tenant binds in its own namespaces. */
export const tenantClusterRoles = {
  developer: "qualisys:developer",
  deployer: "qualisys:deployer",
  /** The custom resources a tenant's deploy role creates in its namespaces (AmazonEKSAdminPolicy has none). */
  workloads: "qualisys:tenant-workloads",
  /** Cluster-wide: the namespaces and ClusterSecretStores the admission policy lets a tenant own. */
  tenant: "qualisys:tenant",
} as const;

/** Pod Security Standards per namespace (SPEC E3). */
export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

export interface NamespacePlan {
  name: string;
  /** Level enforced; `restricted` is always audited and warned about. */
  enforce: PodSecurityLevel;
  /** Whether application secrets are synced into it. */
  app: boolean;
}

/**
 * The namespaces: the app ones enforce `restricted`; the Playwright pool `baseline` (browsers need a writable
 * /dev/shm and sometimes run as root in vendor images); monitoring `privileged`, because node-exporter reads the
 * host's /proc and /sys through hostPath and hostNetwork.
 */
export function namespacePlan(appNamespaces: string[]): NamespacePlan[] {
  return [
    ...appNamespaces.map((name) => ({ name, enforce: "restricted" as const, app: true })),
    { name: platformNamespaces.playwright, enforce: "baseline", app: false },
    { name: platformNamespaces.monitoring, enforce: "privileged", app: false },
  ];
}

/** The Namespace annotation listing, comma-separated, the Secrets its workloads may reference (./admission/secrets.ts). */
export const workloadSecretsKey = "qualisys.io/workload-secrets";

/** The annotation declaring `names` as the Secrets a namespace's workloads may reference. */
export function workloadSecretsAnnotation(names: readonly string[]): Record<string, string> {
  return { [workloadSecretsKey]: [...names].sort().join(",") };
}

/**
 * An app namespace declares for its workloads exactly the application secrets synced into it ({@link
 * externalSecrets}); other namespaces declare none, so developers' and CI's workloads can mount no Secret there.
 * `owner`: the stack that owns the namespace on another's cluster (a tenant); none for the host's own.
 */
export function namespaceManifest(plan: NamespacePlan, owner?: string): Manifest {
  return typed<INamespace>({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: plan.name,
      ...(plan.app ? { annotations: workloadSecretsAnnotation(appSecrets) } : {}),
      labels: {
        "pod-security.kubernetes.io/enforce": plan.enforce,
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
        "app.kubernetes.io/managed-by": "pulumi",
        ...(owner ? { [ownerLabel]: owner } : {}),
      },
    },
  });
}

export interface NetworkContext {
  /** The VPC CIDR: the data tier (RDS, ElastiCache) lives there. */
  vpcCidr: string;
  /** Public subnet CIDRs: the ALB's addresses, which reach pods directly (target type `ip`). */
  loadBalancerCidrs: string[];
}

const byName = (name: string) => ({ matchLabels: { "kubernetes.io/metadata.name": name } });
const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP" as const, port }));

/**
 * What enforces these policies, read at the source (2026-12-06): the VPC CNI add-on release v1.20.4 ships the
 * network policy agent below (aws/amazon-vpc-cni-k8s, tag v1.20.4, charts/aws-vpc-cni/values.yaml
 * `nodeAgent.image.tag`), whose rule processor honours `ipBlock.except` by adding each excepted CIDR as a deny entry
 * that outranks the broader allow in its longest-prefix-match map, and always allows the pod's own node IP
 * (aws/aws-network-policy-agent, tag v1.2.7, pkg/fwruleprocessor/fw_rule_processor.go). Since issue 23 the VPC CNI
 * build is AWS's default for the cluster's minor unless `cluster.addons.vpcCni` pins one (no source lists the builds
 * EKS offers for 1.35): pin a v1.20.4 build to run exactly the agent read here.
 */
export const networkPolicyEnforcement = { vpcCniRelease: "v1.20.4", networkPolicyAgent: "v1.2.7" } as const;

/** Link-local addresses: the instance metadata service (169.254.169.254), the EKS Pod Identity agent, the DNS resolver. */
export const linkLocalCidr = "169.254.0.0/16";

/**
 * The Kubernetes service ranges EKS picks from when a cluster sets none (this program sets none, and EKS cannot
 * change it after creation): "either the 10.100.0.0/16 or 172.20.0.0/16 CIDR blocks" (EKS API
 * KubernetesNetworkConfigRequest.serviceIpv4Cidr; the pinned @pulumi/eks 4.3.0 `kubernetesServiceIpAddressRange`
 * doc says the same). Both are excluded, so the rule holds whichever EKS chose.
 */
export const eksDefaultServiceCidrs = ["10.100.0.0/16", "172.20.0.0/16"] as const;

/**
 * Where a Playwright runner may not go on 80/443: anything in the VPC (the private EKS endpoint, internal load
 * balancers, nodes, other pods), link-local (instance metadata) and the service range (the API server's ClusterIP).
 * DNS still reaches CoreDNS through `allow-dns`: the VPC CNI's policy controller adds the kube-dns ClusterIP to that
 * rule as a /32 (amazon-network-policy-controller-k8s `getMatchingServiceClusterIPs`), which outranks these ranges
 * in the agent's longest-prefix match. The cluster is IPv4-only (no `ipFamily`) and IMDS's IPv6 endpoint is off
 * (launch templates leave `httpProtocolIpv6` at its default, disabled), so fd00:ec2::254 is not reachable at all.
 */
export function playwrightEgressExclusions(vpcCidr: string): string[] {
  return [...new Set([vpcCidr, linkLocalCidr, ...eksDefaultServiceCidrs])];
}

/**
 * Default deny in both directions, then the allows each namespace needs (SPEC E3): DNS to CoreDNS; traffic
 * within the namespace; scraping from monitoring; the ALB into app namespaces and monitoring (Grafana); the API
 * server into monitoring's admission webhook; egress on
 * 443 (AWS APIs, third-party APIs, sites under test); the data tier's ports inside the VPC for the apps and the
 * exporters.
 *
 * The Playwright pool runs untrusted browser workloads, each run its own trust domain: its runners may browse on
 * 80 and 443 outside the cluster and the VPC only ({@link playwrightEgressExclusions}), and nothing within the
 * namespace may talk to anything else there (runs cannot reach each other).
 */
export function networkPolicies(namespace: NamespacePlan, network: NetworkContext): Manifest[] {
  const ns = namespace.name;
  const policy = (name: string, spec: Omit<INetworkPolicySpec, "podSelector">): Manifest =>
    typed<INetworkPolicy>({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name, namespace: ns },
      spec: { podSelector: {}, ...spec },
    });
  const isMonitoring = ns === platformNamespaces.monitoring;
  const isPlaywright = ns === platformNamespaces.playwright;
  const policies = [
    policy("default-deny", { policyTypes: ["Ingress", "Egress"] }),
    policy("allow-dns", {
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ namespaceSelector: byName("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
      ],
    }),
    ...(isPlaywright
      ? []
      : [
          policy("allow-same-namespace", {
            policyTypes: ["Ingress", "Egress"],
            ingress: [{ from: [{ podSelector: {} }] }],
            egress: [{ to: [{ podSelector: {} }] }],
          }),
        ]),
    isPlaywright
      ? policy("allow-https-egress", {
          policyTypes: ["Egress"],
          egress: [
            {
              to: [{ ipBlock: { cidr: "0.0.0.0/0", except: playwrightEgressExclusions(network.vpcCidr) } }],
              ports: tcp(443, 80),
            },
          ],
        })
      : policy("allow-https-egress", {
          policyTypes: ["Egress"],
          egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: tcp(443) }],
        }),
  ];
  if (!isMonitoring) {
    policies.push(
      policy("allow-monitoring-scrape", {
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ namespaceSelector: byName(platformNamespaces.monitoring) }] }],
      }),
    );
  } else {
    policies.push(
      // The API server calls the Prometheus operator's admission webhook (port 10250) from the control plane's
      // network interfaces in the VPC; without this, PrometheusRule and ServiceMonitor changes are rejected.
      policy("allow-control-plane-webhooks", {
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ ipBlock: { cidr: network.vpcCidr } }], ports: tcp(10250) }],
      }),
      policy("allow-scrape-egress", {
        policyTypes: ["Egress"],
        // Prometheus scrapes pods in every namespace and the kubelets / node-exporters on the nodes (VPC addresses).
        egress: [{ to: [{ namespaceSelector: {} }, { ipBlock: { cidr: network.vpcCidr } }] }],
      }),
    );
  }
  if (namespace.app || isMonitoring) {
    policies.push(
      policy("allow-from-load-balancer", {
        policyTypes: ["Ingress"],
        ingress: [{ from: network.loadBalancerCidrs.map((cidr) => ({ ipBlock: { cidr } })) }],
      }),
      policy("allow-data-tier", {
        policyTypes: ["Egress"],
        egress: [{ to: [{ ipBlock: { cidr: network.vpcCidr } }], ports: tcp(5432, 6379) }],
      }),
    );
  }
  return policies;
}

/** What developers may do in a namespace they deploy to: workloads, config, logs; never read Secrets. */
const developerRules: IPolicyRule[] = [
  {
    apiGroups: ["", "apps", "batch", "autoscaling", "networking.k8s.io", "policy"],
    resources: [
      "pods",
      "services",
      "configmaps",
      "deployments",
      "statefulsets",
      "replicasets",
      "jobs",
      "cronjobs",
      "horizontalpodautoscalers",
      "ingresses",
      "poddisruptionbudgets",
    ],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
  },
  { apiGroups: [""], resources: ["pods/log", "pods/portforward", "events"], verbs: ["get", "list", "watch", "create"] },
  { apiGroups: ["external-secrets.io"], resources: ["externalsecrets"], verbs: ["get", "list", "watch"] },
];

/** What CI may do: roll out workloads and their config; no exec, no port-forward, no Secrets. */
const deployerRules: IPolicyRule[] = [
  {
    apiGroups: ["", "apps", "batch", "autoscaling", "networking.k8s.io", "policy"],
    resources: [
      "services",
      "configmaps",
      "deployments",
      "statefulsets",
      "jobs",
      "cronjobs",
      "horizontalpodautoscalers",
      "ingresses",
      "poddisruptionbudgets",
    ],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
  },
  { apiGroups: [""], resources: ["pods", "pods/log", "events"], verbs: ["get", "list", "watch"] },
  { apiGroups: ["external-secrets.io"], resources: ["externalsecrets"], verbs: ["get", "list", "watch"] },
];

const subject = (group: string) => ({ kind: "Group" as const, apiGroup: "rbac.authorization.k8s.io", name: group });
const roleRef = (name: string) => ({ apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole" as const, name });
const rbacApi = "rbac.authorization.k8s.io/v1";
const clusterRoleBinding = (name: string, role: string, groups: string[]) =>
  typed<IClusterRoleBinding>({
    apiVersion: rbacApi,
    kind: "ClusterRoleBinding",
    metadata: { name },
    roleRef: roleRef(role),
    subjects: groups.map(subject),
  });
const roleBinding = (namespace: string, name: string, role: string, group: string) =>
  typed<IRoleBinding>({
    apiVersion: rbacApi,
    kind: "RoleBinding",
    metadata: { name, namespace },
    roleRef: roleRef(role),
    subjects: [subject(group)],
  });

/**
 * RBAC (SPEC E4, seed story 0.3 AC4): devops are cluster administrators; developers deploy to dev and staging and
 * only read production; CI deploys to every app namespace of its stack (prod's CI role is itself assumable only
 * from the approved production environment). Everyone may list namespaces and nodes, to switch contexts.
 */
export function rbac(appNamespaces: string[], productionNamespace = "production"): Manifest[] {
  const clusterRole = (name: string, rules: IPolicyRule[]) =>
    typed<IClusterRole>({ apiVersion: rbacApi, kind: "ClusterRole", metadata: { name }, rules });
  return [
    clusterRole("qualisys:developer", developerRules),
    clusterRole("qualisys:deployer", deployerRules),
    clusterRole("qualisys:cluster-reader", [
      { apiGroups: [""], resources: ["namespaces", "nodes"], verbs: ["get", "list", "watch"] },
    ]),
    clusterRoleBinding("qualisys:devops-cluster-admin", "cluster-admin", [kubernetesGroups.devops]),
    clusterRoleBinding("qualisys:cluster-reader", "qualisys:cluster-reader", [
      kubernetesGroups.developer,
      kubernetesGroups.cicd,
    ]),
    ...appNamespaces.flatMap((ns) => [
      roleBinding(
        ns,
        "developers",
        ns === productionNamespace ? "view" : "qualisys:developer",
        kubernetesGroups.developer,
      ),
      roleBinding(ns, "ci-cd", "qualisys:deployer", kubernetesGroups.cicd),
    ]),
    // Developers read what runs on the Playwright pool (to debug their test runs).
    roleBinding(platformNamespaces.playwright, "developers", "view", kubernetesGroups.developer),
  ];
}

/**
 * What a host grants its tenants, once for all of them (it cannot know a glob's stacks): the `qualisys:tenant`
 * ClusterRole for their deploy roles (namespaces and ClusterSecretStores, which ./admission/tenants.ts narrows to the
 * ones a tenant owns; binding only the host's tenant-facing ClusterRoles), the custom resources a tenant's
 * deploy role creates in its own namespaces (bound there by the tenant), and for their developers and CI the
 * cluster reader role and `view` on the shared Playwright pool.
 */
export function hostTenantRbac(): Manifest[] {
  const clusterRole = (name: string, rules: IPolicyRule[]) =>
    typed<IClusterRole>({ apiVersion: rbacApi, kind: "ClusterRole", metadata: { name }, rules });
  const manage = ["get", "list", "watch", "create", "update", "patch", "delete"];
  return [
    clusterRole(tenantClusterRoles.tenant, [
      { apiGroups: [""], resources: ["namespaces"], verbs: manage },
      { apiGroups: ["external-secrets.io"], resources: ["clustersecretstores"], verbs: manage },
      {
        apiGroups: ["rbac.authorization.k8s.io"],
        resources: ["clusterroles"],
        verbs: ["bind"],
        resourceNames: [tenantClusterRoles.developer, tenantClusterRoles.deployer, tenantClusterRoles.workloads],
      },
    ]),
    clusterRole(tenantClusterRoles.workloads, [
      { apiGroups: ["external-secrets.io"], resources: ["externalsecrets", "secretstores"], verbs: manage },
      { apiGroups: ["monitoring.coreos.com"], resources: ["servicemonitors"], verbs: manage },
    ]),
    clusterRoleBinding(tenantClusterRoles.tenant, tenantClusterRoles.tenant, [tenantKubernetesGroups.tenants]),
    clusterRoleBinding("qualisys:tenant-readers", "qualisys:cluster-reader", [tenantKubernetesGroups.readers]),
    roleBinding(platformNamespaces.playwright, "tenant-readers", "view", tenantKubernetesGroups.readers),
  ];
}

/**
 * The RBAC a tenant declares in its own namespaces: its developers and CI get the host's `qualisys:developer` /
 * `qualisys:deployer` roles in its application namespace, and its deploy role the tenant workloads role wherever it
 * creates custom resources. Nothing binds them anywhere else, and nothing at all in its secrets namespace.
 */
export function tenantRbac(stack: string, namespaces: { app: string; bootstrap: string }): Manifest[] {
  const groups = hostedKubernetesGroups(namespaces.app);
  return [
    roleBinding(namespaces.app, "developers", tenantClusterRoles.developer, groups.developer),
    roleBinding(namespaces.app, "ci-cd", tenantClusterRoles.deployer, groups.cicd),
    ...[namespaces.app, namespaces.bootstrap].map((ns) =>
      roleBinding(ns, "tenant-workloads", tenantClusterRoles.workloads, tenantGroup(stack)),
    ),
  ];
}

/** The ClusterSecretStore every namespace syncs from (CONTRACTS: `aws-secrets-manager`). */
export const clusterSecretStoreName = "aws-secrets-manager";

/**
 * The store reads `<prefix>/*` only, and serves only the namespaces listed: a namespace another stack owns on the
 * same cluster (`qualisys:platform`) cannot read this stack's secrets through it.
 */
export function clusterSecretStore(args: {
  region: string;
  namespace: string;
  serviceAccount: string;
  servedNamespaces: string[];
  /** The store's name. Default {@link clusterSecretStoreName}; a tenant's is its stack's name. */
  name?: string;
  /** The tenant stack that owns the store (./admission/tenants.ts lets a tenant change only its own). */
  owner?: string;
}): Manifest {
  return typed<IClusterSecretStore>({
    apiVersion: "external-secrets.io/v1",
    kind: "ClusterSecretStore",
    metadata: {
      name: args.name ?? clusterSecretStoreName,
      ...(args.owner ? { labels: { [ownerLabel]: args.owner } } : {}),
    },
    spec: {
      conditions: [{ namespaces: args.servedNamespaces }],
      provider: {
        aws: {
          service: "SecretsManager",
          region: args.region,
          // IRSA: the controller's own service account, whose role may read only `<prefix>/*`.
          auth: { jwt: { serviceAccountRef: { name: args.serviceAccount, namespace: args.namespace } } },
        },
      },
    },
  });
}

/**
 * One ExternalSecret per application secret per app namespace (SPEC S2): a Kubernetes Secret of the same name with
 * the value under `value`. One each, so a secret still empty (filled out of band) does not block the others. They
 * read through the cluster's store, or through the namespace's own when the stack is hosted on another's cluster.
 */
export function externalSecrets(
  prefix: string,
  namespace: string,
  store: { kind: "ClusterSecretStore" | "SecretStore"; name: string } = {
    kind: "ClusterSecretStore",
    name: clusterSecretStoreName,
  },
): Manifest[] {
  return appSecrets.map((secret) =>
    typed<IExternalSecret>({
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata: { name: secret, namespace },
      spec: {
        refreshInterval: "1h",
        secretStoreRef: { kind: store.kind, name: store.name },
        target: { name: secret, creationPolicy: "Owner" },
        data: [{ secretKey: "value", remoteRef: { key: secretName(prefix, secret) } }],
      },
    }),
  );
}
