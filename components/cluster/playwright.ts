/**
 * The Playwright pool as one spec (SPEC E2, E3, E6): the tainted node group's shape, the label and taint that keep
 * everything else off it, the toleration its pods carry, the namespace quota and limits sized from its nodes, and
 * the warm placeholders. Every object below derives from {@link PlaywrightPoolSpec}, so none can drift from the
 * node group that was actually built.
 */
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { ILimitRange } from "kubernetes-models/v1/LimitRange";
import type { IResourceQuota } from "kubernetes-models/v1/ResourceQuota";
import type { IPriorityClass } from "kubernetes-models/scheduling.k8s.io/v1/PriorityClass";
import { nodeInstance, type NodeInstance } from "../../core/instances";
import { typed, type Manifest } from "../kubernetes/manifest";
import { platformNamespaces } from "../naming";
import { poolCapacity, toleration, type NodePoolSpec, type PoolSize, type Taint } from "./pool";

/** Only pods that tolerate this land on the Playwright pool. */
export const playwrightTaint: Taint = { key: "dedicated", value: "playwright", effect: "NoSchedule" };

/** The label Playwright workloads select the pool by. */
export const playwrightLabels: Record<string, string> = { dedicated: "playwright" };

/** The toleration a Playwright runner (and a placeholder) carries. */
export const playwrightToleration = toleration(playwrightTaint);

export const placeholderPriorityClassName = "playwright-placeholder";

export interface PlaywrightPoolSpec extends NodePoolSpec {
  /** What one node of the pool holds. */
  node: NodeInstance;
  /** Placeholder pods that keep nodes warm, one per node. */
  warmPlaceholders: number;
  /** Requests of each placeholder: most of a node (config validates that it fits). */
  placeholder: { cpu: string; memory: string };
}

/** The pool from the validated `cluster` config. */
export function playwrightPool(config: {
  playwrightNodes: PoolSize & { warmPlaceholders: number };
  placeholder: { cpu: string; memory: string };
}): PlaywrightPoolSpec {
  const { instanceType, minSize, maxSize, diskSizeGb, warmPlaceholders } = config.playwrightNodes;
  const node = nodeInstance(instanceType);
  if (!node) throw new Error(`${instanceType} is not in the instance catalogue (core/instances.ts)`);
  return {
    name: "playwright",
    instanceType,
    ...poolCapacity(config.playwrightNodes),
    minSize,
    maxSize,
    diskSizeGb,
    labels: { pool: "playwright", ...playwrightLabels },
    taints: [playwrightTaint],
    node,
    warmPlaceholders,
    placeholder: { cpu: config.placeholder.cpu, memory: config.placeholder.memory },
  };
}

/** Quota of the Playwright namespace: no more than the pool can hold at its maximum size. */
export function playwrightQuota(pool: PlaywrightPoolSpec): Manifest {
  const { node, maxSize } = pool;
  return typed<IResourceQuota>({
    apiVersion: "v1",
    kind: "ResourceQuota",
    metadata: { name: "playwright-pool", namespace: platformNamespaces.playwright },
    spec: {
      hard: {
        "requests.cpu": String(node.vcpu * maxSize),
        "requests.memory": `${node.memoryGiB * maxSize}Gi`,
        "limits.cpu": String(node.vcpu * maxSize * 2),
        "limits.memory": `${node.memoryGiB * maxSize}Gi`,
        pods: String(maxSize * 20),
        "services.loadbalancers": "0",
        "services.nodeports": "0",
      },
    },
  });
}

/** Defaults and ceilings per container in the Playwright namespace, so a runner without requests still fits. */
export function playwrightLimitRange(pool: PlaywrightPoolSpec): Manifest {
  return typed<ILimitRange>({
    apiVersion: "v1",
    kind: "LimitRange",
    metadata: { name: "playwright-pool", namespace: platformNamespaces.playwright },
    spec: {
      limits: [
        {
          type: "Container",
          defaultRequest: { cpu: "500m", memory: "1Gi" },
          default: { cpu: "2", memory: "2Gi" },
          max: { cpu: String(pool.node.vcpu), memory: `${pool.node.memoryGiB}Gi` },
        },
      ],
    },
  });
}

/** Below every real pod (default priority 0), never preempts anything itself (SPEC E6). */
export function placeholderPriorityClass(): Manifest {
  return typed<IPriorityClass>({
    apiVersion: "scheduling.k8s.io/v1",
    kind: "PriorityClass",
    metadata: { name: placeholderPriorityClassName },
    value: -10,
    preemptionPolicy: "Never",
    globalDefault: false,
    description: "Pause pods that keep Playwright nodes warm; any real pod preempts them.",
  });
}

/**
 * Pause pods on the Playwright pool (SPEC E6): each requests most of a node, so `warmPlaceholders` nodes stay up;
 * one per node (anti-affinity). A real runner preempts one, the placeholder goes Pending, and cluster-autoscaler
 * adds a node for it, so warm capacity refills itself.
 */
export function placeholderDeployment(pool: PlaywrightPoolSpec): Manifest {
  const labels = { "app.kubernetes.io/name": "playwright-placeholder" };
  const resources = { ...pool.placeholder };
  return typed<IDeployment>({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "playwright-placeholder", namespace: platformNamespaces.playwright, labels },
    spec: {
      replicas: pool.warmPlaceholders,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          priorityClassName: placeholderPriorityClassName,
          terminationGracePeriodSeconds: 0,
          automountServiceAccountToken: false,
          nodeSelector: { ...playwrightLabels },
          tolerations: [playwrightToleration],
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                { labelSelector: { matchLabels: labels }, topologyKey: "kubernetes.io/hostname" },
              ],
            },
          },
          securityContext: { runAsNonRoot: true, runAsUser: 65535, seccompProfile: { type: "RuntimeDefault" } },
          containers: [
            {
              name: "pause",
              image: "registry.k8s.io/pause:3.10",
              resources: { requests: resources, limits: resources },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
            },
          ],
        },
      },
    },
  });
}
