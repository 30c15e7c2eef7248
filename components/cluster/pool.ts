/**
 * A node pool (SPEC E2) as data: its shape, labels and taints, the launch template every pool uses, and the tags
 * that let cluster-autoscaler scale it from zero. The Playwright pool's own spec extends this (./playwright.ts).
 */

import { amiTypeFor, nodeInstance, sameShapeTypes } from "../../core/instances";

/** A Kubernetes taint effect as the kubelet writes it. */
export type TaintEffect = "NoSchedule" | "PreferNoSchedule" | "NoExecute";

export interface Taint {
  key: string;
  value: string;
  effect: TaintEffect;
}

/** EKS's spelling of a taint effect in the node group API. */
export const eksTaintEffect: Record<TaintEffect, "NO_SCHEDULE" | "PREFER_NO_SCHEDULE" | "NO_EXECUTE"> = {
  NoSchedule: "NO_SCHEDULE",
  PreferNoSchedule: "PREFER_NO_SCHEDULE",
  NoExecute: "NO_EXECUTE",
};

/** The node group's `taints` entry for a taint. */
export const eksTaint = (taint: Taint) => ({
  key: taint.key,
  value: taint.value,
  effect: eksTaintEffect[taint.effect],
});

/** The pod toleration that matches exactly this taint. */
export const toleration = (taint: Taint) => ({
  key: taint.key,
  operator: "Equal" as const,
  value: taint.value,
  effect: taint.effect,
});

/**
 * Tags on a node group's auto scaling group that tell cluster-autoscaler what a node of an empty group would look
 * like (labels and taints), so it can scale that group up from zero. Managed node groups do not add these.
 */
export function nodeTemplateTags(labels: Record<string, string>, taints: Taint[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels))
    tags[`k8s.io/cluster-autoscaler/node-template/label/${key}`] = value;
  for (const taint of taints) {
    tags[`k8s.io/cluster-autoscaler/node-template/taint/${taint.key}`] = `${taint.value}:${taint.effect}`;
  }
  return tags;
}

export interface NodePoolSpec {
  /** `general` or `playwright`: part of the node group and launch template names. */
  name: string;
  /** The pool's type: what quotas, placeholders and the estimate size from. */
  instanceType: string;
  /** Every type the node group may launch: `instanceType` alone on demand, all of its shape on Spot. */
  instanceTypes: string[];
  /** EKS's capacity type. */
  capacityType: "ON_DEMAND" | "SPOT";
  /** The AL2023 AMI type of the pool's architecture (every type it launches shares it). */
  amiType: ReturnType<typeof amiTypeFor>;
  minSize: number;
  maxSize: number;
  diskSizeGb: number;
  labels: Record<string, string>;
  taints: Taint[];
}

/** The shape of a pool in config. */
export interface PoolSize {
  instanceType: string;
  minSize: number;
  maxSize: number;
  diskSizeGb: number;
  /** Default onDemand. */
  capacity?: "onDemand" | "spot";
}

/**
 * What the node group launches: on demand, exactly the configured type; on Spot, every catalogue type of the same
 * shape, so EKS's capacity-optimised allocation can pick the pool least likely to be interrupted.
 */
export function poolCapacity(size: PoolSize): Pick<NodePoolSpec, "instanceTypes" | "capacityType" | "amiType"> {
  const amiType = amiTypeFor(nodeInstance(size.instanceType)?.arch ?? "amd64");
  return size.capacity === "spot"
    ? { instanceTypes: sameShapeTypes(size.instanceType), capacityType: "SPOT", amiType }
    : { instanceTypes: [size.instanceType], capacityType: "ON_DEMAND", amiType };
}

/**
 * The node group's name. EKS cannot change a group's capacity type (or instance types) in place, so switching a
 * pool to Spot replaces its group; a Spot group carries its own name so the replacement is created before the old
 * group is deleted (under the same fixed name the create would collide with the group it replaces).
 */
export function nodeGroupName(prefix: string, spec: Pick<NodePoolSpec, "name" | "capacityType">): string {
  return spec.capacityType === "SPOT" ? `${prefix}-${spec.name}-spot` : `${prefix}-${spec.name}`;
}

/** The untainted pool every platform and application pod runs on. */
export function generalPool(config: { generalNodes: PoolSize }): NodePoolSpec {
  const { instanceType, minSize, maxSize, diskSizeGb } = config.generalNodes;
  return {
    name: "general",
    instanceType,
    ...poolCapacity(config.generalNodes),
    minSize,
    maxSize,
    diskSizeGb,
    labels: { pool: "general" },
    taints: [],
  };
}

/**
 * The launch template every pool uses: IMDSv2 only with a hop limit of 1 (pods cannot reach the node's instance
 * credentials; they use IRSA), an encrypted gp3 root volume. The AMI is not set here: EKS picks the pinned
 * `releaseVersion` of the node group.
 */
export function launchTemplateSpec(pool: NodePoolSpec) {
  return {
    metadataOptions: {
      httpEndpoint: "enabled",
      httpTokens: "required",
      httpPutResponseHopLimit: 1,
      instanceMetadataTags: "disabled",
    },
    blockDeviceMappings: [
      {
        deviceName: "/dev/xvda",
        ebs: {
          volumeSize: pool.diskSizeGb,
          volumeType: "gp3",
          encrypted: "true",
          deleteOnTermination: "true",
        },
      },
    ],
  };
}
