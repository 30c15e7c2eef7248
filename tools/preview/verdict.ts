/**
 * The policy verdict of the offline preview. The policy engine is injected: `preview()` takes any
 * `PolicyRunner`, so the real in-process runner (policy/runner.ts, from the policy-pack issue) replaces
 * `listRunner` by changing one import in preview.ts. The verdict fails on any mandatory violation.
 */
import type {
  EnforcementLevel,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { RecordedResource } from "../../tests/harness";

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

type Policy = ResourceValidationPolicy | StackValidationPolicy;

/**
 * A deliberately small stand-in for the pack's own runner: calls each policy's `validateResource` (or
 * `validateStack`) with the record's inputs as `props`. It honours each policy's enforcement level (default
 * advisory, as in CrossGuard; "disabled" skips it) and hands `getConfig` the schema defaults, but knows nothing of
 * pack-level config or remediation. Replace it
 * with policy/runner.ts once that is merged.
 */
export function listRunner(policies: Policy[]): PolicyRunner {
  return async (resources) => {
    const violations: Violation[] = [];
    const custom = resources.filter((r) => !r.type.startsWith("qualisys:"));
    for (const policy of policies) {
      const level: EnforcementLevel = policy.enforcementLevel ?? "advisory";
      if (level === "disabled") continue;
      const enforcementLevel = level === "mandatory" ? "mandatory" : "advisory";
      const report =
        (fallback?: RecordedResource): ReportViolation =>
        (message, urn) => {
          const target = urn ? custom.find((r) => r.urn === urn) : fallback;
          violations.push({
            policy: policy.name,
            enforcementLevel,
            urn: urn ?? target?.urn ?? "",
            name: target?.name ?? "",
            message,
          });
        };
      // What CrossGuard's getConfig gives a policy when the pack sets no config: its schema's defaults.
      const properties = (policy.configSchema?.properties ?? {}) as Record<string, { default?: unknown }>;
      const config = Object.fromEntries(
        Object.entries(properties)
          .filter(([, schema]) => schema.default !== undefined)
          .map(([key, schema]) => [key, schema.default]),
      );
      const getConfig = () => config;
      const notApplicable = (): never => {
        throw new NotApplicable();
      };
      try {
        if ("validateStack" in policy) {
          const args = {
            resources: custom.map((r) => {
              const isType = (cls: unknown) => (cls as { __pulumiType?: string } | undefined)?.__pulumiType === r.type;
              return {
                type: r.type,
                props: r.inputs,
                urn: r.urn,
                name: r.name,
                isType,
                asType: (cls: unknown) => (isType(cls) ? r.inputs : undefined),
              };
            }),
            notApplicable,
            getConfig,
            stackTags: new Map(),
          } as unknown as StackValidationArgs;
          await policy.validateStack(args, report());
          continue;
        }
        const validations = [policy.validateResource ?? []].flat();
        for (const resource of custom) {
          // validateResourceOfType matches on the class's `__pulumiType` token, which is the record's `type`.
          const isType = (cls: unknown) =>
            (cls as { __pulumiType?: string } | undefined)?.__pulumiType === resource.type;
          const args = {
            type: resource.type,
            props: resource.inputs,
            urn: resource.urn,
            name: resource.name,
            opts: resource.options,
            stackTags: new Map(),
            isType,
            asType: (cls: unknown) => (isType(cls) ? resource.inputs : undefined),
            getConfig,
            notApplicable,
          } as unknown as ResourceValidationArgs;
          for (const validate of validations) {
            try {
              await validate(args, report(resource));
            } catch (error) {
              if (!(error instanceof NotApplicable)) throw error;
            }
          }
        }
      } catch (error) {
        if (!(error instanceof NotApplicable)) throw error;
      }
    }
    return violations;
  };
}

class NotApplicable extends Error {}
