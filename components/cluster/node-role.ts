/**
 * The IAM role every managed node runs as (SPEC E2, I3): worker basics and image pulls only. The VPC CNI's
 * permissions live on its own IRSA role, and every other workload has its own, so a pod that reaches the node's
 * credentials (IMDS is closed to pods: hop limit 1) gains little.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { managedPolicy } from "../iam";
import type { AccountRef } from "../account";
import { movedChild } from "../moved";

export interface NodeRoleArgs {
  account: AccountRef;
  /** Prefix of physical names: the role is `<prefix>-nodes`. */
  prefix: string;
  /** The cluster's name and tags. */
  clusterName: string;
  tags: Record<string, string>;
  /** The component these resources were declared under before this one existed (keeps their URNs). */
  formerParent?: pulumi.Resource;
}

export class NodeRole extends pulumi.ComponentResource {
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: NodeRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:cluster:NodeRole", name, {}, opts);
    const child = movedChild(this, args.formerParent);
    const role = new aws.iam.Role(
      `${name}-nodes`,
      {
        name: `${args.prefix}-nodes`,
        description: `EKS managed node groups of ${args.clusterName}`,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
        tags: args.tags,
      },
      child,
    );
    for (const policy of ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly"]) {
      new aws.iam.RolePolicyAttachment(
        `${name}-nodes-${policy}`,
        { role: role.name, policyArn: managedPolicy(args.account.partition, policy) },
        child,
      );
    }
    this.arn = role.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
