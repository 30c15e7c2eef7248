/**
 * Cluster DNS (SPEC E1): CoreDNS as an EKS managed add-on at the pinned version, created once the node groups exist.
 * pulumi-eks (4.3.0, nodejs/eks/cluster/cluster.ts) creates its own CoreDNS add-on only for a cluster with its
 * default node group or Fargate, so with `skipDefaultNodeGroup` the pin would never be applied and the cluster would
 * keep the self-managed CoreDNS EKS bootstraps; this add-on takes it over (OVERWRITE) at the pinned version.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterSettings } from "../../config";
import type { ClusterRef } from "./addon-install";

export interface ClusterDnsArgs {
  /** The cluster it runs on. */
  cluster: ClusterRef;
  /** Managed add-on versions (`cluster.addons`). */
  addons: Pick<ClusterSettings["addons"], "coredns">;
  /** CoreDNS pods need nodes: EKS reports the add-on degraded until they can be scheduled. */
  nodeGroups: pulumi.Resource[];
}

export class ClusterDns extends pulumi.ComponentResource {
  constructor(name: string, args: ClusterDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:cluster:ClusterDns", name, {}, opts);
    new aws.eks.Addon(
      `${name}-coredns`,
      {
        clusterName: args.cluster.name,
        addonName: "coredns",
        addonVersion: args.addons.coredns,
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
        tags: args.cluster.tags,
      },
      { parent: this, dependsOn: args.nodeGroups },
    );
    this.registerOutputs({});
  }
}
