/**
 * What a list of CIDR blocks opens up to, judged by the public addresses it covers rather than by its spelling:
 * `0.0.0.0/1` + `128.0.0.0/1` is the whole internet as surely as `0.0.0.0/0`. IPv4 and IPv6. The pack keeps its
 * own copy (it loads standalone, from its folder alone); core/cidr.ts has the IPv4 check the config needs.
 */

type Range = [bigint, bigint];

interface Family {
  bits: number;
  /** Ranges that are not reachable from the internet (RFC 6890 special-purpose, private, link-local, multicast). */
  nonPublic: string[];
}

const families: Record<4 | 6, Family> = {
  4: {
    bits: 32,
    nonPublic: [
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
    ],
  },
  6: { bits: 128, nonPublic: ["::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8"] },
};

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) + BigInt(p), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-f:]+$/i.test(text) || (text.match(/::/g) ?? []).length > 1) return undefined;
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const groups = (s: string | undefined) => (s ? s.split(":") : []);
  const h = groups(head);
  const t = groups(tail);
  const missing = 8 - h.length - t.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  const all = [...h, ...Array(tail === undefined ? 0 : missing).fill("0"), ...t];
  if (all.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return all.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16)), 0n);
}

/** A CIDR block as its family and its first and last address; undefined when it is not a CIDR block. */
export function parseBlock(text: string): { family: 4 | 6; range: Range } | undefined {
  const [address, prefixText] = text.trim().split("/");
  const family: 4 | 6 = address.includes(":") ? 6 : 4;
  const bits = families[family].bits;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText ?? String(bits)) || prefix > bits) return undefined;
  const base = family === 4 ? parseIpv4(address) : parseIpv6(address);
  if (base === undefined) return undefined;
  const size = 1n << BigInt(bits - prefix);
  const start = base - (base % size);
  return { family, range: [start, start + size - 1n] };
}

function union(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Range[] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1] + 1n) last[1] = last[1] > e ? last[1] : e;
    else out.push([s, e]);
  }
  return out;
}

function overlap(a: Range, b: Range): bigint {
  const s = a[0] > b[0] ? a[0] : b[0];
  const e = a[1] < b[1] ? a[1] : b[1];
  return e >= s ? e - s + 1n : 0n;
}

export interface Exposure {
  /** Public addresses the list covers, per family. */
  publicAddresses: { 4: bigint; 6: bigint };
  /** Entries that are not CIDR blocks (reported, never silently skipped). */
  invalid: string[];
}

/** The public addresses a list of CIDR blocks covers (overlaps counted once). */
export function exposure(cidrs: string[]): Exposure {
  const byFamily: Record<4 | 6, Range[]> = { 4: [], 6: [] };
  const invalid: string[] = [];
  for (const c of cidrs) {
    const block = parseBlock(c);
    if (block) byFamily[block.family].push(block.range);
    else invalid.push(c);
  }
  const count = (family: 4 | 6) => {
    const covered = union(byFamily[family]);
    const hidden = union(families[family].nonPublic.map((c) => parseBlock(c)!.range));
    let total = 0n;
    for (const r of covered) {
      total += r[1] - r[0] + 1n;
      for (const h of hidden) total -= overlap(r, h);
    }
    return total;
  };
  return { publicAddresses: { 4: count(4), 6: count(6) }, invalid };
}

/** The broadest public reach a list may have: as many addresses as one block of this prefix holds. */
export interface BroadestPrefix {
  ipv4: number;
  ipv6: number;
}

/**
 * When the list reaches more public addresses than one block of the broadest allowed prefix, says how far it reaches
 * (as the equivalent prefix: "/1" for half the internet); undefined when it stays within.
 */
export function tooBroad(cidrs: string[], broadest: BroadestPrefix): string | undefined {
  const { publicAddresses } = exposure(cidrs);
  const over = ([4, 6] as const).flatMap((family) => {
    const bits = families[family].bits;
    const limit = 1n << BigInt(bits - (family === 4 ? broadest.ipv4 : broadest.ipv6));
    const n = publicAddresses[family];
    if (n <= limit) return [];
    const equivalent = bits - (n.toString(2).length - 1);
    return [
      `about a /${equivalent} of public IPv${family} space (broadest allowed: /${family === 4 ? broadest.ipv4 : broadest.ipv6})`,
    ];
  });
  return over.length ? over.join(" and ") : undefined;
}

/** The pack config both CIDR-judging policies take. */
export const broadestPrefixConfig = {
  broadestPublicPrefixIpv4: {
    type: "integer" as const,
    default: 16,
    minimum: 0,
    maximum: 32,
    description:
      "The broadest public IPv4 reach (as a prefix length) a CIDR list may have outside the allowed exceptions; lists are judged by the public addresses they cover together.",
  },
  broadestPublicPrefixIpv6: {
    type: "integer" as const,
    default: 48,
    minimum: 0,
    maximum: 128,
    description: "The same for IPv6.",
  },
};
