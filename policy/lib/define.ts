/**
 * How the pack's policies are declared: each is a pure check of one resource's properties (or of the whole
 * stack) returning the problems it found, wrapped into the runtime's policy shape here, once. The wrapper adds
 * type filtering (the runtime's fast path reads `__pulumiType`), the remediation text to every message, and the
 * policy's config (defaults from its schema are applied by the CLI, and by ./runner in tests).
 */
import { UnknownValueError } from "@pulumi/policy";
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
  /**
   * What the policy enforces, per resource type and control, and the published controls it mirrors (checkov check
   * IDs, CIS benchmark items). The coverage table (docs/policy-coverage.md) is generated from these.
   */
  coverage?: Coverage[];
}

/** The five controls of the coverage table. */
export const controls = ["at rest", "in transit", "exposure", "identity", "logging"] as const;
export type Control = (typeof controls)[number];

export interface Coverage {
  control: Control;
  /** Pulumi type tokens the control is enforced on. */
  types: string[];
  /** checkov check IDs (`CKV_AWS_…`, `CKV_K8S_…`) of the same control, as checkov's repository defines them. */
  checkov?: string[];
  /** CIS benchmark items: `aws-5.0:2.1.4` (AWS Foundations v5.0.0), `k8s-2.0.1:5.1.1` (Kubernetes v2.0.1). */
  cis?: string[];
}

const metadata = new WeakMap<object, PolicyMeta>();

/** The metadata a policy was declared with (its coverage among it); undefined for a policy not built here. */
export const metaOf = (policy: object): PolicyMeta | undefined => metadata.get(policy);

/**
 * A finding the policy cannot settle before the update runs (an ARN another resource will produce, an account it
 * cannot place). The policy says so, at advisory level, instead of passing silently: see `cannotDecide`.
 */
export interface Undecided {
  undecided: string;
}
export const undecided = (reason: string): Undecided => ({ undecided: reason });
const isUndecided = (f: string | Undecided): f is Undecided => typeof f !== "string";

// The runtime reports an UnknownValueError thrown by a policy as "can't run policy … during preview: <message>" at
// advisory level, whatever the policy's own level, after the violations it already reported: exactly "cannot
// decide". The constructor's arguments only build the default message, replaced here.
const UnknownError = UnknownValueError as unknown as new (sentinel: unknown, props: string[]) => Error;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const unknownSentinel: string = require("@pulumi/policy/proxy").unknownStringValue;
class CannotDecide extends UnknownError {
  constructor(reasons: string[]) {
    super(unknownSentinel, []);
    this.message = `cannot decide before the update runs: ${reasons.join(" ")}`;
  }
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

/** What a check returns: violations, and findings it cannot decide yet (`undecided(...)`). */
export type Findings = (string | Undecided)[];

/** A check may be async: the IAM catalogue (./catalogue) is read on demand. */
export type ResourceCheck = (resource: ResourceFacts, config: PolicyConfig) => Findings | Promise<Findings>;
export type StackCheck = (
  resources: PolicyResource[],
  config: PolicyConfig,
  stackTags: ReadonlyMap<string, string>,
) => { resource?: PolicyResource; message: string; undecided?: boolean }[];

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
    const reportAll = (findings: Findings) => {
      findings.filter((f) => !isUndecided(f)).forEach((m) => report(withRemediation(meta, m as string)));
      const open = findings.filter(isUndecided).map((f) => f.undecided);
      if (open.length) throw new CannotDecide(open);
    };
    // Synchronous checks stay synchronous; the runtime (and ./runner) await a returned promise.
    if (!Array.isArray(found)) return found.then(reportAll);
    reportAll(found);
    return undefined;
  };
  // The runtime skips a policy without calling it when the attached type differs; only possible for one type.
  if (types.length === 1) (validate as unknown as { __pulumiType: string }).__pulumiType = types[0];
  // Every type, for ./runner's fast path (the runtime ignores the field).
  (validate as unknown as { __pulumiTypes: string[] }).__pulumiTypes = types;
  const policy = {
    ...policyFields(rest),
    validateResource: validate,
  };
  metadata.set(policy, meta);
  return policy;
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
  const policy = {
    ...policyFields(rest),
    validateStack: (args: StackValidationArgs, report: (message: string, urn?: string) => void) => {
      const findings = check(args.resources, args.getConfig<PolicyConfig>(), args.stackTags ?? new Map());
      for (const finding of findings.filter((f) => !f.undecided))
        report(withRemediation(meta, finding.message), finding.resource?.urn);
      const open = findings.filter((f) => f.undecided).map((f) => `${f.resource?.name ?? "the stack"}: ${f.message}`);
      if (open.length) throw new CannotDecide(open);
    },
  };
  metadata.set(policy, meta);
  return policy;
}

/** A JSON schema for a list of glob patterns, with its default. */
export function patternList(description: string, defaults: string[]) {
  return { type: "array" as const, items: { type: "string" as const }, default: defaults, description };
}
