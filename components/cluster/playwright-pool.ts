/**
 * The Playwright pool (SPEC E2, E3, E6), whole: its tainted node group, the namespace quota and limit range sized
 * from those nodes, and the warm placeholders with their priority class. Everything comes from one
 * {@link PlaywrightPoolSpec} (./playwright.ts), the same spec that built the node group.
 */
import type * as eks from "@pulumi/eks";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { fitsOnNode } from "../../core/instances";
import { manifestResourceName, type Manifest } from "../kubernetes/manifest";
import { declareManifest } from "../kubernetes/declare";
import { movedChild } from "../moved";
import { NodePool, type NodePoolArgs } from "./node-pool";
import {
  placeholderDeployment,
  placeholderPriorityClass,
  playwrightLimitRange,
  playwrightQuota,
  type PlaywrightPoolSpec,
} from "./playwright";

export interface PlaywrightPoolArgs extends Omit<NodePoolArgs, "spec"> {
  /** The pool (from `playwrightPool(config)`). */
  spec: PlaywrightPoolSpec;
  /** Kubernetes provider of the cluster. */
  provider: k8s.Provider;
  /** The `playwright-pool` namespace. */
  namespace: pulumi.Resource;
}

export class PlaywrightPool extends pulumi.ComponentResource {
  /** The tainted managed node group. */
  public readonly nodeGroup: eks.ManagedNodeGroup;
  /** Its auto scaling group. */
  public readonly autoScalingGroupName: pulumi.Output<string>;

  constructor(name: string, args: PlaywrightPoolArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:cluster:PlaywrightPool", name, {}, opts);
    const { spec } = args;
    if (spec.warmPlaceholders > 0 && !fitsOnNode(spec.instanceType, spec.placeholder.cpu, spec.placeholder.memory)) {
      throw new pulumi.ResourceError(
        `a placeholder (${spec.placeholder.cpu} CPU, ${spec.placeholder.memory}) cannot fit on a ${spec.instanceType}`,
        this,
      );
    }
    const pool = new NodePool(`${name}-${spec.name}`, { ...args, spec }, { parent: this });
    this.nodeGroup = pool.nodeGroup;
    this.autoScalingGroupName = pool.autoScalingGroupName;

    const declare = (manifest: Manifest, dependsOn: pulumi.Resource[]) =>
      declareManifest(manifestResourceName(name, manifest), manifest, {
        ...movedChild(this, args.formerParent),
        provider: args.provider,
        dependsOn,
      });
    declare(playwrightQuota(spec), [args.namespace]);
    declare(playwrightLimitRange(spec), [args.namespace]);
    const priorityClass = declare(placeholderPriorityClass(), []);
    declare(placeholderDeployment(spec), [args.namespace, priorityClass, this.nodeGroup]);
    this.registerOutputs({ autoScalingGroupName: this.autoScalingGroupName });
  }
}
