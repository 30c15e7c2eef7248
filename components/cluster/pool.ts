/**
 * The node pools (SPEC E2, E6) as data. The Playwright pool's taint and label are defined once here; the node
 * group, the autoscaler's node-template tags and the placeholder pods all derive from these two values, so they
 * cannot drift apart.
 */

/** A Kubernetes taint effect as the kubelet writes it. */
export type TaintEffect = "NoSchedule" | "PreferNoSchedule" | "NoExecute";

export interface Taint {
  key: string;
  value: string;
  effect: TaintEffect;
}

/** Only pods that tolerate this land on the Playwright pool. */
export const playwrightTaint: Taint = { key: "dedicated", value: "playwright", effect: "NoSchedule" };

/** The label Playwright workloads select the pool by. */
export const playwrightLabels: Record<string, string> = { dedicated: "playwright" };

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

/** vCPUs and GiB of memory of the instance types in config/catalog.ts, for quotas sized to the pool. */
export const instanceCapacity: Record<string, { cpu: number; memoryGiB: number }> = {
  "t3.medium": { cpu: 2, memoryGiB: 4 },
  "t3.large": { cpu: 2, memoryGiB: 8 },
  "t3.xlarge": { cpu: 4, memoryGiB: 16 },
  "t3.2xlarge": { cpu: 8, memoryGiB: 32 },
  "m5.large": { cpu: 2, memoryGiB: 8 },
  "m5.xlarge": { cpu: 4, memoryGiB: 16 },
  "m5.2xlarge": { cpu: 8, memoryGiB: 32 },
  "m6i.large": { cpu: 2, memoryGiB: 8 },
  "m6i.xlarge": { cpu: 4, memoryGiB: 16 },
  "m6i.2xlarge": { cpu: 8, memoryGiB: 32 },
  "m7i.large": { cpu: 2, memoryGiB: 8 },
  "m7i.xlarge": { cpu: 4, memoryGiB: 16 },
  "c5.large": { cpu: 2, memoryGiB: 4 },
  "c5.xlarge": { cpu: 4, memoryGiB: 8 },
  "c5.2xlarge": { cpu: 8, memoryGiB: 16 },
  "c5.4xlarge": { cpu: 16, memoryGiB: 32 },
  "c6i.large": { cpu: 2, memoryGiB: 4 },
  "c6i.xlarge": { cpu: 4, memoryGiB: 8 },
  "c6i.2xlarge": { cpu: 8, memoryGiB: 16 },
  "c7i.xlarge": { cpu: 4, memoryGiB: 8 },
  "r5.large": { cpu: 2, memoryGiB: 16 },
  "r5.xlarge": { cpu: 4, memoryGiB: 32 },
};

/** Parses a CPU quantity ("3", "3500m") to cores. */
export function cpuCores(quantity: string): number {
  return quantity.endsWith("m") ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);
}

/** Parses a memory quantity ("5Gi", "5120Mi") to GiB. */
export function memoryGiB(quantity: string): number {
  return quantity.endsWith("Gi") ? Number(quantity.slice(0, -2)) : Number(quantity.slice(0, -2)) / 1024;
}

export interface NodePoolSpec {
  /** `general` or `playwright`: part of the node group and launch template names. */
  name: string;
  instanceType: string;
  minSize: number;
  maxSize: number;
  diskSizeGb: number;
  labels: Record<string, string>;
  taints: Taint[];
}

/** Both pools, from config. */
export function nodePools(config: {
  generalNodes: { instanceType: string; minSize: number; maxSize: number; diskSizeGb: number };
  playwrightNodes: { instanceType: string; minSize: number; maxSize: number; diskSizeGb: number };
}): NodePoolSpec[] {
  return [
    { name: "general", ...pick(config.generalNodes), labels: { pool: "general" }, taints: [] },
    {
      name: "playwright",
      ...pick(config.playwrightNodes),
      labels: { pool: "playwright", ...playwrightLabels },
      taints: [playwrightTaint],
    },
  ];
}

function pick(pool: { instanceType: string; minSize: number; maxSize: number; diskSizeGb: number }) {
  return { instanceType: pool.instanceType, minSize: pool.minSize, maxSize: pool.maxSize, diskSizeGb: pool.diskSizeGb };
}

/**
 * The launch template both pools use: IMDSv2 only with a hop limit of 1 (pods cannot reach the node's instance
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
