import {
  blockSize,
  complement,
  contains,
  formatCidr,
  overlaps,
  parseCidr,
  publicAddressCount,
  reachesBeyond,
  subBlock,
  type Cidr,
} from "./cidr";
import { exposure } from "../policy/lib/cidr";

const cidr = (text: string) => parseCidr(text) as Cidr;

describe("parseCidr", () => {
  it("round-trips canonical blocks", () => {
    for (const text of ["10.0.0.0/16", "0.0.0.0/0", "192.168.4.128/25", "255.255.255.255/32"]) {
      expect(formatCidr(cidr(text))).toBe(text);
    }
  });

  it.each([
    ["10.0.0.0", /not an IPv4 CIDR/],
    ["10.0.0.0/33", /prefix length above 32/],
    ["10.0.256.0/24", /octet above 255/],
    ["10.0.0.1/16", /not aligned: its network address is 10.0.0.0\/16/],
    ["fd00::/8", /not an IPv4 CIDR/],
    [" 10.0.0.0/16", /not an IPv4 CIDR/],
  ])("rejects %s", (text, message) => {
    expect(parseCidr(text)).toMatch(message);
  });
});

describe("contains / overlaps", () => {
  it("knows nesting and disjointness", () => {
    expect(contains(cidr("10.0.0.0/16"), cidr("10.0.32.0/19"))).toBe(true);
    expect(contains(cidr("10.0.32.0/19"), cidr("10.0.0.0/16"))).toBe(false);
    expect(overlaps(cidr("10.0.32.0/19"), cidr("10.0.0.0/16"))).toBe(true);
    expect(overlaps(cidr("10.0.0.0/24"), cidr("10.0.1.0/24"))).toBe(false);
    expect(contains(cidr("10.0.0.0/16"), cidr("10.1.0.0/24"))).toBe(false);
  });
});

describe("subBlock", () => {
  it("carves like cidrsubnet", () => {
    expect(formatCidr(subBlock(cidr("10.0.0.0/16"), 19, 1))).toBe("10.0.32.0/19");
    expect(formatCidr(subBlock(cidr("10.0.0.0/16"), 24, 255))).toBe("10.0.255.0/24");
    expect(() => subBlock(cidr("10.0.0.0/16"), 24, 256)).toThrow(/holds 256/);
    expect(() => subBlock(cidr("10.0.0.0/16"), 8, 0)).toThrow(/cannot carve/);
  });
});

describe("publicAddressCount / reachesBeyond", () => {
  it("counts what the blocks cover together, not how they are spelt", () => {
    expect(publicAddressCount(["0.0.0.0/0"])).toBe(publicAddressCount(["0.0.0.0/1", "128.0.0.0/1"]));
    expect(reachesBeyond(["0.0.0.0/1", "128.0.0.0/1"])).toBe(true);
    expect(reachesBeyond(["8.0.0.0/17", "8.0.128.0/17", "9.0.0.0/17"])).toBe(true);
  });

  it("does not count private ranges or overlaps twice", () => {
    expect(publicAddressCount(["10.0.0.0/8", "192.168.0.0/16", "172.16.0.0/12"])).toBe(0);
    expect(publicAddressCount(["203.0.113.0/24", "203.0.113.0/25"])).toBe(256);
    expect(reachesBeyond(["203.0.113.0/24", "198.51.100.0/24", "10.0.0.0/8"])).toBe(false);
  });
});

// The policy pack keeps its own copy of this judgement (it loads standalone and cannot import from here); the two
// must agree on every IPv4 list, or config and pack would disagree on what "the internet" is.
describe("the same IPv4 judgement as the policy pack (policy/lib/cidr.ts)", () => {
  it.each([
    [["0.0.0.0/0"]],
    [["0.0.0.0/1", "128.0.0.0/1"]],
    [["10.0.0.0/8", "100.64.0.0/10", "169.254.0.0/16", "224.0.0.0/4"]],
    [["203.0.113.0/24", "203.0.113.0/25", "198.51.100.7/32"]],
    [["8.0.0.0/7", "11.0.0.0/8", "172.0.0.0/8", "192.0.0.0/8"]],
  ])("%j", (list) => {
    expect(publicAddressCount(list)).toBe(Number(exposure(list).publicAddresses[4]));
  });
});

describe("complement", () => {
  it("writes everything but a range as the fewest blocks (a known case)", () => {
    expect(complement(["0.0.0.0/1"])).toEqual(["128.0.0.0/1"]);
    expect(complement(["10.0.0.0/8"])).toEqual([
      "0.0.0.0/5",
      "8.0.0.0/7",
      "11.0.0.0/8",
      "12.0.0.0/6",
      "16.0.0.0/4",
      "32.0.0.0/3",
      "64.0.0.0/2",
      "128.0.0.0/1",
    ]);
  });

  it.each([
    [["10.0.0.0/8", "100.64.0.0/10", "172.16.0.0/12", "192.168.0.0/16"]],
    [["203.0.113.7/32"]],
    [["0.0.0.0/8", "255.255.255.255/32", "128.0.0.0/9"]],
  ])("with %j covers every other address exactly once and none of them", (excluded) => {
    const blocks = complement(excluded).map((c) => parseCidr(c) as Cidr);
    const out = excluded.map((c) => parseCidr(c) as Cidr);
    for (const block of blocks) expect(out.some((o) => overlaps(o, block))).toBe(false);
    for (let i = 0; i < blocks.length; i++)
      for (let j = i + 1; j < blocks.length; j++) expect(overlaps(blocks[i], blocks[j])).toBe(false);
    const size = (list: Cidr[]) => list.reduce((sum, c) => sum + blockSize(c.prefix), 0);
    expect(size(blocks) + size(out)).toBe(2 ** 32);
  });
});
