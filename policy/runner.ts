/**
 * Runs the pack in process over a recorded stack, with the policy runtime's semantics, so tests and the offline
 * preview (`npm start`) get the same verdict `pulumi preview --policy-pack policy` would give:
 *
 * - type matching: a validation function carrying `__pulumiType` (as `validateResourceOfType` and ./lib/define
 *   attach) is skipped for other types; `args.isType`/`asType` compare type tokens; `notApplicable()` skips;
 * - config: each policy's `configSchema` defaults, overridden by the pack config (`"all"` or per policy, a level
 *   string or an object with `enforcementLevel` and properties), the way the CLI merges a `--policy-pack-config`
 *   file; `disabled` policies do not run; `remediate` is reported as mandatory;
 * - unknowns: properties are wrapped in `unknownCheckingProxy` from @pulumi/policy; `"[unknown]"` in the record
 *   becomes the runtime's unknown sentinel, and a policy that reads one is reported at advisory level with the
 *   runtime's "can't run … during preview" message instead of failing the run;
 * - resource policies see a resource's inputs; stack policies see every resource with its outputs (over its
 *   inputs), its parent and its dependencies as resource objects.
 */
import {
  unknownCheckingProxy,
  UnknownValueError,
  type EnforcementLevel,
  type Policy,
  type PolicyResource,
  type ResourceValidationPolicy,
  type StackValidationPolicy,
} from "@pulumi/policy";
import { packName, policies as packPolicies } from "./policies";

export { packName };

// The runtime's sentinel for an unknown string (the same value the engine sends over the wire).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const unknownSentinel: string = require("@pulumi/policy/proxy").unknownStringValue;

/** The record of one resource (offline/record.ts `RecordedResource` satisfies it). */
export interface RecordLike {
  type: string;
  name: string;
  urn: string;
  inputs: Record<string, unknown>;
  /** The provider-assigned id; bridged providers also return it among the outputs, where stack policies read it. */
  id?: string;
  outputs?: Record<string, unknown>;
  dependencies?: string[];
  parent?: string | null;
  /** The explicit provider reference (`<provider urn>::<provider id>`), or null/absent for the default provider. */
  provider?: string | null;
  /** Resource options as registered (the harness records them); only `protect` reaches policies. */
  options?: { protect?: boolean };
}

/** Pack config as a `--policy-pack-config` file holds it. */
export type PackConfig = Record<
  string,
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

export interface Violation {
  policyName: string;
  /** The policy's description (the runtime prints it above the message). */
  description: string;
  /** The level it is reported at: `mandatory` fails a preview, `advisory` is printed. */
  enforcementLevel: "advisory" | "mandatory";
  urn?: string;
  resourceName?: string;
  resourceType?: string;
  message: string;
}

export interface PackResult {
  violations: Violation[];
  mandatory: Violation[];
  advisory: Violation[];
  /** True when no mandatory violation was reported. */
  passed: boolean;
}

export interface RunOptions {
  /** The policies to run; default: the whole pack. */
  policies?: (ResourceValidationPolicy | StackValidationPolicy)[];
  /** Pack config (levels and allow-lists). */
  config?: PackConfig;
  /** Level of policies that declare none (the pack's own level). Default advisory, as the runtime. */
  packEnforcementLevel?: EnforcementLevel;
  /** The stack's tags (`pulumi stack tag`), as the engine hands them to resource policies. */
  stackTags?: Map<string, string>;
}

class NotApplicable extends Error {}
const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

const isResourcePolicy = (p: Policy): p is ResourceValidationPolicy =>
  "validateResource" in p || "remediateResource" in p;
const isStackPolicy = (p: Policy): p is StackValidationPolicy => "validateStack" in p;

/** Replaces the record's `"[unknown]"` marks with the runtime's unknown sentinel. */
function revive(value: unknown): unknown {
  if (value === "[unknown]") return unknownSentinel;
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, revive(v)]));
  return value;
}

function pulumiTypeOf(f: unknown): string | undefined {
  return (f as { __pulumiType?: string } | undefined)?.__pulumiType;
}

const typeMatches = (type: string) => (resourceClass: unknown) => {
  const token = pulumiTypeOf(resourceClass);
  if (token) return token === type;
  const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean })?.isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
};

/** A policy's config: schema defaults, then the pack config's values for it (enforcementLevel removed). */
export function policyConfig(policy: Policy, config: PackConfig = {}): Record<string, unknown> {
  const defaults = Object.fromEntries(
    Object.entries(policy.configSchema?.properties ?? {})
      .filter(([, schema]) => schema.default !== undefined)
      .map(([key, schema]) => [key, schema.default]),
  );
  const entry = config[policy.name];
  const overrides = entry && typeof entry === "object" ? { ...entry } : {};
  delete overrides.enforcementLevel;
  return { ...defaults, ...overrides };
}

/** The level a policy runs at under `config`. */
export function enforcementLevelOf(
  policy: Policy,
  config: PackConfig = {},
  packLevel: EnforcementLevel = "advisory",
): EnforcementLevel {
  const entry = config[policy.name];
  const own = typeof entry === "string" ? entry : entry?.enforcementLevel;
  const all = config.all;
  const allLevel = typeof all === "string" ? all : all?.enforcementLevel;
  return own ?? allLevel ?? policy.enforcementLevel ?? packLevel;
}

const levels: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/**
 * Checks a pack config against the policies' schemas the way the CLI would refuse it: unknown policy names,
 * unknown levels, unknown properties, and values of the wrong JSON type. Returns one message per problem.
 */
export function validatePackConfig(config: PackConfig, policies: Policy[]): string[] {
  const problems: string[] = [];
  const byName = new Map(policies.map((p) => [p.name, p]));
  for (const [name, entry] of Object.entries(config)) {
    const policy = byName.get(name);
    if (!policy && name !== "all") {
      problems.push(`${name}: no such policy`);
      continue;
    }
    const level = typeof entry === "string" ? entry : entry?.enforcementLevel;
    if (level !== undefined && !levels.includes(level))
      problems.push(`${name}.enforcementLevel: "${level}" is not one of ${levels.join(", ")}`);
    if (typeof entry !== "object" || entry === null) continue;
    for (const [key, value] of Object.entries(entry)) {
      if (key === "enforcementLevel") continue;
      const schema = policy?.configSchema?.properties?.[key];
      if (!schema) {
        problems.push(`${name}.${key}: not a property of this policy`);
        continue;
      }
      const want = schema.type;
      const actual = Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value;
      const ok = want === undefined || want === actual || (want === "number" && actual === "integer");
      if (!ok) problems.push(`${name}.${key}: expected ${want}, got ${actual}`);
      else if (
        want === "array" &&
        (schema.items as { type?: string } | undefined)?.type === "string" &&
        (value as unknown[]).some((v) => typeof v !== "string")
      )
        problems.push(`${name}.${key}: expected a list of strings`);
    }
  }
  return problems;
}

/** The pack's version (policy/package.json), as the runtime names it in its messages. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const packVersion: string = require("./package.json").version;

function preview(policyName: string, e: UnknownValueError): string {
  return `can't run policy '${policyName}' from policy pack '${packName}@v${packVersion}' during preview: ${e.message}`;
}

/** Runs `policies` over the recorded resources. */
/** The resource options a policy sees: the record's `protect`, the runtime's defaults for the rest. */
function recordedOptions(record: RecordLike) {
  return {
    protect: record.options?.protect ?? false,
    ignoreChanges: [],
    aliases: [],
    additionalSecretOutputs: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  };
}

export async function runPolicies(records: RecordLike[], options: RunOptions = {}): Promise<PackResult> {
  const policies = options.policies ?? packPolicies;
  const config = options.config ?? {};
  const violations: Violation[] = [];
  const byUrn = new Map(records.map((r) => [r.urn, r]));

  for (const policy of policies) {
    let level = enforcementLevelOf(policy, config, options.packEnforcementLevel);
    if (level === "disabled") continue;
    if (level === "remediate") level = "mandatory";
    const reportedLevel = level as "advisory" | "mandatory";
    const getConfig = <T extends object>() => policyConfig(policy, config) as T;

    if (isResourcePolicy(policy) && policy.validateResource) {
      const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
      for (const record of records) {
        for (const validate of validations) {
          const only = pulumiTypeOf(validate);
          if (only && only !== record.type) continue;
          // A policy of ./lib/define lists its types; any other type would only call notApplicable(), so skip it
          // here without building its arguments (the runtime calls it and discards the result: same verdict).
          const types = (validate as { __pulumiTypes?: string[] }).__pulumiTypes;
          if (types && !types.includes(record.type)) continue;
          const props = unknownCheckingProxy(revive(record.inputs) as Record<string, unknown>);
          const report = (message: string) =>
            violations.push({
              policyName: policy.name,
              description: policy.description,
              enforcementLevel: reportedLevel,
              urn: record.urn,
              resourceName: record.name,
              resourceType: record.type,
              message,
            });
          try {
            await validate(
              {
                type: record.type,
                name: record.name,
                urn: record.urn,
                props,
                opts: recordedOptions(record),
                stackTags: options.stackTags ?? new Map(),
                isType: typeMatches(record.type) as never,
                asType: ((cls: unknown) => (typeMatches(record.type)(cls) ? props : undefined)) as never,
                getConfig,
                notApplicable,
              },
              report,
            );
          } catch (e) {
            if (e instanceof UnknownValueError)
              violations.push({
                policyName: policy.name,
                description: policy.description,
                enforcementLevel: "advisory",
                urn: record.urn,
                resourceName: record.name,
                resourceType: record.type,
                message: preview(policy.name, e),
              });
            else if (!(e instanceof NotApplicable))
              throw new Error(
                `Error validating resource ${record.urn} with policy '${policy.name}': ${(e as Error).message}`,
                { cause: e },
              );
          }
        }
      }
    }

    if (isStackPolicy(policy)) {
      const only = pulumiTypeOf(policy.validateStack);
      if (only && !records.some((r) => r.type === only)) continue;
      const resources = new Map<string, PolicyResource>();
      for (const record of records) {
        const props = unknownCheckingProxy(
          revive({ ...record.inputs, ...(record.id ? { id: record.id } : {}), ...(record.outputs ?? {}) }) as Record<
            string,
            unknown
          >,
        );
        resources.set(record.urn, {
          type: record.type,
          name: record.name,
          urn: record.urn,
          props,
          opts: recordedOptions(record),
          dependencies: [],
          propertyDependencies: {},
          isType: typeMatches(record.type) as never,
          asType: ((cls: unknown) => (typeMatches(record.type)(cls) ? props : undefined)) as never,
        });
      }
      for (const record of records) {
        const resource = resources.get(record.urn)!;
        if (record.parent && resources.has(record.parent)) resource.parent = resources.get(record.parent);
        // As the engine sends it: the explicit provider's type, URN, name and properties.
        const provider = record.provider ? resources.get(record.provider.replace(/::[^:]*$/, "")) : undefined;
        if (provider)
          resource.provider = { type: provider.type, urn: provider.urn, name: provider.name, props: provider.props };
        resource.dependencies = (record.dependencies ?? [])
          .map((d) => resources.get(d))
          .filter((d): d is PolicyResource => !!d);
      }
      const report = (message: string, urn?: string) => {
        const record = urn ? byUrn.get(urn) : undefined;
        violations.push({
          policyName: policy.name,
          description: policy.description,
          enforcementLevel: reportedLevel,
          urn,
          resourceName: record?.name,
          resourceType: record?.type,
          message,
        });
      };
      try {
        await policy.validateStack(
          { resources: [...resources.values()], getConfig, stackTags: options.stackTags ?? new Map(), notApplicable },
          report,
        );
      } catch (e) {
        if (e instanceof UnknownValueError)
          violations.push({
            policyName: policy.name,
            description: policy.description,
            enforcementLevel: "advisory",
            message: preview(policy.name, e),
          });
        else if (!(e instanceof NotApplicable))
          throw new Error(`Error validating the stack with policy '${policy.name}': ${(e as Error).message}`, {
            cause: e,
          });
      }
    }
  }

  const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory");
  return {
    violations,
    mandatory,
    advisory: violations.filter((v) => v.enforcementLevel === "advisory"),
    passed: mandatory.length === 0,
  };
}

/** One line per violation, as a preview prints them. */
export function formatViolations(violations: Violation[]): string {
  return violations
    .map(
      (v) =>
        `[${v.enforcementLevel}] ${v.policyName}${v.resourceName ? ` (${v.resourceType} ${v.resourceName})` : ""}: ${v.message}`,
    )
    .join("\n");
}
