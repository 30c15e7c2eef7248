/**
 * Every stack's record is deploy-ready against the checked-in catalogue: no blocking finding (SPEC V2). Findings
 * are listed in the failure message, so a red run says what to fix.
 */
import { runStack, stacks } from "../offline/run";
import { loadCatalogue } from "./catalogue";
import { checkReadiness, formatReadiness } from "./readiness";

describe.each(stacks)("stack %s", (stack) => {
  it("has no blocking deploy-readiness finding", async () => {
    const run = await runStack(stack);
    expect(run.error).toBeUndefined();
    // A stack on another's platform installs no release: its objects meet the host's cluster and CRDs.
    const readiness = checkReadiness(run.resources, loadCatalogue(), run.host?.resources);
    expect(readiness.counts[run.host ? "customResources" : "releases"]).toBeGreaterThan(0);
    const blocking = readiness.findings.filter((f) => f.severity === "blocking");
    expect(blocking.map((f) => `${f.check}: ${f.resource}: ${f.message}`)).toEqual([]);
    expect(formatReadiness(readiness)).toMatch(/^Deploy readiness: PASS/);
  });
});
