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

  it("follows the families' shapes: c is 2 GiB per vCPU, m 4, r 8; sizes double", () => {
    const ratio: Record<string, number> = { c: 2, m: 4, r: 8 };
    for (const [type, node] of Object.entries(nodeInstances)) {
      const family = type[0];
      if (family in ratio) expect([type, node.memoryGiB / node.vcpu]).toEqual([type, ratio[family]]);
    }
    expect(nodeInstance("c5.2xlarge")!.vcpu).toBe(2 * nodeInstance("c5.xlarge")!.vcpu);
    expect(nodeInstance("t3.meduim")).toBeUndefined();
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
