/**
 * Cluster DNS (SPEC E1): CoreDNS as an EKS managed add-on at the pinned version, created once the node groups exist.
 * pulumi-eks 4.3.0 (nodejs/eks/cluster/cluster.ts) creates its CoreDNS add-on with the cluster, before any node
 * group, whenever `corednsAddonOptions` is given (its SDK defaults `enabled` to true): the add-on's pods cannot be
 * scheduled until nodes join. Here it is created after the node groups instead, with pulumi-eks's own settings
 * (OVERWRITE on conflicts, `preserve` so that removing the add-on leaves CoreDNS running).
 *
 * Stacks deployed before this component have pulumi-eks's add-on, a child of the eks component. It is the same EKS
 * add-on (`coredns` on the same cluster), so it is adopted by alias, not created again: without the alias Pulumi
 * would create this one first and EKS would refuse it (the cluster already has a `coredns` add-on).
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
  /** The eks component, parent of the add-on pulumi-eks created (same name) on stacks deployed before this one. */
  formerParent: pulumi.Resource;
}

export class ClusterDns extends pulumi.ComponentResource {
  constructor(name: string, args: ClusterDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:cluster:ClusterDns", name, {}, opts);
    // pulumi-eks's name for it (`<eks component>-coredns`), kept so that the alias only moves it.
    const addonName = `${name}-eks-coredns`;
    new aws.eks.Addon(
      addonName,
      {
        clusterName: args.cluster.name,
        addonName: "coredns",
        addonVersion: args.addons.coredns,
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
        preserve: true,
        tags: args.cluster.tags,
      },
      { parent: this, dependsOn: args.nodeGroups, aliases: [{ name: addonName, parent: args.formerParent }] },
    );
    this.registerOutputs({});
  }
}
