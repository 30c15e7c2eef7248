/**
 * The coverage table (docs/policy-coverage.md) is what the policies' metadata says, and every checkov or CIS ID a
 * policy cites exists in the extract of its source (bridgecrewio/checkov, prowler-cloud/prowler's CIS mappings).
 */
import { existsSync, readFileSync } from "node:fs";
import { controls, metaOf } from "../policy/lib/define";
import { policies } from "../policy/policies";
import { cisTitle, coveragePage, references, renderCoverage } from "./coverage-table";

const cited = policies.flatMap((p) => (metaOf(p)?.coverage ?? []).map((c) => ({ policy: p.name, ...c })));

it("docs/policy-coverage.md is the table the policies' metadata renders (regenerate: node tools/run-ts.js policy-tests/coverage-table.ts)", () => {
  expect(existsSync(coveragePage)).toBe(true);
  expect(readFileSync(coveragePage, "utf8")).toBe(renderCoverage());
});

it("every checkov ID a policy cites is a check in the checkov extract", () => {
  const ids = cited.flatMap((c) => (c.checkov ?? []).map((id) => ({ policy: c.policy, id })));
  expect(ids.length).toBeGreaterThan(50);
  expect(ids.filter(({ id }) => !references.checkov.entries.has(id))).toEqual([]);
});

it("every CIS item a policy cites is an item of the benchmark it names", () => {
  const ids = cited.flatMap((c) => (c.cis ?? []).map((id) => ({ policy: c.policy, id })));
  expect(ids.length).toBeGreaterThan(15);
  expect(ids.filter(({ id }) => cisTitle(id) === undefined)).toEqual([]);
});

it("every coverage entry names a control of the table and at least one type", () => {
  expect(cited.length).toBeGreaterThan(60);
  for (const c of cited) {
    expect(controls).toContain(c.control);
    expect(c.types.length).toBeGreaterThan(0);
  }
});

it("each of the five controls is enforced by at least one mandatory policy", () => {
  for (const control of controls)
    expect(
      policies.filter(
        (p) => p.enforcementLevel === "mandatory" && (metaOf(p)?.coverage ?? []).some((c) => c.control === control),
      ).length,
    ).toBeGreaterThan(0);
});
