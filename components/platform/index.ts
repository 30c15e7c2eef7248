/**
 * What a stack's environment runs on: its own platform (network, deployment runner, EKS cluster), or another
 * stack's, read through a StackReference (`qualisys:platform`, docs/shared-platform.md). Both
 * give the rest of the program the same {@link Platform}, so the data tier, the bootstrap and the alerting are
 * wired the same way whoever owns the cluster. Wiring only: every resource is declared by a component.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig, SharedPlatform } from "../../config";
import { Cluster } from "../cluster";
import { albIngressGroup } from "../naming";
import { kubePrometheusStackValues } from "../monitoring/values";
import { DeploymentRunner } from "../deployment-runner";
import { arn } from "../iam";
import type { AccountRef } from "../account";
import { repositoryUrl } from "../registry/policy";
import type { Identity } from "../identity";
import type { EncryptionKeys } from "../keys";
import { loadBalancerName } from "../naming";
import type { StoreRef } from "../monitoring/values";
import { Network } from "../network";
import { checkHostChange, hostContractVersion, readPlatformRef, type PlatformRef } from "./contract";
import { HostedEnvironment } from "./hosted";
import { TenantHosting } from "./host";
import { hostKubernetesOffer, hostNamespaces, sharedInfrastructure, tenantKubernetesNeeds } from "./tenancy";

export type { PlatformRef } from "./contract";

/** What the environment's resources need of the platform they run on. */
export interface Platform {
  /** Isolated subnets for the data tier, and the security groups that admit only the nodes (SPEC N2). */
  databaseSubnetIds: pulumi.Input<string[]>;
  securityGroupIds: { database: pulumi.Input<string>; cache: pulumi.Input<string> };
  /** The cluster: Kubernetes provider, IRSA issuer, node role (ECR pulls). */
  provider: k8s.Provider;
  oidcProviderArn: pulumi.Input<string>;
  oidcIssuer: pulumi.Input<string>;
  nodeRoleArn: pulumi.Input<string>;
  /** Exists once external-secrets kinds can be declared (CRDs installed, this stack's store in place). */
  secretsSyncReady: pulumi.Resource;
  /** What in-cluster workloads wait for: the whole cluster (own), or this stack's environment on the host's. */
  ready: pulumi.Resource;
  /** The namespace the database bootstrap runs in: the tenant's own, or none (it creates `db-bootstrap`). */
  bootstrapNamespace?: pulumi.Output<string>;
  /**
   * Where a stack without monitoring of its own runs its data tier's exporters (its namespace and store); the
   * host's Prometheus scrapes them. None for a stack with its own platform (its Monitoring runs them).
   */
  exporters?: { namespace: pulumi.Input<string>; store: StoreRef };
  /** The ALB this stack alarms on; none when the host's ALB serves it. */
  loadBalancerName?: string;
  /** The stack's own cluster (own platform only), where its monitoring runs. */
  cluster?: Cluster;
  /** Stack outputs describing the platform. */
  outputs: Record<string, unknown>;
}

/** What both kinds of platform are wired from. */
export interface PlatformWiring {
  account: AccountRef;
  identity: Identity;
  keys: EncryptionKeys;
  /** CloudWatch log group prefix of the stack (`/qualisys/dev`). */
  logs: string;
}

/** The stack's own network, deployment runner and cluster (unchanged names: their URNs are those deployed). */
export function ownPlatform(config: PlatformConfig, { account, identity, keys, logs }: PlatformWiring): Platform {
  if (config.platform)
    throw new Error(`stack ${config.stack} runs on ${config.platform.stack}'s platform, not its own`);
  const { prefix } = config;
  // While it hosts tenants, what they run on cannot be replaced or deleted: the engine refuses (`protect`, inherited
  // by every child), and `checkHostChange` (in readOwnContract) says why, naming them, before anything is declared.
  const sharedWithTenants = config.tenants.length > 0;
  const network = new Network(
    prefix,
    {
      account,
      prefix,
      ...config.network,
      flowLogGroupName: `${logs}/vpc-flow-logs`,
      logRetentionDays: config.logRetentionDays,
      logsKeyArn: keys.arns.logs,
    },
    { protect: sharedWithTenants },
  );

  const { runnerRole } = identity;
  const eksKeyArn = keys.arns.eks;
  if (!runnerRole || !eksKeyArn) throw new Error("a stack with its own platform needs its runner role and EKS key");
  // Pulumi Deployments run inside the VPC, where the private EKS endpoint is reachable (SPEC P3).
  // Its agent pool and token are the organisation stack's (components/organization/); the runner reads the token.
  const runner = new DeploymentRunner(`${prefix}-runner`, {
    account,
    prefix,
    vpcId: network.vpcId,
    vpcCidr: config.network.cidr,
    privateSubnetIds: network.privateSubnetIds,
    privateSubnetCidrs: config.network.subnets.private,
    runnerRoleName: runnerRole.name,
  });

  const cluster = new Cluster(prefix, {
    ...config.cluster,
    account,
    prefix,
    domain: config.domain,
    vpcId: network.vpcId,
    vpcCidr: config.network.cidr,
    privateSubnetIds: network.privateSubnetIds,
    publicSubnetIds: network.publicSubnetIds,
    publicSubnetCidrs: config.network.subnets.public,
    nodeSecurityGroupId: network.securityGroupIds.nodes,
    playwrightNodeSecurityGroupId: network.securityGroupIds.playwrightNodes,
    loadBalancerSecurityGroupId: network.securityGroupIds.loadBalancer,
    keyArns: { eks: eksKeyArn, logs: keys.arns.logs, secrets: keys.arns.secrets },
    logRetentionDays: config.logRetentionDays,
    containerLogGroupName: `${logs}/containers`,
    accessRoleArns: {
      devops: identity.devopsRoleArn,
      developer: identity.developerRoleArn,
      cicd: identity.cicdRoleArn,
      ...(config.cluster.deployRoleAccessEntry ? { deploy: identity.deployRoleArn } : {}),
    },
    apiClientSecurityGroupIds: { runner: runner.securityGroupId },
    protect: config.protect,
    sharedWithTenants,
  });
  if (sharedWithTenants)
    new TenantHosting(
      `${prefix}-tenants`,
      { provider: cluster.provider, tenants: config.tenants, dependsOn: [cluster] },
      { dependsOn: [cluster] },
    );
  const prometheusSpec = kubePrometheusStackValues({
    settings: config.monitoring,
    loadBalancerName: loadBalancerName(prefix),
    ingressGroup: albIngressGroup(prefix),
  }).prometheus.prometheusSpec as Record<string, unknown>;

  // The contract a stack hosted on this platform reads (components/platform/contract.ts).
  const platformRef: pulumi.Output<PlatformRef> = pulumi.output({
    version: hostContractVersion,
    stack: config.stack,
    tenants: config.tenants,
    region: account.region,
    accountId: account.accountId,
    vpcId: network.vpcId,
    vpcCidr: config.network.cidr,
    databaseSubnetIds: network.databaseSubnetIds,
    loadBalancerCidrs: config.network.subnets.public,
    securityGroupIds: { database: network.securityGroupIds.database, cache: network.securityGroupIds.cache },
    clusterName: cluster.name,
    oidcProviderArn: cluster.oidcProviderArn,
    oidcIssuer: cluster.oidcIssuer,
    nodeRoleArn: cluster.nodeRoleArn,
    namespaces: hostNamespaces(config.cluster.namespaces),
    ingressClassName: cluster.ingressClassName,
    ingressAnnotations: cluster.ingressAnnotations,
    kubernetes: hostKubernetesOffer(prometheusSpec),
    // The registry's repositories by their AWS-defined ARN and URL: tenants pull from them, its CI pushes.
    registry: pulumi.output(account.accountId).apply((accountId) => {
      const a = { ...account, accountId };
      const names = config.registry.repositories;
      return {
        repositoryUrls: Object.fromEntries(names.map((n) => [n, repositoryUrl(a, n)])),
        repositoryArns: names.map((n) => arn(a, "ecr", `repository/${n}`)),
      };
    }),
    shared: sharedInfrastructure(config),
  });

  return {
    databaseSubnetIds: network.databaseSubnetIds,
    securityGroupIds: network.securityGroupIds,
    provider: cluster.provider,
    oidcProviderArn: cluster.oidcProviderArn,
    oidcIssuer: cluster.oidcIssuer,
    nodeRoleArn: cluster.nodeRoleArn,
    secretsSyncReady: cluster.secretsSyncReady,
    ready: cluster,
    loadBalancerName: loadBalancerName(prefix),
    cluster,
    outputs: {
      vpcId: network.vpcId,
      publicSubnetIds: network.publicSubnetIds,
      privateSubnetIds: network.privateSubnetIds,
      databaseSubnetIds: network.databaseSubnetIds,
      securityGroupIds: network.securityGroupIds,
      deploymentRunner: { autoScalingGroupName: runner.autoScalingGroupName, securityGroupId: runner.securityGroupId },
      clusterName: cluster.name,
      kubeconfig: cluster.kubeconfig,
      oidcProviderArn: cluster.oidcProviderArn,
      nodeRoleArn: cluster.nodeRoleArn,
      clusterSecretStoreName: cluster.clusterSecretStoreName,
      ingressClassName: cluster.ingressClassName,
      ingressAnnotations: cluster.ingressAnnotations,
      webAclArn: cluster.webAclArn,
      ...(config.domain ? { certificateArn: cluster.certificateArn } : {}),
      containerLogGroupName: cluster.containerLogGroupName,
      platform: platformRef,
    },
  };
}

/** The host's platform as this stack sees it: its contract and its kubeconfig (a secret). */
export interface Host {
  /** `organization/project/stack`. */
  name: string;
  ref: PlatformRef;
  kubeconfig: pulumi.Output<string>;
}

/**
 * Reads the host's outputs before anything is declared, so a host that is missing, built against another contract
 * version, does not declare this stack, is in another account or region, or uses its namespaces stops the program
 * with one clear message.
 */
export async function readHost(config: PlatformConfig & SharedPlatform): Promise<Host> {
  const name = `${config.identity.pulumiOrganization}/${config.project}/${config.platform.stack}`;
  const reference = new pulumi.StackReference(name);
  const platform = await reference.getOutputDetails("platform");
  const ref = readPlatformRef(platform.value ?? platform.secretValue, {
    stack: config.stack,
    accountId: config.accountId,
    region: config.region,
    host: name,
    kubernetes: tenantKubernetesNeeds,
  });
  const kubeconfig = pulumi.secret(reference.requireOutput("kubeconfig")) as pulumi.Output<string>;
  return { name, ref, kubeconfig };
}

/**
 * A host with tenants reads the contract it last deployed (its own `platform` output) and refuses, before anything
 * is declared, a change to what its tenants run on. A first deploy has no output yet: nothing to compare.
 */
export async function readOwnContract(config: PlatformConfig): Promise<void> {
  if (config.platform) return;
  const name = `${config.identity.pulumiOrganization}/${config.project}/${config.stack}`;
  const deployed = (await new pulumi.StackReference(`${name}-deployed`, { name }).getOutputDetails("platform")) ?? {};
  const value = (deployed.value ?? deployed.secretValue) as { tenants?: unknown } | undefined;
  const before = Array.isArray(value?.tenants) ? (value.tenants as string[]) : [];
  checkHostChange({
    host: config.stack,
    // Tenants removed in the same change still count: remove them in a deploy of their own, after they are gone.
    tenants: [...new Set([...before, ...config.tenants])],
    deployed: value,
    planned: sharedInfrastructure(config),
  });
}

/** This stack's environment on the host's platform: its namespaces, access and secrets sync. */
export function sharedPlatform(
  config: PlatformConfig & SharedPlatform,
  host: Host,
  { account, identity, keys }: PlatformWiring,
): Platform {
  const { prefix } = config;
  const { namespaces } = config.platform;
  if (!identity.permissionsBoundaryArn) throw new Error("a stack on another's platform needs its permissions boundary");
  const environment = new HostedEnvironment(prefix, {
    account,
    stack: config.stack,
    prefix,
    host: host.ref,
    kubeconfig: host.kubeconfig,
    namespaces,
    roleArns: {
      devops: identity.devopsRoleArn,
      developer: identity.developerRoleArn,
      cicd: identity.cicdRoleArn,
      deploy: identity.deployRoleArn,
    },
    secretsKeyArn: keys.arns.secrets,
    permissionsBoundary: identity.permissionsBoundaryArn,
  });
  return {
    databaseSubnetIds: host.ref.databaseSubnetIds,
    securityGroupIds: host.ref.securityGroupIds,
    provider: environment.provider,
    oidcProviderArn: host.ref.oidcProviderArn,
    oidcIssuer: host.ref.oidcIssuer,
    nodeRoleArn: host.ref.nodeRoleArn,
    secretsSyncReady: environment.secretsSyncReady,
    ready: environment,
    exporters: {
      namespace: environment.namespace,
      store: { kind: "ClusterSecretStore", name: environment.secretStoreName },
    },
    bootstrapNamespace: environment.bootstrapNamespace,
    outputs: {
      platformStack: host.name,
      namespace: environment.namespace,
      vpcId: host.ref.vpcId,
      clusterName: host.ref.clusterName,
      ingressClassName: host.ref.ingressClassName,
      ingressAnnotations: host.ref.ingressAnnotations,
    },
  };
}
