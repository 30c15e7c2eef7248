/**
 * Hosts and tenants as pure data (docs/shared-platform.md): which of a tenant's roles reach the host's cluster and
 * how, what the host's Kubernetes offers and what a tenant relies on, and the inputs whose change would replace
 * what tenants run on. The components (./host.ts, ./hosted.ts), the tenant's permissions boundary
 * (../identity/boundary.ts) and the host contract (./contract.ts) all read these, so they cannot disagree.
 */
import { reservedNamespaces, type TenantNamespaces } from "../../config/platform";
import type { SubnetLayout } from "../../core/subnets";
import type { ClusterAccess } from "../identity/boundary";
import { hostedKubernetesGroups, tenantClusterRoles, tenantGroup, tenantKubernetesGroups } from "../cluster/manifests";
import { clusterName, platformNamespaces } from "../naming";
import { securityGroupDescriptions, securityGroups } from "../network/rules";
import type { SharedInfrastructure, TenantKubernetes } from "./contract";

/** A tenant's roles on its host's cluster, by the part of their name after the prefix. */
export type TenantRole = "deploy" | "devops" | "developer" | "cicd";

/**
 * What each of a tenant's roles gets on the host's cluster. Its deploy role: the tenant groups (the host's
 * ClusterRole and admission policy for its namespaces and store) and `AmazonEKSAdminPolicy` in its three
 * namespaces, never cluster admin. Its DevOps: `AmazonEKSAdminPolicy` in its application namespace. Its developers
 * and CI: their groups, bound in its application namespace, and the readers' group. Nobody but the deploy role
 * reaches `<stack>-secrets`.
 */
export function tenantClusterAccess(
  stack: string,
  prefix: string,
  namespaces: TenantNamespaces,
): Record<TenantRole, ClusterAccess> {
  const groups = hostedKubernetesGroups(namespaces.app);
  return {
    deploy: {
      roleName: `${prefix}-deploy`,
      kubernetesGroups: [tenantKubernetesGroups.tenants, tenantGroup(stack)],
      exclusiveGroups: true,
      adminNamespaces: [namespaces.app, namespaces.bootstrap, namespaces.secrets],
    },
    devops: { roleName: `${prefix}-devops`, kubernetesGroups: [], adminNamespaces: [namespaces.app] },
    developer: {
      roleName: `${prefix}-developer`,
      kubernetesGroups: [groups.developer, tenantKubernetesGroups.readers],
      adminNamespaces: [],
    },
    cicd: {
      roleName: `${prefix}-cicd`,
      kubernetesGroups: [groups.cicd, tenantKubernetesGroups.readers],
      adminNamespaces: [],
    },
  };
}

/** The API versions of the custom resources a tenant creates: ExternalSecret, ClusterSecretStore, ServiceMonitor. */
export const tenantApiVersions = {
  externalSecrets: "external-secrets.io/v1",
  serviceMonitor: "monitoring.coreos.com/v1",
} as const;

/** What a tenant's objects rely on: its exporters' ServiceMonitors are found wherever they are, whatever labels. */
export const tenantKubernetesNeeds: TenantKubernetes = {
  tenantsGroup: tenantKubernetesGroups.tenants,
  tenantGroupPrefix: tenantKubernetesGroups.tenantPrefix,
  readersGroup: tenantKubernetesGroups.readers,
  clusterRoles: {
    developer: tenantClusterRoles.developer,
    deployer: tenantClusterRoles.deployer,
    workloads: tenantClusterRoles.workloads,
  },
  apiVersions: { ...tenantApiVersions },
  monitoring: {
    namespace: platformNamespaces.monitoring,
    serviceMonitorSelector: {},
    serviceMonitorNamespaceSelector: {},
  },
};

/** What a host's Kubernetes offers, with its Prometheus' ServiceMonitor selection as its values set it. */
export function hostKubernetesOffer(prometheusSpec: Record<string, unknown>): TenantKubernetes {
  return {
    ...tenantKubernetesNeeds,
    monitoring: {
      namespace: platformNamespaces.monitoring,
      serviceMonitorSelector: (prometheusSpec.serviceMonitorSelector ?? null) as Record<string, unknown>,
      serviceMonitorNamespaceSelector: (prometheusSpec.serviceMonitorNamespaceSelector ?? null) as Record<
        string,
        unknown
      >,
    },
  };
}

/** Every namespace a host's platform uses: its application namespaces and its platform's own. */
export const hostNamespaces = (applicationNamespaces: string[]) => [
  ...new Set([...applicationNamespaces, ...reservedNamespaces]),
];

/** The inputs that shape what tenants run on, as the host's config and code set them (see {@link SharedInfrastructure}). */
export function sharedInfrastructure(args: {
  prefix: string;
  network: { cidr: string; availabilityZones?: string[]; subnets: SubnetLayout };
}): SharedInfrastructure {
  return {
    vpcCidr: args.network.cidr,
    availabilityZones: args.network.availabilityZones ?? [],
    subnets: {
      public: args.network.subnets.public,
      private: args.network.subnets.private,
      database: args.network.subnets.database,
    },
    securityGroups: Object.fromEntries(
      securityGroups.map((group) => [
        group,
        { name: `${args.prefix}-${group}`, description: securityGroupDescriptions[group] },
      ]),
    ),
    clusterName: clusterName(args.prefix),
  };
}
