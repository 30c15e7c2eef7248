/**
 * How the pack's policies are declared: each is a pure check of one resource's properties (or of the whole
 * stack) returning the problems it found, wrapped into the runtime's policy shape here, once. The wrapper adds
 * type filtering (the runtime's fast path reads `__pulumiType`), the remediation text to every message, and the
 * policy's config (defaults from its schema are applied by the CLI, and by ./runner in tests).
 */
import type {
  EnforcementLevel,
  PolicyConfigSchema,
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

export interface PolicyMeta {
  name: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  severity: Severity;
  /** What to change, appended to every violation message. */
  remediation: string;
  /** Extra config of this policy (an allow-list, a threshold); `enforcementLevel` is always configurable. */
  configSchema?: PolicyConfigSchema;
}

/** What a resource check sees: the resource's properties (runtime-proxied) and its identity. */
export interface ResourceFacts {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
  /** The `protect` resource option. */
  protect: boolean;
  /** The stack's tags (`pulumi stack tag set`), which the program cannot set. */
  stackTags: ReadonlyMap<string, string>;
}

/**
 * A policy's config after schema defaults: the values are JSON, typed by the policy's own `configSchema`, which
 * the CLI validates before the policy runs.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- shape fixed per policy by its configSchema
export type PolicyConfig = Record<string, any>;

/** A check may be async: the IAM catalogue (./catalogue) is read on demand. */
export type ResourceCheck = (resource: ResourceFacts, config: PolicyConfig) => string[] | Promise<string[]>;
export type StackCheck = (
  resources: PolicyResource[],
  config: PolicyConfig,
  stackTags: ReadonlyMap<string, string>,
) => { resource?: PolicyResource; message: string }[];

function withRemediation(meta: PolicyMeta, message: string) {
  return `${message} Remediation: ${meta.remediation}`;
}

/** A policy over resources of `types` (exact Pulumi type tokens). */
export function resourcePolicy(meta: PolicyMeta & { types: string[]; check: ResourceCheck }): ResourceValidationPolicy {
  const { types, check, ...rest } = meta;
  const validate = (args: ResourceValidationArgs, report: (message: string, urn?: string) => void) => {
    if (!types.includes(args.type)) {
      args.notApplicable(`Policy only applies to resources of type ${types.map((t) => `'${t}'`).join(", ")}`);
      return;
    }
    const facts: ResourceFacts = {
      type: args.type,
      name: args.name,
      urn: args.urn,
      props: args.props,
      protect: args.opts?.protect ?? false,
      stackTags: args.stackTags ?? new Map(),
    };
    const found = check(facts, args.getConfig<PolicyConfig>());
    const reportAll = (messages: string[]) => messages.forEach((m) => report(withRemediation(meta, m)));
    // Synchronous checks stay synchronous; the runtime (and ./runner) await a returned promise.
    if (!Array.isArray(found)) return found.then(reportAll);
    reportAll(found);
    return undefined;
  };
  // The runtime skips a policy without calling it when the attached type differs; only possible for one type.
  if (types.length === 1) (validate as unknown as { __pulumiType: string }).__pulumiType = types[0];
  return {
    ...policyFields(rest),
    validateResource: validate,
  };
}

/** The fields every policy carries, from its metadata (the runtime's names for them). */
function policyFields(meta: PolicyMeta) {
  return {
    name: meta.name,
    description: meta.description,
    enforcementLevel: meta.enforcementLevel,
    severity: meta.severity,
    remediationSteps: meta.remediation,
    configSchema: meta.configSchema,
  };
}

/** A policy over the whole stack (relations between resources: a rule and its group, a bucket and its block). */
export function stackPolicy(meta: PolicyMeta & { check: StackCheck }): StackValidationPolicy {
  const { check, ...rest } = meta;
  return {
    ...policyFields(rest),
    validateStack: (args: StackValidationArgs, report: (message: string, urn?: string) => void) => {
      for (const finding of check(args.resources, args.getConfig<PolicyConfig>(), args.stackTags ?? new Map()))
        report(withRemediation(meta, finding.message), finding.resource?.urn);
    },
  };
}

/** A JSON schema for a list of glob patterns, with its default. */
export function patternList(description: string, defaults: string[]) {
  return { type: "array" as const, items: { type: "string" as const }, default: defaults, description };
}
