/**
 * One managed node pool (SPEC E2): the launch template (IMDSv2 only, encrypted gp3 root volume), the EKS managed
 * node group at the pinned AMI release, and the auto scaling group tags that let cluster-autoscaler scale an
 * empty pool from zero. The desired size belongs to the autoscaler; `pulumi up` never resets it.
 */
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import { movedChild } from "../moved";
import { eksTaint, launchTemplateSpec, nodeGroupName, nodeTemplateTags, type NodePoolSpec } from "./pool";

export interface NodePoolArgs {
  /** The pool: name, instance type, sizes, disk, labels, taints. */
  spec: NodePoolSpec;
  /** Prefix of physical names (`qualisys-dev`): the group is `<prefix>-<pool>`. */
  prefix: string;
  /** The cluster the nodes join, and its name and tags. */
  eksCluster: eks.Cluster;
  clusterName: string;
  tags: Record<string, string>;
  /** Kubernetes minor and the EKS-optimised AMI release the nodes run (pinned: a new AMI never replaces nodes). */
  version: string;
  amiReleaseVersion: string;
  /** The shared node role. */
  nodeRoleArn: pulumi.Input<string>;
  /** Subnets of the nodes (private). */
  subnetIds: pulumi.Input<string[]>;
  /** Security groups of the pool's nodes: the EKS cluster group and the network's group for the pool. */
  securityGroupIds: pulumi.Input<string>[];
  /** What must exist before nodes join (pod networking). */
  dependsOn: pulumi.Resource[];
  /** The component these resources were declared under before this one existed (keeps their URNs). */
  formerParent?: pulumi.Resource;
}

export class NodePool extends pulumi.ComponentResource {
  /** The managed node group. */
  public readonly nodeGroup: eks.ManagedNodeGroup;
  /** Its auto scaling group. */
  public readonly autoScalingGroupName: pulumi.Output<string>;

  constructor(name: string, args: NodePoolArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:cluster:NodePool", name, {}, opts);
    const child = movedChild(this, args.formerParent);
    const { spec, tags } = args;
    const physical = `${args.prefix}-${spec.name}`;

    const template = new aws.ec2.LaunchTemplate(
      name,
      {
        name: physical,
        description: `${args.clusterName} ${spec.name} nodes: IMDSv2 only, encrypted gp3 root volume`,
        ...launchTemplateSpec(spec),
        vpcSecurityGroupIds: args.securityGroupIds,
        tagSpecifications: [
          { resourceType: "instance", tags: { ...tags, Name: physical } },
          { resourceType: "volume", tags: { ...tags, Name: physical } },
        ],
        updateDefaultVersion: true,
        tags,
      },
      child,
    );
    this.nodeGroup = new eks.ManagedNodeGroup(
      name,
      {
        cluster: args.eksCluster,
        nodeGroupName: nodeGroupName(args.prefix, spec),
        nodeRoleArn: args.nodeRoleArn,
        subnetIds: args.subnetIds,
        instanceTypes: spec.instanceTypes,
        capacityType: spec.capacityType,
        amiType: spec.amiType,
        version: args.version,
        releaseVersion: args.amiReleaseVersion,
        scalingConfig: { minSize: spec.minSize, maxSize: spec.maxSize, desiredSize: spec.minSize },
        // cluster-autoscaler owns the desired size; `pulumi up` must not reset it.
        ignoreScalingChanges: true,
        labels: spec.labels,
        taints: spec.taints.map(eksTaint),
        launchTemplate: { id: template.id, version: template.latestVersion.apply(String) },
        tags,
      },
      { ...child, dependsOn: args.dependsOn },
    );
    this.autoScalingGroupName = this.nodeGroup.nodeGroup
      .apply((group) => group.resources)
      .apply((resources) => resources[0].autoscalingGroups[0].name);
    // Lets cluster-autoscaler build a template node for an empty group, so the pool can scale from zero.
    for (const [key, value] of Object.entries(nodeTemplateTags(spec.labels, spec.taints))) {
      new aws.autoscaling.Tag(
        `${name}-${key.split("/").slice(-2).join("-")}`,
        { autoscalingGroupName: this.autoScalingGroupName, tag: { key, value, propagateAtLaunch: false } },
        child,
      );
    }
    this.registerOutputs({ autoScalingGroupName: this.autoScalingGroupName });
  }
}
