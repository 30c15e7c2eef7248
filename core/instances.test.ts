import {
  cacheNodes,
  cacheNodeTypes,
  cpuCores,
  databaseInstanceClasses,
  databaseInstances,
  fitsOnNode,
  memoryGiB,
  nodeInstance,
  nodeInstances,
  nodeInstanceTypes,
  EC2_PRICES_AS_OF,
  instanceDataRegions,
  PRICE_REGION,
  PRICE_SOURCE,
} from "./instances";

describe("the instance catalogue", () => {
  it("allows exactly the classes it describes and prices", () => {
    expect(nodeInstanceTypes).toEqual(Object.keys(nodeInstances));
    expect(databaseInstanceClasses).toEqual(Object.keys(databaseInstances));
    expect(cacheNodeTypes).toEqual(Object.keys(cacheNodes));
    for (const entry of [
      ...Object.values(nodeInstances),
      ...Object.values(databaseInstances),
      ...Object.values(cacheNodes),
    ])
      expect(entry.hourlyUsd).toBeGreaterThan(0);
  });

  it("lists current types with their published shape, architecture and us-east-1 on-demand price", () => {
    // Figures from the AWS price list and EC2's instance type pages, as of the data file's date.
    expect(nodeInstance("t3.medium")).toEqual({
      vcpu: 2,
      memoryGiB: 4,
      arch: "amd64",
      category: "t",
      hourlyUsd: 0.0416,
    });
    expect(nodeInstance("t3a.medium")).toEqual({
      vcpu: 2,
      memoryGiB: 4,
      arch: "amd64",
      category: "t",
      hourlyUsd: 0.0376,
    });
    expect(nodeInstance("m8g.large")).toMatchObject({ vcpu: 2, memoryGiB: 8, arch: "arm64", category: "m" });
    expect(nodeInstance("c5.xlarge")).toMatchObject({ vcpu: 4, memoryGiB: 8, hourlyUsd: 0.17 });
    expect(nodeInstance("t3.meduim")).toBeUndefined();
    expect(nodeInstance("constructor")).toBeUndefined();
    expect(Object.keys(nodeInstances).length).toBeGreaterThan(500);
  });

  it("names its source and a date, and holds the region the estimate prices", () => {
    expect(EC2_PRICES_AS_OF).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(PRICE_SOURCE).toMatch(/AWS Price List API/);
    expect(instanceDataRegions).toContain(PRICE_REGION);
  });

  it.each([
    ["3", 3],
    ["3500m", 3.5],
  ])("parses CPU %s", (q, cores) => expect(cpuCores(q)).toBe(cores));
  it.each([
    ["5Gi", 5],
    ["512Mi", 0.5],
  ])("parses memory %s", (q, gib) => expect(memoryGiB(q)).toBe(gib));

  it.each([
    ["c5.xlarge", "3", "5Gi", true],
    ["c5.xlarge", "3500m", "7Gi", true],
    ["c5.xlarge", "4", "5Gi", false],
    ["c5.xlarge", "3", "8Gi", false],
    ["c5.2xlarge", "4", "8Gi", true],
    ["nope.large", "1", "1Gi", false],
  ])("a %s node fits a pod of %s CPU and %s: %s", (type, cpu, memory, fits) =>
    expect(fitsOnNode(type, cpu, memory)).toBe(fits),
  );
});
