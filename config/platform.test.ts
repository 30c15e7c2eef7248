/** Which stacks a host's `qualisys:tenants` declares, and which stack names can be a tenant's. */
import { declaresTenant, tenantNameProblems, tenantNamespaces } from "./platform";

describe("declaresTenant", () => {
  const dev = ["staging", "dev-*", "review-*"];
  it.each([
    ["staging", true],
    ["dev-alice", true],
    ["review-123", true],
    ["dev", false],
    ["stagingx", false],
    ["xstaging", false],
    ["prod", false],
    ["devx-alice", false],
  ])("dev's list declares %s: %s", (stack, declared) => {
    expect(declaresTenant(dev, stack)).toBe(declared);
  });

  it("treats only * as a wildcard (a dot in a pattern is a dot)", () => {
    expect(declaresTenant(["eu.staging"], "euxstaging")).toBe(false);
    expect(declaresTenant(["eu.staging"], "eu.staging")).toBe(true);
    expect(declaresTenant([], "staging")).toBe(false);
  });
});

describe("tenantNameProblems", () => {
  it("accepts a lowercase stack name of up to 50 characters", () => {
    for (const stack of ["staging", "dev-alice", "review-1", "a".repeat(50)])
      expect(tenantNameProblems(stack)).toEqual([]);
  });

  it("the longest namespace of a 50-character stack is exactly Kubernetes' 63-character limit", () => {
    expect(tenantNamespaces("a".repeat(50)).bootstrap).toHaveLength(63);
  });
});
