/**
 * The EKS control plane (SPEC E1): a private API endpoint (public only for configured CIDRs), KMS envelope
 * encryption of Kubernetes secrets, audit logs into a log group created first (encrypted, with retention), access
 * entries for the three human and CI roles, and the VPC CNI with its own IRSA role and network-policy enforcement.
 * Also the Kubernetes provider every in-cluster resource uses.
 */
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterSettings } from "../../config";
import type { AccountRef } from "../account";
import { movedChild } from "../moved";
import { clusterLogGroupName, clusterName } from "../naming";
import { addonRole, managedAddonVersion, type ClusterRef } from "./addon-install";
import { managedAddonIdentities, managedAddonPolicies } from "./addons";
import { kubernetesGroups } from "./manifests";

export interface ControlPlaneArgs extends Pick<ClusterSettings, "version" | "endpointPublicAccessCidrs" | "addons"> {
  /** Account id, partition and region, for ARNs. */
  account: AccountRef;
  /** Prefix of physical names (`qualisys-dev`); the cluster is named `clusterName(prefix)`. */
  prefix: string;
  /** VPC and subnets: control plane ENIs in the private subnets; the public ones are tagged for the ALB. */
  vpcId: pulumi.Input<string>;
  privateSubnetIds: pulumi.Input<string[]>;
  publicSubnetIds: pulumi.Input<string[]>;
  /** KMS keys: envelope encryption of secrets, and the control-plane log group. */
  eksKeyArn: pulumi.Input<string>;
  logsKeyArn: pulumi.Input<string>;
  /** Retention of the control-plane log group, in days. */
  logRetentionDays: number;
  /**
   * IAM roles mapped to Kubernetes groups by access entries; `devops` is also cluster admin (break-glass), and so
   * is `deploy` when given (Pulumi Deployments on the runner install every Kubernetes object of the program).
   */
  accessRoleArns: {
    devops: pulumi.Input<string>;
    developer: pulumi.Input<string>;
    cicd: pulumi.Input<string>;
    deploy?: pulumi.Input<string>;
  };
  /** Security groups outside the cluster whose members may reach the private API endpoint on 443. Default none. */
  apiClientSecurityGroupIds?: Record<string, pulumi.Input<string>>;
  /** Deletion protection, in AWS and in Pulumi (prod). Default false. */
  protect?: boolean;
  /** The cluster hosts other stacks: Pulumi refuses to replace or delete it (and, by inheritance, its children). */
  sharedWithTenants?: boolean;
  /** The component these resources were declared under before this one existed (keeps their URNs). */
  formerParent?: pulumi.Resource;
}

export class ControlPlane extends pulumi.ComponentResource {
  /** The pulumi-eks cluster (its node groups and add-ons attach to it). */
  public readonly eksCluster: eks.Cluster;
  /** Kubernetes provider for this cluster (from its kubeconfig, a secret). */
  public readonly provider: k8s.Provider;
  /** Kubeconfig (secret); it authenticates with `aws eks get-token`, i.e. the caller's IAM role. */
  public readonly kubeconfig: pulumi.Output<string>;
  /** What add-ons need to know of the cluster (name, OIDC provider for IRSA, tags). */
  public readonly ref: ClusterRef;
  /** The EKS-created cluster security group (control plane ↔ nodes). */
  public readonly clusterSecurityGroupId: pulumi.Output<string>;
  /** The VPC CNI add-on: nodes join only once pod networking is in place. */
  public readonly podNetwork: aws.eks.Addon;

  constructor(name: string, args: ControlPlaneArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:cluster:ControlPlane", name, {}, opts);
    const child = movedChild(this, args.formerParent);
    const cluster = clusterName(args.prefix);
    const tags = { cluster };

    // EKS would create this group itself on first log write: unencrypted and never expiring.
    const logs = new aws.cloudwatch.LogGroup(
      `${name}-control-plane-logs`,
      { name: clusterLogGroupName(args.prefix), retentionInDays: args.logRetentionDays, kmsKeyId: args.logsKeyArn },
      child,
    );

    const publicCidrs = args.endpointPublicAccessCidrs;
    this.eksCluster = new eks.Cluster(
      `${name}-eks`,
      {
        name: cluster,
        version: args.version,
        vpcId: args.vpcId,
        privateSubnetIds: args.privateSubnetIds,
        publicSubnetIds: args.publicSubnetIds,
        nodeAssociatePublicIpAddress: false,
        endpointPrivateAccess: true,
        endpointPublicAccess: publicCidrs.length > 0,
        ...(publicCidrs.length > 0 ? { publicAccessCidrs: publicCidrs } : {}),
        encryptionConfigKeyArn: args.eksKeyArn,
        enabledClusterLogTypes: ["api", "audit", "authenticator"],
        authenticationMode: eks.AuthenticationMode.Api,
        accessEntries: {
          devops: {
            principalArn: args.accessRoleArns.devops,
            kubernetesGroups: [kubernetesGroups.devops],
            // Break-glass: cluster admin even if the RBAC objects are broken or deleted.
            accessPolicies: {
              clusterAdmin: {
                policyArn: `arn:${args.account.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
                accessScope: { type: "cluster" },
              },
            },
          },
          developer: { principalArn: args.accessRoleArns.developer, kubernetesGroups: [kubernetesGroups.developer] },
          cicd: { principalArn: args.accessRoleArns.cicd, kubernetesGroups: [kubernetesGroups.cicd] },
          // The creator's implicit entry belongs to whoever ran the first `pulumi up` (the bootstrap operator);
          // from the hand-off on, the deploy role needs its own. EKS refuses a second entry for the creator's
          // principal (ResourceInUse), so a cluster first created by the deploy role itself must not get this one.
          ...(args.accessRoleArns.deploy
            ? {
                deploy: {
                  principalArn: args.accessRoleArns.deploy,
                  accessPolicies: {
                    clusterAdmin: {
                      policyArn: `arn:${args.account.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
                      accessScope: { type: "cluster" },
                    },
                  },
                },
              }
            : {}),
        },
        skipDefaultNodeGroup: true,
        // Nodes get the EKS-created cluster security group plus the network's node group; no extra groups.
        skipDefaultSecurityGroups: true,
        createOidcProvider: true,
        // vpc-cni is managed below as an EKS add-on with IRSA (its role needs the OIDC provider of this cluster).
        useDefaultVpcCni: true,
        // CoreDNS is a managed add-on of its own, created once nodes exist (./cluster-dns.ts), which adopts the one
        // pulumi-eks created here before.
        corednsAddonOptions: { enabled: false },
        kubeProxyAddonOptions: { version: args.addons.kubeProxy },
        deletionProtection: args.protect ?? false,
        tags,
      },
      { ...child, dependsOn: [logs], protect: args.protect || args.sharedWithTenants },
    );

    this.kubeconfig = pulumi.secret(this.eksCluster.kubeconfigJson);
    this.clusterSecurityGroupId = this.eksCluster.clusterSecurityGroupId;
    for (const [client, groupId] of Object.entries(args.apiClientSecurityGroupIds ?? {})) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-api-from-${client}`,
        {
          securityGroupId: this.clusterSecurityGroupId,
          referencedSecurityGroupId: groupId,
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          description: `Kubernetes API from ${client}`,
        },
        { parent: this },
      );
    }
    this.ref = {
      name: cluster,
      prefix: args.prefix,
      oidcProviderArn: this.eksCluster.oidcProviderArn,
      oidcIssuer: this.eksCluster.oidcIssuer,
      tags,
    };
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: this.kubeconfig, enableServerSideApply: true },
      child,
    );

    const cni = managedAddonIdentities.vpcCni;
    const cniRole = addonRole(
      name,
      this.ref,
      "vpc-cni",
      cni,
      {
        managedPolicyArn: managedAddonPolicies(args.account.partition).vpcCni,
      },
      child,
    );
    this.podNetwork = new aws.eks.Addon(
      `${name}-vpc-cni`,
      {
        clusterName: cluster,
        addonName: cni.addonName,
        addonVersion: managedAddonVersion(cni.addonName, args.addons.vpcCni, args.version, { parent: this }),
        serviceAccountRoleArn: cniRole.arn,
        // NetworkPolicies (SPEC E3) are enforced by the VPC CNI's network policy agent only when this is on.
        configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
        tags,
      },
      { ...child, dependsOn: [this.eksCluster] },
    );

    this.registerOutputs({
      kubeconfig: this.kubeconfig,
      clusterSecurityGroupId: this.clusterSecurityGroupId,
      oidcProviderArn: this.ref.oidcProviderArn,
    });
  }
}
