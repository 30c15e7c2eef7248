/**
 * Evaluates a ValidatingAdmissionPolicy and its binding on an admission request the way the API server does
 * (https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/, read 2026-12 from
 * kubernetes/website content/en/docs/reference/access-authn-authz/validating-admission-policy.md): the request
 * must match the policy's resource rules and the binding's namespace selector; then every match condition must be
 * true (one false skips the policy; an error fails it, `failurePolicy: Fail`); then every validation must be true,
 * or the request is denied with the validation's message (its messageExpression when that evaluates). Variables
 * are evaluated lazily, once. The CEL is run by @marcbachmann/cel-js, an independent implementation of the CEL spec.
 *
 * {@link kubernetesCelProblems} lists any function an expression calls that Kubernetes' CEL environment lacks
 * (https://kubernetes.io/docs/reference/using-api/cel/, read 2026-12 from content/en/docs/reference/using-api/cel.md),
 * so a test fails on CEL that would pass here but be rejected by the API server.
 */
import { Environment, parse } from "@marcbachmann/cel-js";
import type { Manifest } from "../../components/kubernetes/manifest";
import { selects } from "./network-policy";

/** An admission request as the policy sees it. */
export interface AdmissionRequest {
  operation: "CREATE" | "UPDATE" | "DELETE" | "CONNECT";
  resource: { group: string; version: string; resource: string };
  subResource?: string;
  userInfo: { username: string; groups: string[] };
  namespace?: string;
  /** The object sent (null for DELETE). */
  object: unknown;
  /** The stored object (UPDATE, DELETE). */
  oldObject?: unknown;
  /** The namespace the object is in (null for cluster-scoped objects). */
  namespaceObject?: {
    metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  };
}

export type Verdict =
  { applies: false } | { applies: true; allowed: true } | { applies: true; allowed: false; messages: string[] };

interface PolicySpec {
  failurePolicy?: "Fail" | "Ignore";
  matchConstraints: {
    resourceRules: { apiGroups: string[]; apiVersions: string[]; operations: string[]; resources: string[] }[];
  };
  matchConditions?: { name: string; expression: string }[];
  variables?: { name: string; expression: string }[];
  validations: { expression: string; message?: string; messageExpression?: string }[];
}
interface BindingSpec {
  policyName: string;
  validationActions: string[];
  matchResources?: { namespaceSelector?: { matchLabels?: Record<string, string> } };
}

const environment = new Environment({ unlistedVariablesAreDyn: true });
const anyOf = (values: string[], value: string) => values.includes("*") || values.includes(value);

/** Whether the policy and binding let `request` through, and why not. */
export function admit(policy: Manifest, binding: Manifest, request: AdmissionRequest): Verdict {
  const spec = policy.spec as PolicySpec;
  const bound = binding.spec as BindingSpec;
  if (bound.policyName !== policy.metadata.name)
    throw new Error(`binding ${binding.metadata.name} binds ${bound.policyName}, not ${policy.metadata.name}`);
  if (!bound.validationActions.includes("Deny")) throw new Error("only Deny bindings are modelled");
  if ((spec.failurePolicy ?? "Fail") !== "Fail") throw new Error("only failurePolicy Fail is modelled");

  const resource = request.resource.resource + (request.subResource ? `/${request.subResource}` : "");
  const ruleMatches = spec.matchConstraints.resourceRules.some(
    (r) =>
      anyOf(r.operations, request.operation) &&
      anyOf(r.apiGroups, request.resource.group) &&
      anyOf(r.apiVersions, request.resource.version) &&
      anyOf(r.resources, resource),
  );
  const selector = bound.matchResources?.namespaceSelector;
  const namespaceMatches =
    !selector ||
    (request.namespaceObject !== undefined && selects(selector, request.namespaceObject.metadata.labels ?? {}));
  if (!ruleMatches || !namespaceMatches) return { applies: false };

  const variables: Record<string, unknown> = {};
  const context = {
    object: request.object,
    oldObject: request.oldObject ?? null,
    request: {
      operation: request.operation,
      resource: request.resource,
      subResource: request.subResource ?? "",
      namespace: request.namespace ?? "",
      userInfo: request.userInfo,
    },
    namespaceObject: request.namespaceObject ?? null,
    params: null,
    variables,
  };
  for (const variable of spec.variables ?? []) {
    let memo: { value?: unknown; error?: unknown } | undefined;
    Object.defineProperty(variables, variable.name, {
      enumerable: true,
      get() {
        if (!memo) {
          try {
            memo = { value: environment.evaluate(variable.expression, context) };
          } catch (error) {
            memo = { error };
          }
        }
        if ("error" in memo) throw memo.error;
        return memo.value;
      },
    });
  }
  const evaluate = (expression: string): { value: unknown } | { error: string } => {
    try {
      return { value: environment.evaluate(expression, context) };
    } catch (error) {
      return { error: String((error as Error).message ?? error) };
    }
  };

  const conditions = (spec.matchConditions ?? []).map((c) => evaluate(c.expression));
  if (conditions.some((c) => "value" in c && c.value === false)) return { applies: false };
  const conditionErrors = conditions.filter((c) => !("value" in c && c.value === true));
  if (conditionErrors.length > 0)
    return {
      applies: true,
      allowed: false,
      messages: conditionErrors.map((c) => `match condition failed: ${JSON.stringify(c)}`),
    };

  const messages = spec.validations.flatMap((v) => {
    const result = evaluate(v.expression);
    if ("value" in result && result.value === true) return [];
    if ("error" in result) return [`expression failed (failurePolicy Fail): ${result.error}`];
    if (result.value !== false) return [`expression returned ${String(result.value)}, not a bool`];
    const built = v.messageExpression ? evaluate(v.messageExpression) : undefined;
    return [built && "value" in built && typeof built.value === "string" ? built.value : (v.message ?? v.expression)];
  });
  return messages.length === 0 ? { applies: true, allowed: true } : { applies: true, allowed: false, messages };
}

/**
 * The functions and macros Kubernetes' CEL environment has, from the CEL page above: the standard macros and
 * functions, the extended strings library (version 1), and the Kubernetes list, regex, URL and authorizer libraries.
 */
export const kubernetesCelFunctions = new Set([
  // Standard macros.
  "has", "all", "exists", "exists_one", "map", "filter",
  // Standard functions (cel-spec langdef, list of standard definitions).
  "size", "int", "uint", "double", "string", "bytes", "bool", "type", "dyn", "duration", "timestamp",
  "matches", "contains", "startsWith", "endsWith",
  "getDate", "getDayOfMonth", "getDayOfWeek", "getDayOfYear", "getFullYear", "getHours", "getMilliseconds",
  "getMinutes", "getMonth", "getSeconds",
  // Extended strings library, version 1.
  "charAt", "indexOf", "lastIndexOf", "lowerAscii", "upperAscii", "replace", "split", "join", "substring", "trim",
  // Kubernetes list, regex and URL libraries.
  "min", "max", "sum", "isSorted", "find", "findAll", "isURL", "url", "getScheme", "getHost", "getHostname",
  "getPort", "getEscapedPath", "getQuery",
]); // prettier-ignore

interface AstNode {
  op: string;
  args: unknown;
}
const isNode = (value: unknown): value is AstNode =>
  typeof value === "object" && value !== null && "op" in value && "args" in value;

/** Every function or macro `expression` calls that is not in {@link kubernetesCelFunctions}, or its parse error. */
export function kubernetesCelProblems(expression: string): string[] {
  let ast: unknown;
  try {
    ast = parse(expression).ast;
  } catch (error) {
    return [`does not parse: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (!isNode(value)) return;
    if ((value.op === "call" || value.op === "rcall") && Array.isArray(value.args)) {
      const name = value.args[0] as string;
      if (!kubernetesCelFunctions.has(name)) problems.push(`calls ${name}, which Kubernetes' CEL does not have`);
    }
    walk(value.args);
  };
  walk(ast);
  return problems;
}

/** Every CEL expression of a policy (match conditions, variables, validations, message expressions). */
export function policyExpressions(policy: Manifest): string[] {
  const spec = policy.spec as PolicySpec;
  return [
    ...(spec.matchConditions ?? []).map((c) => c.expression),
    ...(spec.variables ?? []).map((v) => v.expression),
    ...spec.validations.flatMap((v) => [v.expression, ...(v.messageExpression ? [v.messageExpression] : [])]),
  ];
}

/** The workload kinds that carry a pod spec: their API group, resource, and where the pod spec sits. */
export const podSpecKinds: Record<
  string,
  { group: string; version: string; resource: string; wrap: (spec: object) => Record<string, unknown> }
> = {
  Pod: { group: "", version: "v1", resource: "pods", wrap: (spec) => ({ spec }) },
  ReplicationController: {
    group: "",
    version: "v1",
    resource: "replicationcontrollers",
    wrap: (spec) => ({ spec: { template: { spec } } }),
  },
  Deployment: {
    group: "apps",
    version: "v1",
    resource: "deployments",
    wrap: (spec) => ({ spec: { selector: {}, template: { spec } } }),
  },
  StatefulSet: {
    group: "apps",
    version: "v1",
    resource: "statefulsets",
    wrap: (spec) => ({ spec: { selector: {}, template: { spec } } }),
  },
  DaemonSet: {
    group: "apps",
    version: "v1",
    resource: "daemonsets",
    wrap: (spec) => ({ spec: { selector: {}, template: { spec } } }),
  },
  ReplicaSet: {
    group: "apps",
    version: "v1",
    resource: "replicasets",
    wrap: (spec) => ({ spec: { selector: {}, template: { spec } } }),
  },
  Job: { group: "batch", version: "v1", resource: "jobs", wrap: (spec) => ({ spec: { template: { spec } } }) },
  CronJob: {
    group: "batch",
    version: "v1",
    resource: "cronjobs",
    wrap: (spec) => ({ spec: { schedule: "@daily", jobTemplate: { spec: { template: { spec } } } } }),
  },
};

/** A CREATE of a workload of `kind` with pod spec `spec` in `namespace`, by a member of `groups`. */
export function workloadRequest(
  kind: string,
  spec: object,
  namespace: AdmissionRequest["namespaceObject"] & object,
  groups: string[],
): AdmissionRequest {
  const k = podSpecKinds[kind];
  const ns = namespace.metadata.name;
  return {
    operation: "CREATE",
    resource: { group: k.group, version: k.version, resource: k.resource },
    userInfo: { username: "someone", groups },
    namespace: ns,
    object: {
      apiVersion: k.group ? `${k.group}/${k.version}` : k.version,
      kind,
      metadata: { name: "workload", namespace: ns },
      ...k.wrap(spec),
    },
    namespaceObject: namespace,
  };
}

/** The verdicts of the policies among `manifests` (with their bindings) that apply to `request`. */
export function admitAll(manifests: Manifest[], request: AdmissionRequest): Verdict[] {
  const bindings = manifests.filter((m) => m.kind === "ValidatingAdmissionPolicyBinding");
  return manifests
    .filter((m) => m.kind === "ValidatingAdmissionPolicy")
    .flatMap((policy) =>
      bindings
        .filter((b) => (b.spec as BindingSpec).policyName === policy.metadata.name)
        .map((binding) => admit(policy, binding, request)),
    )
    .filter((v) => v.applies);
}
