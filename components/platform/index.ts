/**
 * What a stack's environment runs on: its own platform (network, deployment runner, EKS cluster), or another
 * stack's, read through a StackReference (`qualisys:platform`, docs/shared-platform.md). Both
 * give the rest of the program the same {@link Platform}, so the data tier, the bootstrap and the alerting are
 * wired the same way whoever owns the cluster. Wiring only: every resource is declared by a component.
 */
import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig, SharedPlatform } from "../../config";
import { Cluster } from "../cluster";
import { DeploymentRunner } from "../deployment-runner";
import type { AccountRef } from "../iam";
import type { Identity } from "../identity";
import type { EncryptionKeys } from "../keys";
import { loadBalancerName } from "../naming";
import type { StoreRef } from "../monitoring/values";
import { Network } from "../network";
import { readPlatformRef, type PlatformRef } from "./contract";
import { HostedEnvironment } from "./hosted";

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
  /** The namespace the database bootstrap creates for itself (default `db-bootstrap`). */
  bootstrapNamespace?: string;
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
  const network = new Network(prefix, {
    account,
    prefix,
    ...config.network,
    flowLogGroupName: `${logs}/vpc-flow-logs`,
    logRetentionDays: config.logRetentionDays,
    logsKeyArn: keys.arns.logs,
  });

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
  });

  // The contract a stack hosted on this platform reads (components/platform/contract.ts).
  const platformRef: pulumi.Output<PlatformRef> = pulumi.output({
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
    namespaces: config.cluster.namespaces,
    ingressClassName: cluster.ingressClassName,
    ingressAnnotations: cluster.ingressAnnotations,
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
  /** The application namespace this stack owns there. */
  namespace: string;
}

/**
 * Reads the host's outputs before anything is declared, so a host that is missing, older than this program, in
 * another region or already using this stack's namespace stops the program with one clear message.
 */
export async function readHost(config: PlatformConfig & SharedPlatform): Promise<Host> {
  const name = `${config.identity.pulumiOrganization}/${config.project}/${config.platform.stack}`;
  const reference = new pulumi.StackReference(name);
  const [platform, caller] = await Promise.all([reference.getOutputDetails("platform"), aws.getCallerIdentity({})]);
  const ref = readPlatformRef(platform.value ?? platform.secretValue, {
    stack: config.stack,
    accountId: caller.accountId,
    region: config.region,
    namespace: config.platform.namespace,
    host: name,
  });
  const kubeconfig = pulumi.secret(reference.requireOutput("kubeconfig")) as pulumi.Output<string>;
  return { name, ref, kubeconfig, namespace: config.platform.namespace };
}

/** This stack's environment on the host's platform: its namespace, access and secrets sync. */
export function sharedPlatform(
  config: PlatformConfig,
  host: Host,
  { account, identity, keys }: PlatformWiring,
): Platform {
  const { prefix } = config;
  const { namespace } = host;
  const environment = new HostedEnvironment(prefix, {
    account,
    prefix,
    host: host.ref,
    kubeconfig: host.kubeconfig,
    namespace,
    roleArns: {
      devops: identity.devopsRoleArn,
      developer: identity.developerRoleArn,
      cicd: identity.cicdRoleArn,
      deploy: identity.deployRoleArn,
    },
    secretsKeyArn: keys.arns.secrets,
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
    exporters: { namespace: environment.namespace, store: { kind: "SecretStore", name: environment.secretStoreName } },
    bootstrapNamespace: `${namespace}-db-bootstrap`,
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
