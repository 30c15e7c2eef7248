/** `qualisys:cluster` — EKS and its node pools (SPEC E1–E3, E6). */
import { z } from "zod";
import { kubernetesVersions, nodeInstanceTypes } from "./catalog";
import { cidrBlock, count, oneOf } from "./zod";

const nodePool = (minFloor: number) =>
  z
    .strictObject({
      /** EC2 instance type (must be in config/catalog.ts). */
      instanceType: oneOf(nodeInstanceTypes, "instance type"),
      /** Fewest nodes the autoscaler keeps. */
      minSize: count(minFloor, 100),
      /** Most nodes the autoscaler may add. */
      maxSize: count(1, 100),
      /** Encrypted gp3 root volume size in GiB. Default 50. */
      diskSizeGb: count(20, 1000).default(50),
    })
    .superRefine((pool, ctx) => {
      if (pool.minSize > pool.maxSize) {
        ctx.addIssue({
          code: "custom",
          path: ["minSize"],
          message: `minSize (${pool.minSize}) is greater than maxSize (${pool.maxSize})`,
        });
      }
    });

export const clusterSchema = z
  .strictObject({
    /** Kubernetes minor version. Default 1.35 (in EKS standard support until 2027-03). */
    version: oneOf(kubernetesVersions, "Kubernetes version").default("1.35"),
    /**
     * CIDRs allowed to reach the public API endpoint. Default [] — the public endpoint is off and the API is
     * reachable only inside the VPC (SPEC E1).
     */
    endpointPublicAccessCidrs: z.array(cidrBlock).default([]),
    /**
     * EKS-optimised AMI release for the managed node groups (e.g. 1.35.0-20260115), pinned so a new AWS AMI never
     * replaces nodes unasked (SPEC E2). Its minor must match `version`.
     */
    nodeAmiReleaseVersion: z.string().regex(/^\d+\.\d+\.\d+-\d{8}$/, { error: "must look like 1.35.0-20260115" }),
    /** The general-purpose pool (SPEC E2: t3.medium, 2–10). */
    generalNodes: nodePool(1),
    /** The tainted Playwright pool (SPEC E2: c5.xlarge, 5–20 in prod). It may scale from zero. */
    playwrightNodes: nodePool(0).and(
      z.object({
        /** Low-priority placeholder pods that keep warm capacity on the pool (SPEC E6). Default 0. */
        warmPlaceholders: count(0, 100).default(0),
      }),
    ),
    /** Application namespaces this stack creates (SPEC E3). Default: the one named after the environment. */
    namespaces: z
      .array(z.enum(["dev", "staging", "production"]))
      .min(1)
      .optional(),
  })
  .superRefine((cluster, ctx) => {
    const amiMinor = cluster.nodeAmiReleaseVersion.split(".").slice(0, 2).join(".");
    if (amiMinor !== cluster.version) {
      ctx.addIssue({
        code: "custom",
        path: ["nodeAmiReleaseVersion"],
        message: `is for Kubernetes ${amiMinor} but the cluster version is ${cluster.version}`,
      });
    }
    if (cluster.endpointPublicAccessCidrs.includes("0.0.0.0/0")) {
      ctx.addIssue({
        code: "custom",
        path: ["endpointPublicAccessCidrs"],
        message: "must not open the API to 0.0.0.0/0; list your office or VPN CIDRs, or leave it empty",
      });
    }
    const pool = cluster.playwrightNodes;
    if (pool.warmPlaceholders > pool.maxSize) {
      ctx.addIssue({
        code: "custom",
        path: ["playwrightNodes", "warmPlaceholders"],
        message: `(${pool.warmPlaceholders}) exceeds playwrightNodes.maxSize (${pool.maxSize})`,
      });
    }
  });

export type ClusterConfig = z.infer<typeof clusterSchema>;
