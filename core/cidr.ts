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

/**
 * IPv4 ranges no one on the internet can come from (private, shared, loopback, link-local, multicast, reserved).
 * The policy pack keeps its own IPv4/IPv6 copy of this judgement (policy/lib/cidr.ts): it loads standalone and
 * cannot import from here.
 */
const nonPublic = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "224.0.0.0/4",
  "240.0.0.0/4",
].map((c) => parseCidr(c) as Cidr);

/**
 * Every IPv4 address outside `excluded`, as the fewest CIDR blocks. A security group rule allows and cannot except:
 * "anywhere but these ranges" has to be written as the allows that remain.
 */
export function complement(excluded: string[]): string[] {
  const out = excluded.map((text) => {
    const parsed = parseCidr(text);
    if (typeof parsed === "string") throw new Error(parsed);
    return parsed;
  });
  const cover = (block: Cidr): Cidr[] => {
    if (out.some((n) => contains(n, block))) return [];
    if (!out.some((n) => overlaps(n, block))) return [block];
    const half = blockSize(block.prefix + 1);
    return [
      ...cover({ base: block.base, prefix: block.prefix + 1 }),
      ...cover({ base: block.base + half, prefix: block.prefix + 1 }),
    ];
  };
  return cover({ base: 0, prefix: 0 }).map(formatCidr);
}

/** The broadest public reach a CIDR allow-list may have: one /16 of public addresses. */
export const broadestPublicPrefix = 16;

/**
 * How many public IPv4 addresses a list of blocks covers together (overlaps once): `0.0.0.0/1` + `128.0.0.0/1` is
 * the whole internet as surely as `0.0.0.0/0`. Entries that do not parse are ignored (the schema reports them).
 */
export function publicAddressCount(texts: string[]): number {
  const blocks = texts
    .map((t) => parseCidr(t))
    .filter((c): c is Cidr => typeof c !== "string")
    .map((c) => [c.base, c.base + blockSize(c.prefix) - 1] as [number, number])
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [s, e] of blocks) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1] + 1) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  let total = 0;
  for (const [s, e] of merged) {
    total += e - s + 1;
    for (const n of nonPublic) {
      const lo = Math.max(s, n.base);
      const hi = Math.min(e, n.base + blockSize(n.prefix) - 1);
      if (hi >= lo) total -= hi - lo + 1;
    }
  }
  return total;
}

/** True when the blocks together reach more public addresses than one block of `prefix` holds. */
export function reachesBeyond(texts: string[], prefix = broadestPublicPrefix): boolean {
  return publicAddressCount(texts) > blockSize(prefix);
}
