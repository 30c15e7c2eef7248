/** `qualisys:cluster` — EKS and its node pools (SPEC E1–E3, E6). */
import { z } from "zod";
import { EC2_PRICES_AS_OF, fitsOnNode, nodeInstance, nodeInstanceTypes } from "../core/instances";
import { broadestPublicPrefix, publicAddressCount, reachesBeyond } from "../core/cidr";
import { utcToday, versionProblem } from "../upstream/eks-calendar";
import { eksCalendar } from "./catalog";
import { chartVersion, cidrBlock, count } from "./zod";

/** An EC2 type the instance data lists (core/instance-types.json); a near miss is suggested. */
const instanceType = z.string().check((ctx) => {
  if (nodeInstance(ctx.value)) return;
  const near = nodeInstanceTypes.filter((t) => t.split(".")[0] === ctx.value.split(".")[0]).slice(0, 8);
  ctx.issues.push({
    code: "custom",
    input: ctx.value,
    message: `unknown EC2 instance type "${ctx.value}" (instance data ${EC2_PRICES_AS_OF}, core/instance-types.json${near.length ? `; that family has ${near.join(", ")}` : ""})`,
  });
});

/** The fields every node pool has. */
const poolShape = (minFloor: number) => ({
  /**
   * EC2 instance type: any type the instance data lists (core/instance-types.json, from the AWS Price List API).
   * Its architecture picks the AMI type (an arm64 type such as m8g.large gets the arm64 AL2023 AMI).
   */
  instanceType,
  /** Fewest nodes the autoscaler keeps. */
  minSize: count(minFloor, 100),
  /** Most nodes the autoscaler may add. */
  maxSize: count(1, 100),
  /** Encrypted gp3 root volume size in GiB. Default 50. */
  diskSizeGb: count(20, 1000).default(50),
  /**
   * `onDemand`, or `spot`: Spot capacity across every catalogue type of `instanceType`'s shape (same vCPUs and
   * memory, core/instances.ts), for interruption-tolerant work such as CI browsers. Default onDemand.
   */
  capacity: z.enum(["onDemand", "spot"]).default("onDemand"),
});

const minNotAboveMax = (pool: { minSize: number; maxSize: number }, ctx: z.RefinementCtx) => {
  if (pool.minSize > pool.maxSize) {
    ctx.addIssue({
      code: "custom",
      path: ["minSize"],
      message: `minSize (${pool.minSize}) is greater than maxSize (${pool.maxSize})`,
    });
  }
};

/** The general pool. Strict, as every object here is, so a misspelt key is an error rather than ignored. */
const generalPool = z.strictObject(poolShape(1)).superRefine(minNotAboveMax);

/** The Playwright pool: the same fields plus its warm placeholders, in one strict object. */
const playwrightPool = z
  .strictObject({
    ...poolShape(0),
    /** Low-priority placeholder pods that keep warm capacity on the pool (SPEC E6). Default 0. */
    warmPlaceholders: count(0, 100).default(0),
  })
  .superRefine(minNotAboveMax);

/** A Kubernetes minor EKS offers today; a YAML number (unquoted 1.30 read as 1.3) is named as such. */
const kubernetesVersion = z
  .string({
    error: (issue) =>
      typeof issue.input === "number"
        ? `unknown Kubernetes version ${issue.input}; a number: YAML reads an unquoted 1.30 as 1.3, so quote versions: "1.30"`
        : 'must be a Kubernetes minor such as "1.35"',
  })
  .check((ctx) => {
    const problem = versionProblem(eksCalendar(), ctx.value, utcToday());
    if (problem) ctx.issues.push({ code: "custom", message: problem, input: ctx.value });
  });

/** An EKS managed add-on version as `aws eks describe-addon-versions` lists it. */
const addonVersion = z.string().regex(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/, { error: "must look like v1.20.4-eksbuild.1" });
/** A Kubernetes CPU quantity (`3`, `3500m`). */
const cpuQuantity = z.string().regex(/^(\d+|\d+m)$/, { error: 'must be a CPU quantity such as "3" or "3500m"' });
/** A Kubernetes memory quantity (`5Gi`, `5120Mi`). */
const memoryQuantity = z
  .string()
  .regex(/^\d+(Mi|Gi)$/, { error: 'must be a memory quantity such as "5Gi" or "5120Mi"' });

const addonsSchema = z.strictObject({
  /**
   * Amazon VPC CNI (network policy enforcement is turned on). Default: none pinned — the version EKS marks as the
   * default for the cluster's Kubernetes minor, resolved by AWS at deploy (no source here lists vpc-cni builds per
   * minor). Pin it (`aws eks describe-addon-versions --addon-name vpc-cni --kubernetes-version <minor>`) to freeze it.
   */
  vpcCni: addonVersion.optional(),
  /**
   * CoreDNS, a managed add-on created once nodes exist. Default v1.14.2-eksbuild.4 (Amazon EKS User Guide,
   * "managing-coredns" latest-version table for 1.35: upstream/sources/eks-addons.json).
   */
  coredns: addonVersion.default("v1.14.2-eksbuild.4"),
  /**
   * kube-proxy; its minor must match the cluster version. Default v1.35.3-eksbuild.13 (Amazon EKS User Guide,
   * "managing-kube-proxy" latest-version table: upstream/sources/eks-addons.json).
   */
  kubeProxy: addonVersion.default("v1.35.3-eksbuild.13"),
  /**
   * Amazon EBS CSI driver (persistent volumes). Default: none pinned — EKS's default version for the cluster's
   * minor, resolved by AWS at deploy, as for `vpcCni`. Pin it to freeze it.
   */
  ebsCsiDriver: addonVersion.optional(),
});

const chartsSchema = z.strictObject({
  /** cluster-autoscaler chart (https://kubernetes.github.io/autoscaler). Default 9.59.0 (autoscaler 1.35.0). */
  clusterAutoscaler: chartVersion.default("9.59.0"),
  /** metrics-server chart (https://kubernetes-sigs.github.io/metrics-server/). Default 3.13.1. */
  metricsServer: chartVersion.default("3.13.1"),
  /**
   * aws-load-balancer-controller chart (https://aws.github.io/eks-charts). Default 3.5.0 (controller v3.5.0): its
   * values keys and CRDs check against the catalogue, and upstream's reference IAM policy is the same as at v2.13.0.
   */
  awsLoadBalancerController: chartVersion.default("3.5.0"),
  /**
   * external-secrets chart (https://charts.external-secrets.io). Default 2.9.0: upstream supports only its newest
   * minor (1.3 reached end of life on 2026-02-06); see docs/readiness.md for the 1.3 → 2.9 upgrade note.
   */
  externalSecrets: chartVersion.default("2.9.0"),
  /** aws-for-fluent-bit chart (https://aws.github.io/eks-charts). Default 0.2.0. */
  fluentBit: chartVersion.default("0.2.0"),
});

const placeholderSchema = z.strictObject({
  /** CPU each placeholder pod requests: most of a node, so one placeholder keeps one node warm. Default 3. */
  cpu: cpuQuantity.default("3"),
  /** Memory each placeholder pod requests. Default 5Gi (a c5.xlarge has 8 GiB, ~6.5 GiB allocatable). */
  memory: memoryQuantity.default("5Gi"),
});

export const clusterSchema = z
  .strictObject({
    /**
     * Kubernetes minor version: one EKS still supports (upstream catalogue's EKS version calendar). Default 1.35
     * (EKS standard support until 2027-03-27). A version past standard support is billed at the extended-support
     * rate, and the preview prices and warns about it.
     */
    version: kubernetesVersion.default("1.35"),
    /**
     * CIDRs allowed to reach the public API endpoint. Default [] — the public endpoint is off and the API is
     * reachable only inside the VPC (SPEC E1).
     */
    endpointPublicAccessCidrs: z.array(cidrBlock).default([]),
    /**
     * Give the `deploy` role its own cluster-admin access entry. Default false: on the bootstrap route the deploy
     * role (Pulumi Deployments on the runner) creates the cluster, so EKS's implicit creator entry already maps it,
     * and EKS refuses a second entry for that principal (ResourceInUse). Set true for a cluster someone else
     * created (e.g. a stack first deployed with `pulumi up` from an administrator's machine).
     */
    deployRoleAccessEntry: z.boolean().default(false),
    /**
     * EKS-optimised AMI release for the managed node groups (e.g. 1.35.6-20260714), pinned so a new AWS AMI never
     * replaces nodes unasked (SPEC E2). Its minor must match `version`.
     */
    nodeAmiReleaseVersion: z.string().regex(/^\d+\.\d+\.\d+-\d{8}$/, { error: "must look like 1.35.6-20260714" }),
    /** The general-purpose pool (SPEC E2: t3.medium, 2–10). */
    generalNodes: generalPool,
    /** The tainted Playwright pool (SPEC E2: c5.xlarge, 5–20 in prod). It may scale from zero. */
    playwrightNodes: playwrightPool,
    /** Size of each placeholder pod on the Playwright pool (SPEC E6). */
    placeholder: placeholderSchema.default(placeholderSchema.parse({})),
    /** EKS managed add-on versions (SPEC E1). Check with `aws eks describe-addon-versions --kubernetes-version`. */
    addons: addonsSchema.default(addonsSchema.parse({})),
    /** Pinned Helm chart versions of the platform add-ons (SPEC E5). */
    charts: chartsSchema.default(chartsSchema.parse({})),
    /**
     * Route 53 public hosted zone of `qualisys:domain`, where the certificate's validation records go (SPEC L1).
     * Required when a domain is set. Default none.
     */
    hostedZoneId: z
      .string()
      .regex(/^Z[A-Z0-9]{4,31}$/, { error: "is not a Route 53 hosted zone id (Z…)" })
      .optional(),
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
    // Judged by what the list covers together, not by its spelling (0.0.0.0/1 + 128.0.0.0/1 is 0.0.0.0/0).
    if (reachesBeyond(cluster.endpointPublicAccessCidrs)) {
      ctx.addIssue({
        code: "custom",
        path: ["endpointPublicAccessCidrs"],
        message: `must not open the API to more public addresses than a /${broadestPublicPrefix} (these cover ${publicAddressCount(cluster.endpointPublicAccessCidrs)} together); list your office or VPN CIDRs, or leave it empty`,
      });
    }
    const proxyMinor = /^v(\d+\.\d+)\./.exec(cluster.addons.kubeProxy)?.[1];
    if (proxyMinor && proxyMinor !== cluster.version) {
      ctx.addIssue({
        code: "custom",
        path: ["addons", "kubeProxy"],
        message: `is for Kubernetes ${proxyMinor} but the cluster version is ${cluster.version}`,
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
    // A placeholder that fits no node stays Pending forever and keeps nothing warm (SPEC E6).
    const { cpu, memory } = cluster.placeholder;
    const node = nodeInstance(pool.instanceType);
    if (pool.warmPlaceholders > 0 && node && !fitsOnNode(pool.instanceType, cpu, memory)) {
      ctx.addIssue({
        code: "custom",
        path: ["placeholder"],
        message: `(${cpu} CPU, ${memory}) does not fit on one ${pool.instanceType} of playwrightNodes (${node.vcpu} vCPU, ${node.memoryGiB} GiB, part of it reserved); request less than that`,
      });
    }
  });

export type ClusterConfig = z.infer<typeof clusterSchema>;
