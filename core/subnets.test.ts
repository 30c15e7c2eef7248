import { contains, overlaps, parseCidr, type Cidr } from "./cidr";
import { defaultSubnetLayout, tiers } from "./subnets";

const cidr = (text: string) => parseCidr(text) as Cidr;

describe("defaultSubnetLayout", () => {
  // Pinned: these are the CIDRs of real subnets. A change here replaces subnets in every deployed stack.
  it.each([
    [
      "10.0.0.0/16",
      2,
      {
        private: ["10.0.0.0/19", "10.0.32.0/19"],
        public: ["10.0.128.0/23", "10.0.130.0/23"],
        database: ["10.0.144.0/23", "10.0.146.0/23"],
      },
    ],
    [
      "10.20.0.0/16",
      3,
      {
        private: ["10.20.0.0/19", "10.20.32.0/19", "10.20.64.0/19"],
        public: ["10.20.128.0/23", "10.20.130.0/23", "10.20.132.0/23"],
        database: ["10.20.144.0/23", "10.20.146.0/23", "10.20.148.0/23"],
      },
    ],
    [
      "172.16.0.0/20",
      2,
      {
        private: ["172.16.0.0/23", "172.16.2.0/23"],
        public: ["172.16.8.0/27", "172.16.8.32/27"],
        database: ["172.16.9.0/27", "172.16.9.32/27"],
      },
    ],
  ])("lays out %s over %i AZs", (vpc, azs, expected) => {
    expect(defaultSubnetLayout(vpc, azs)).toEqual(expected);
  });

  it("keeps existing subnets where they are when an AZ is added", () => {
    const two = defaultSubnetLayout("10.0.0.0/16", 2);
    const four = defaultSubnetLayout("10.0.0.0/16", 4);
    for (const tier of tiers) expect(four[tier].slice(0, 2)).toEqual(two[tier]);
  });

  it("never overlaps and stays inside the VPC, for every supported size and AZ count", () => {
    for (let prefix = 16; prefix <= 21; prefix++) {
      for (let azs = 1; azs <= 4; azs++) {
        const vpc = `10.0.0.0/${prefix}`;
        const all = tiers.flatMap((tier) => defaultSubnetLayout(vpc, azs)[tier]).map(cidr);
        expect(all).toHaveLength(3 * azs);
        for (const block of all) expect(contains(cidr(vpc), block)).toBe(true);
        all.forEach((a, i) => all.slice(i + 1).forEach((b) => expect(overlaps(a, b)).toBe(false)));
      }
    }
  });

  it("refuses a VPC too small to divide", () => {
    expect(() => defaultSubnetLayout("10.0.0.0/24", 2)).toThrow(/too small/);
  });
});
