/** `qualisys:network` — the VPC (SPEC N1–N3). */
import { z } from "zod";
import { contains, overlaps, parseCidr, type Cidr } from "../core/cidr";
import { count, cidrBlock } from "./zod";
import { maxAvailabilityZones, maxDefaultLayoutPrefix, tiers } from "../core/subnets";

export const networkSchema = z
  .strictObject({
    /** VPC CIDR block. Default 10.0.0.0/16 (SPEC N1). AWS allows /16 to /28. */
    cidr: cidrBlock.default("10.0.0.0/16"),
    /** Availability zones to spread over. Default 2 (SPEC N1). */
    azCount: count(2, maxAvailabilityZones).default(2),
    /**
     * AZ names to use, pinned so a new AZ in the region never changes the layout. Default: the first `azCount`
     * available zones, as AWS lists them.
     */
    availabilityZones: z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, "is not an AZ name")).optional(),
    /** NAT gateways: one per AZ (prod, survives an AZ outage) or a single one (cheaper). Default onePerAz. */
    natGateways: z.enum(["onePerAz", "single"]).default("onePerAz"),
    /**
     * Explicit subnet CIDRs per tier, one per AZ, in AZ order. Default: the layout in
     * core/subnets.ts. Set this only to adopt an existing addressing plan.
     */
    subnets: z
      .strictObject({
        /** The public subnets (load balancer, NAT gateways), one CIDR per AZ. */
        public: z.array(cidrBlock),
        /** The private subnets (nodes and pods), one CIDR per AZ. */
        private: z.array(cidrBlock),
        /** The isolated subnets (database and cache, no route out), one CIDR per AZ. */
        database: z.array(cidrBlock),
      })
      .optional(),
    /** VPC flow log traffic filter. Default ALL. */
    flowLogTrafficType: z.enum(["ALL", "REJECT", "ACCEPT"]).default("ALL"),
  })
  .superRefine((net, ctx) => {
    const vpc = parseCidr(net.cidr) as Cidr;
    if (vpc.prefix < 16 || vpc.prefix > 28) {
      ctx.addIssue({ code: "custom", path: ["cidr"], message: `AWS VPCs must be /16 to /28, not /${vpc.prefix}` });
    }
    if (net.availabilityZones && net.availabilityZones.length !== net.azCount) {
      ctx.addIssue({
        code: "custom",
        path: ["availabilityZones"],
        message: `lists ${net.availabilityZones.length} zones but azCount is ${net.azCount}`,
      });
    }
    if (net.availabilityZones && new Set(net.availabilityZones).size !== net.availabilityZones.length) {
      ctx.addIssue({ code: "custom", path: ["availabilityZones"], message: "lists a zone twice" });
    }
    if (!net.subnets) {
      if (vpc.prefix > maxDefaultLayoutPrefix) {
        ctx.addIssue({
          code: "custom",
          path: ["cidr"],
          message: `a /${vpc.prefix} VPC is too small for the default subnet layout; use /${maxDefaultLayoutPrefix} or larger, or set network.subnets`,
        });
      }
      return;
    }
    const placed: { label: string; text: string; block: Cidr }[] = [];
    for (const tier of tiers) {
      const blocks = net.subnets[tier];
      if (blocks.length !== net.azCount) {
        ctx.addIssue({
          code: "custom",
          path: ["subnets", tier],
          message: `has ${blocks.length} CIDRs but azCount is ${net.azCount} (one per AZ)`,
        });
      }
      blocks.forEach((text, i) => {
        const block = parseCidr(text) as Cidr;
        const path = ["subnets", tier, i];
        if (!contains(vpc, block)) {
          ctx.addIssue({ code: "custom", path, message: `${text} lies outside the VPC ${net.cidr}` });
        }
        if (block.prefix > 28) ctx.addIssue({ code: "custom", path, message: `${text} is smaller than AWS's /28` });
        const clash = placed.find((other) => overlaps(other.block, block));
        if (clash) {
          ctx.addIssue({
            code: "custom",
            path,
            message: `${text} overlaps ${clash.text} (${clash.label})`,
          });
        }
        placed.push({ label: `subnets.${tier}[${i}]`, text, block });
      });
    }
  });

export type NetworkConfig = z.infer<typeof networkSchema>;
