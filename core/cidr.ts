/**
 * IPv4 CIDR arithmetic for validating and laying out the network. Strict: a block must be written with its
 * network address (`10.0.0.0/16`, not `10.0.0.1/16`), because AWS rejects the sloppy form for VPCs and subnets.
 */

export interface Cidr {
  /** The network address as an unsigned 32-bit integer. */
  readonly base: number;
  /** The prefix length, 0–32. */
  readonly prefix: number;
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Number of addresses in a block of the given prefix length. */
export function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** Parses `a.b.c.d/n`; returns an error message instead of throwing so callers can collect every problem. */
export function parseCidr(text: string): Cidr | string {
  const match = IPV4_CIDR.exec(text);
  if (!match) return `"${text}" is not an IPv4 CIDR block (expected a.b.c.d/n)`;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255)) return `"${text}" has an octet above 255`;
  if (prefix > 32) return `"${text}" has a prefix length above 32`;
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  if (base % blockSize(prefix) !== 0) {
    return `"${text}" is not aligned: its network address is ${formatCidr({ base: base - (base % blockSize(prefix)), prefix })}`;
  }
  return { base, prefix };
}

export function formatCidr(cidr: Cidr): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(cidr.base / 2 ** shift) % 256);
  return `${octets.join(".")}/${cidr.prefix}`;
}

/** True when `inner` lies wholly inside `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && inner.base >= outer.base && inner.base < outer.base + blockSize(outer.prefix);
}

/** True when the two blocks share at least one address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return contains(a, b) || contains(b, a);
}

/** The `index`-th sub-block of length `prefix` inside `outer` (like Terraform's `cidrsubnet`). */
export function subBlock(outer: Cidr, prefix: number, index: number): Cidr {
  if (prefix < outer.prefix) throw new Error(`cannot carve a /${prefix} out of a /${outer.prefix}`);
  const count = blockSize(outer.prefix) / blockSize(prefix);
  if (index < 0 || index >= count)
    throw new Error(`a /${outer.prefix} holds ${count} /${prefix} blocks, not ${index + 1}`);
  return { base: outer.base + index * blockSize(prefix), prefix };
}
