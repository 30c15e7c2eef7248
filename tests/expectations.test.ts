/**
 * The table of tests/expectations.ts against the shipped stack files and the SPEC: the derivation from a parsed
 * config (what every other stack file is held to) gives exactly the hand-written table for the three shipped
 * files, and the table holds the SPEC's per-environment rules. Each record is held to the table by the per-stack
 * tests (tests/stack-checks.ts).
 */
import { shippedStacks } from "../offline/run";
import { derivedExpectations, expectationsOf, parsedConfig, shippedExpectations } from "./expectations";

it.each(shippedStacks)("the table's entry for %s is what that stack file's own config implies", (stack) => {
  expect(derivedExpectations(parsedConfig(stack))).toEqual(shippedExpectations[stack]);
  expect(expectationsOf(stack)).toBe(shippedExpectations[stack]);
});

describe("the shipped stacks, as the table gives them, keep the SPEC's rules", () => {
  const { dev, staging, prod } = shippedExpectations;

  it("prod alone has a NAT gateway per AZ, a standby database, protection and a platform nobody shares (N1, D1)", () => {
    expect([dev.network?.natGateways, prod.network?.natGateways]).toEqual(["Single", "OnePerAz"]);
    expect([dev, staging, prod].map((e) => [e.database.multiAz, e.protect])).toEqual([
      [false, false],
      [false, false],
      [true, true],
    ]);
    expect([dev.host, staging.host, prod.host]).toEqual([undefined, "dev", undefined]);
  });

  it("keeps logs 14 days in dev, 30 in staging and 90 in prod (C2: 30 staging, 90 prod)", () => {
    expect([dev, staging, prod].map((e) => e.logRetentionDays)).toEqual([14, 30, 90]);
  });

  it("gives each platform its own address space", () => {
    expect(dev.network!.cidr).not.toBe(prod.network!.cidr);
  });

  it("sizes prod's pools as the seed asks: t3.medium 2–10, Playwright c5.xlarge 5–20 on demand (E2)", () => {
    expect(prod.pools!.general).toMatchObject({ instanceTypes: ["t3.medium"], minSize: 2, maxSize: 10 });
    expect(prod.pools!.playwright).toMatchObject({
      instanceTypes: ["c5.xlarge"],
      capacityType: "ON_DEMAND",
      minSize: 5,
      maxSize: 20,
    });
  });

  it("runs prod's data tier on the seed's r5.large sizes, PostgreSQL 15 or later, Redis 7 in 2 shards × 1 replica (D1, R1)", () => {
    expect([prod.database.instanceClass, prod.cache.nodeType]).toEqual(["db.r5.large", "cache.r5.large"]);
    for (const e of [dev, staging, prod]) {
      expect(e.database.engineMajor).toBeGreaterThanOrEqual(15);
      expect([e.cache.engine, Number.parseInt(e.cache.engineVersion, 10) >= 7]).toEqual(["redis", true]);
      expect([e.cache.shards, e.cache.replicasPerShard]).toEqual([2, 1]);
    }
  });

  it("budgets dev and staging within the seed's $500 a month together, dev's AWS Budget counting the account (C2)", () => {
    expect(dev.budget.monthlyUsd + staging.budget.monthlyUsd).toBeLessThanOrEqual(500);
    expect(dev.budget.awsBudgetUsd).toBe(500);
    expect(staging.budget.costTag).toBe("staging");
  });
});
