/**
 * The subnet layout: which CIDR each tier gets in each availability zone. It is computed here, once, and handed
 * to awsx as explicit `cidrBlocks`, so the layout never depends on awsx's allocation strategy and a provider
 * upgrade cannot re-lay (and so replace) subnets. Slots for up to four AZs are reserved in every tier, so adding
 * an AZ later appends subnets without moving the existing ones.
 *
 * For a /16 VPC:
 *   private  (nodes and pods)  10.0.0.0/19, 10.0.32.0/19, 10.0.64.0/19, 10.0.96.0/19   — half the VPC
 *   public   (load balancers)  10.0.128.0/23, 10.0.130.0/23, …                          — first half of 10.0.128.0/19
 *   database (isolated)        10.0.144.0/23, 10.0.146.0/23, …                          — second half of it
 *   10.0.160.0–10.0.255.255 stays free for future tiers.
 * Private subnets are large because the VPC CNI gives every pod a VPC address.
 */
import { type Cidr, formatCidr, parseCidr, subBlock } from "./cidr";

export const tiers = ["public", "private", "database"] as const;
export type Tier = (typeof tiers)[number];
export type SubnetLayout = Record<Tier, string[]>;

/** AZ slots reserved per tier. */
export const maxAvailabilityZones = 4;
/** Largest VPC prefix the default layout can divide (its smallest subnets are VPC prefix + 7, AWS allows /28). */
export const maxDefaultLayoutPrefix = 21;

/** The default layout for `azCount` zones in `vpcCidr`; throws on input that config validation already rejects. */
export function defaultSubnetLayout(vpcCidr: string, azCount: number): SubnetLayout {
  const vpc = parseCidr(vpcCidr);
  if (typeof vpc === "string") throw new Error(vpc);
  if (vpc.prefix > maxDefaultLayoutPrefix) {
    throw new Error(`a /${vpc.prefix} VPC is too small for the default layout (largest is /${maxDefaultLayoutPrefix})`);
  }
  if (azCount < 1 || azCount > maxAvailabilityZones) throw new Error(`azCount must be 1–${maxAvailabilityZones}`);
  const zones = [...Array(azCount).keys()];
  const eighth = (index: number): Cidr => subBlock(vpc, vpc.prefix + 3, index);
  const edge = eighth(4);
  const carve = (block: (az: number) => Cidr) => zones.map((az) => formatCidr(block(az)));
  return {
    private: carve((az) => eighth(az)),
    public: carve((az) => subBlock(edge, edge.prefix + 4, az)),
    database: carve((az) => subBlock(edge, edge.prefix + 4, 8 + az)),
  };
}
