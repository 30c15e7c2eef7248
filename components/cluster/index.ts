/**
 * The EKS cluster and everything the platform runs on it (SPEC E1–E6, I3, L1, S2), composed from one component per
 * concern: the control plane, the node role and pools (the tainted Playwright pool with its quota and warm
 * placeholders), namespaces and RBAC, persistent volumes, the platform add-ons, the secrets sync and the edge.
 * Each lives in a file named for what it provisions; plans and manifests are pure functions beside them.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterSettings } from "../../config";
import type { AccountRef } from "../account";
import { clusterName, platformNamespaces } from "../naming";
import { AdmissionPolicies } from "./admission";
import { workloadSecretPolicies } from "./admission/secrets";
import { BlockStorage } from "./block-storage";
import { ClusterDns } from "./cluster-dns";
import { ControlPlane } from "./control-plane";
import { Edge } from "./edge";
import { Namespaces } from "./namespaces";
import { NodePool } from "./node-pool";
import { NodeRole } from "./node-role";
import { PlatformAddons } from "./platform-addons";
import { playwrightPool } from "./playwright";
import { PlaywrightPool } from "./playwright-pool";
import { generalPool } from "./pool";
import { Rbac } from "./rbac";
import { SecretsSync } from "./secrets-sync";

export interface ClusterArgs extends ClusterSettings {
  // ── Identity and naming ──────────────────────────────────────────────────────────────────────────────────────
  /** Account id, partition and region, for ARNs in policies. */
  account: AccountRef;
  /** Prefix of physical names (`qualisys-dev`); the cluster is named `clusterName(prefix)`. */
  prefix: string;
  /** Public domain for app/api/grafana; default none (no certificate, no DNS records). */
  domain?: string;
  /** IAM roles mapped to Kubernetes groups by access entries. */
  accessRoleArns: {
    devops: pulumi.Input<string>;
    developer: pulumi.Input<string>;
    cicd: pulumi.Input<string>;
    /** The deploy role (Pulumi Deployments on the runner): cluster admin, it installs everything in the cluster. */
    deploy?: pulumi.Input<string>;
  };
  /** Security groups of clients outside the cluster that reach the private API on 443 (the deployment runner). */
  apiClientSecurityGroupIds?: Record<string, pulumi.Input<string>>;

  // ── Network ──────────────────────────────────────────────────────────────────────────────────────────────────
  /** VPC the cluster runs in. */
  vpcId: pulumi.Input<string>;
  /** VPC CIDR (network policies let pods reach the data tier inside it). */
  vpcCidr: string;
  /** Private subnets: control plane ENIs and nodes. */
  privateSubnetIds: pulumi.Input<string[]>;
  /** Public subnets: the ALB. */
  publicSubnetIds: pulumi.Input<string[]>;
  /** Public subnet CIDRs: where ALB traffic to pods comes from. */
  publicSubnetCidrs: string[];
  /** The network's node security group, added to the general nodes beside the EKS cluster security group. */
  nodeSecurityGroupId: pulumi.Input<string>;
  /**
   * The network's Playwright node security group, added to the Playwright nodes instead of the node group: no data
   * store admits it (the pool runs untrusted browsers).
   */
  playwrightNodeSecurityGroupId: pulumi.Input<string>;
  /** The network's load balancer security group, used by the ALB. */
  loadBalancerSecurityGroupId: pulumi.Input<string>;

  // ── Keys and logs ────────────────────────────────────────────────────────────────────────────────────────────
  /** KMS keys: EKS secrets envelope encryption, CloudWatch Logs, Secrets Manager (read by external-secrets). */
  keyArns: { eks: pulumi.Input<string>; logs: pulumi.Input<string>; secrets: pulumi.Input<string> };
  /** Retention of the control-plane and container log groups, in days. */
  logRetentionDays: number;
  /** Name of the CloudWatch log group Fluent Bit ships container logs to (`/<app>/<stack>/containers`). */
  containerLogGroupName: string;
  /** Deletion protection on the cluster, in AWS and in Pulumi (prod). Default false. */
  protect?: boolean;
  /** The cluster hosts other stacks (`qualisys:tenants`): Pulumi refuses to replace or delete it. Default false. */
  sharedWithTenants?: boolean;
}

export class Cluster extends pulumi.ComponentResource {
  /** Kubernetes provider for this cluster (from its kubeconfig, a secret). */
  public readonly provider: k8s.Provider;
  /** The cluster's name. */
  public readonly name: pulumi.Output<string>;
  /** Kubeconfig (secret); it authenticates with `aws eks get-token`, i.e. the caller's IAM role. */
  public readonly kubeconfig: pulumi.Output<string>;
  /** ARN of the cluster's IAM OIDC provider (IRSA). */
  public readonly oidcProviderArn: pulumi.Output<string>;
  /** OIDC issuer without `https://`, for `serviceAccountTrustPolicy`. */
  public readonly oidcIssuer: pulumi.Output<string>;
  /** The EKS-created cluster security group (control plane ↔ nodes). */
  public readonly clusterSecurityGroupId: pulumi.Output<string>;
  /** IAM role of the managed node groups (ECR repository policies let it pull). */
  public readonly nodeRoleArn: pulumi.Output<string>;
  /** Namespace name → created namespace name, so dependants wait for it. */
  public readonly namespaces: Record<string, pulumi.Output<string>>;
  /** The external-secrets ClusterSecretStore reading `<prefix>/*` from Secrets Manager. */
  public readonly clusterSecretStoreName: pulumi.Output<string>;
  /**
   * Exists once external-secrets and its CRDs do. A component that declares external-secrets kinds passes it to
   * those resources' `dependsOn` (a component's own `dependsOn` does not reach its children).
   */
  public readonly secretsSyncReady: pulumi.Resource;
  /** IngressClass every platform ingress uses. */
  public readonly ingressClassName: pulumi.Output<string>;
  /** Annotations a platform ingress carries (ALB name, WAF, certificate, redirect, subnets, security group). */
  public readonly ingressAnnotations: pulumi.Output<Record<string, string>>;
  /** The WAF web ACL on the ALB. */
  public readonly webAclArn: pulumi.Output<string>;
  /** The ACM certificate for app/api/grafana, when a domain is configured. */
  public readonly certificateArn: pulumi.Output<string | undefined>;
  /** Auto scaling group names of the node groups, by pool. */
  public readonly autoScalingGroupNames: Record<string, pulumi.Output<string>>;
  /** CloudWatch log group of container logs. */
  public readonly containerLogGroupName: pulumi.Output<string>;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:cluster:Cluster", name, {}, opts);
    const { account, prefix } = args;
    // Every resource below was declared directly under this component before it was split up: keep their URNs.
    const parts = { formerParent: this as pulumi.Resource };
    const child = { parent: this };

    const controlPlane = new ControlPlane(
      name,
      {
        ...parts,
        account,
        prefix,
        version: args.version,
        endpointPublicAccessCidrs: args.endpointPublicAccessCidrs,
        addons: args.addons,
        vpcId: args.vpcId,
        privateSubnetIds: args.privateSubnetIds,
        publicSubnetIds: args.publicSubnetIds,
        eksKeyArn: args.keyArns.eks,
        logsKeyArn: args.keyArns.logs,
        logRetentionDays: args.logRetentionDays,
        accessRoleArns: args.accessRoleArns,
        apiClientSecurityGroupIds: args.apiClientSecurityGroupIds,
        protect: args.protect,
        sharedWithTenants: args.sharedWithTenants,
      },
      child,
    );
    const cluster = controlPlane.ref;
    const provider = controlPlane.provider;

    const nodeRole = new NodeRole(
      name,
      { ...parts, account, prefix, clusterName: cluster.name, tags: cluster.tags },
      child,
    );
    const nodes = {
      ...parts,
      prefix,
      eksCluster: controlPlane.eksCluster,
      clusterName: cluster.name,
      tags: cluster.tags,
      version: args.version,
      amiReleaseVersion: args.nodeAmiReleaseVersion,
      nodeRoleArn: nodeRole.arn,
      subnetIds: args.privateSubnetIds,
      dependsOn: [controlPlane.podNetwork],
    };
    const general = new NodePool(
      `${name}-general`,
      {
        ...nodes,
        spec: generalPool(args),
        securityGroupIds: [controlPlane.clusterSecurityGroupId, args.nodeSecurityGroupId],
      },
      child,
    );

    const namespaces = new Namespaces(
      name,
      {
        ...parts,
        provider,
        applicationNamespaces: args.namespaces,
        network: { vpcCidr: args.vpcCidr, loadBalancerCidrs: args.publicSubnetCidrs },
      },
      child,
    );
    new Rbac(
      name,
      {
        ...parts,
        provider,
        applicationNamespaces: args.namespaces,
        namespaces: Object.values(namespaces.resources),
      },
      child,
    );
    // RBAC lets developers and CI create workloads; these limit which Secrets those workloads may reference.
    new AdmissionPolicies(
      name,
      { provider, policies: workloadSecretPolicies(), dependsOn: Object.values(namespaces.resources) },
      child,
    );

    const playwright = new PlaywrightPool(
      name,
      {
        ...nodes,
        spec: playwrightPool(args),
        // Its own group in place of the network's node group (changing a launch template's groups publishes a new
        // template version: the managed node group rolls its nodes onto it, it is not replaced).
        securityGroupIds: [controlPlane.clusterSecurityGroupId, args.playwrightNodeSecurityGroupId],
        provider,
        namespace: namespaces.resources[platformNamespaces.playwright],
      },
      child,
    );
    const nodeGroups = [general.nodeGroup, playwright.nodeGroup];

    new BlockStorage(
      name,
      { ...parts, cluster, partition: account.partition, version: args.version, addons: args.addons, nodeGroups },
      child,
    );
    new ClusterDns(
      name,
      {
        cluster,
        addons: args.addons,
        nodeGroups,
        formerParent: controlPlane.eksCluster,
      },
      child,
    );
    const addons = new PlatformAddons(
      name,
      {
        ...parts,
        account,
        cluster,
        provider,
        charts: args.charts,
        nodeGroups,
        containerLogGroupName: args.containerLogGroupName,
        logRetentionDays: args.logRetentionDays,
        logsKeyArn: args.keyArns.logs,
      },
      child,
    );
    const secretsSync = new SecretsSync(
      name,
      {
        ...parts,
        account,
        prefix,
        cluster,
        provider,
        chartVersion: args.charts.externalSecrets,
        secretsKeyArn: args.keyArns.secrets,
        applicationNamespaces: Object.fromEntries(args.namespaces.map((ns) => [ns, namespaces.resources[ns]])),
        nodeGroups,
      },
      child,
    );
    const edge = new Edge(
      name,
      {
        ...parts,
        account,
        prefix,
        domain: args.domain,
        hostedZoneId: args.hostedZoneId,
        cluster,
        provider,
        nodeGroups,
        chartVersion: args.charts.awsLoadBalancerController,
        vpcId: args.vpcId,
        targetSecurityGroupIds: [controlPlane.clusterSecurityGroupId, args.nodeSecurityGroupId],
        loadBalancerSecurityGroupId: args.loadBalancerSecurityGroupId,
        publicSubnetIds: args.publicSubnetIds,
      },
      child,
    );

    this.provider = provider;
    this.name = pulumi.output(clusterName(prefix));
    this.kubeconfig = controlPlane.kubeconfig;
    this.oidcProviderArn = controlPlane.eksCluster.oidcProviderArn;
    this.oidcIssuer = controlPlane.eksCluster.oidcIssuer;
    this.clusterSecurityGroupId = controlPlane.clusterSecurityGroupId;
    this.nodeRoleArn = nodeRole.arn;
    this.namespaces = namespaces.names;
    this.clusterSecretStoreName = secretsSync.storeName;
    this.secretsSyncReady = secretsSync.ready;
    this.ingressClassName = edge.ingressClassName;
    this.ingressAnnotations = edge.ingressAnnotations;
    this.webAclArn = edge.webAclArn;
    this.certificateArn = edge.certificateArn;
    this.autoScalingGroupNames = { general: general.autoScalingGroupName, playwright: playwright.autoScalingGroupName };
    this.containerLogGroupName = addons.containerLogGroupName;

    this.registerOutputs({
      name: this.name,
      kubeconfig: this.kubeconfig,
      oidcProviderArn: this.oidcProviderArn,
      oidcIssuer: this.oidcIssuer,
      clusterSecurityGroupId: this.clusterSecurityGroupId,
      nodeRoleArn: this.nodeRoleArn,
      namespaces: this.namespaces,
      clusterSecretStoreName: this.clusterSecretStoreName,
      ingressClassName: this.ingressClassName,
      ingressAnnotations: this.ingressAnnotations,
      webAclArn: this.webAclArn,
      certificateArn: this.certificateArn,
      containerLogGroupName: this.containerLogGroupName,
    });
  }
}
