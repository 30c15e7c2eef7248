/**
 * The policy verdict of the offline preview: the policy pack run in process over the record (policy/runner.ts),
 * failing on any mandatory violation. `preview()` takes any `PolicyRunner`, so tests can inject one.
 */
import { runPolicies, type RunOptions } from "../../policy/runner";
import type { RecordedResource } from "../../offline/run";

/** One violation, as the preview prints it. */
export interface Violation {
  /** Policy name. */
  policy: string;
  enforcementLevel: "mandatory" | "advisory";
  /** The offending resource; empty for a stack-level finding without one. */
  urn: string;
  name: string;
  message: string;
}

/** Runs the policy pack over a record. May be async: CrossGuard validations may return promises. */
export type PolicyRunner = (resources: RecordedResource[]) => Violation[] | Promise<Violation[]>;

export interface Verdict {
  violations: Violation[];
  mandatory: number;
  advisory: number;
  passed: boolean;
}

export async function verdict(resources: RecordedResource[], runner: PolicyRunner): Promise<Verdict> {
  const violations = await runner(resources);
  const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
  return { violations, mandatory, advisory: violations.length - mandatory, passed: mandatory === 0 };
}

export function formatVerdict(verdict: Verdict, policyCount?: number): string {
  const header =
    `Policy verdict: ${verdict.passed ? "PASS" : "FAIL"} — ${verdict.mandatory} mandatory, ${verdict.advisory} advisory violation(s)` +
    (policyCount === undefined ? "" : ` from ${policyCount} polic${policyCount === 1 ? "y" : "ies"}`);
  const rows = [...verdict.violations]
    .sort((a, b) => (a.enforcementLevel === b.enforcementLevel ? 0 : a.enforcementLevel === "mandatory" ? -1 : 1))
    .map((v) => `  [${v.enforcementLevel}] ${v.policy}: ${v.name || "(stack)"}: ${v.message}`);
  return [header, ...rows].join("\n");
}

/**
 * The pack's own in-process runner (policy/runner.ts: type matching, config defaults, the unknown-checking proxy,
 * stack policies) as a `PolicyRunner`. `policies` narrows the run to a list (tests), `config` is pack config.
 */
export function packRunner(options: RunOptions = {}): PolicyRunner {
  return async (resources) =>
    (await runPolicies(resources, options)).violations.map((v) => ({
      policy: v.policyName,
      enforcementLevel: v.enforcementLevel,
      urn: v.urn ?? "",
      name: v.resourceName ?? "",
      message: v.message,
    }));
}
