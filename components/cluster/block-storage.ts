/**
 * Persistent volumes (SPEC O1: Prometheus, Alertmanager and Grafana keep their data on EBS): the EBS CSI driver as
 * an EKS managed add-on, with its own IRSA role carrying AWS's managed policy for it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterSettings } from "../../config";
import { movedChild } from "../moved";
import { addonRole, managedAddonVersion, type ClusterRef } from "./addon-install";
import { managedAddonIdentities, managedAddonPolicies } from "./addons";

export interface BlockStorageArgs {
  /** The cluster it runs on. */
  cluster: ClusterRef;
  /** AWS partition of the managed policy. */
  partition: string;
  /** The cluster's Kubernetes minor (what an unpinned add-on version is resolved for). */
  version: string;
  /** Managed add-on versions (`cluster.addons`). */
  addons: ClusterSettings["addons"];
  /** Its controller needs nodes to become active. */
  nodeGroups: pulumi.Resource[];
  /** The component these resources were declared under before this one existed (keeps their URNs). */
  formerParent?: pulumi.Resource;
}

export class BlockStorage extends pulumi.ComponentResource {
  constructor(name: string, args: BlockStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:cluster:BlockStorage", name, {}, opts);
    const child = movedChild(this, args.formerParent);
    const driver = managedAddonIdentities.ebsCsiDriver;
    const role = addonRole(
      name,
      args.cluster,
      "ebs-csi-driver",
      driver,
      {
        managedPolicyArn: managedAddonPolicies(args.partition).ebsCsiDriver,
      },
      child,
    );
    new aws.eks.Addon(
      `${name}-ebs-csi-driver`,
      {
        clusterName: args.cluster.name,
        addonName: driver.addonName,
        addonVersion: managedAddonVersion(driver.addonName, args.addons.ebsCsiDriver, args.version, { parent: this }),
        serviceAccountRoleArn: role.arn,
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
        tags: args.cluster.tags,
      },
      { ...child, dependsOn: args.nodeGroups },
    );
    this.registerOutputs({});
  }
}
