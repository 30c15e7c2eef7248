/**
 * The one way the program writes a ValidatingAdmissionPolicy: a policy and the binding that enforces it, as plain
 * manifests (admissionregistration.k8s.io/v1, GA since Kubernetes 1.30; built into the API server, no add-on).
 * Policies are data: a module builds a {@link AdmissionPolicySpec} and declares the two manifests this returns like
 * any other (components/kubernetes/manifest.ts). Their CEL is tested by evaluating it on allowed and forbidden
 * objects (tests/kubernetes/admission.ts); write only CEL that Kubernetes' environment has
 * (https://kubernetes.io/docs/reference/using-api/cel/: the standard macros and functions, the extended strings
 * library, Kubernetes' list, regex, URL, authorizer and quantity libraries).
 */
import type { IValidatingAdmissionPolicy } from "kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy";
import type { IValidatingAdmissionPolicyBinding } from "kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding";
import { typed, type Manifest } from "./manifest";

/** Requests a policy applies to: operations on resources of API groups (`""` is the core group). */
export interface AdmissionRule {
  operations: ("CREATE" | "UPDATE" | "DELETE" | "CONNECT")[];
  apiGroups: string[];
  /** Resources, with a subresource as `pods/ephemeralcontainers`. */
  resources: string[];
  /** Default every version (`*`). */
  apiVersions?: string[];
}

/** A named CEL expression. */
export interface NamedExpression {
  name: string;
  expression: string;
}

/** One check: a CEL expression that must be true, and what the caller is told when it is not. */
export interface Validation {
  expression: string;
  /** Static message (one line). */
  message: string;
  /** CEL building a more specific message from the request; the static one is used if it fails. */
  messageExpression?: string;
}

export interface AdmissionPolicySpec {
  /** The policy's and the binding's name (a DNS subdomain, e.g. `pod-secrets.qualisys.io`). */
  name: string;
  /** What the policy is for, kept as an annotation on both objects. */
  description: string;
  /** Requests it applies to. */
  rules: AdmissionRule[];
  /**
   * CEL conditions on the request that must all hold for the policy to apply (e.g. who sent it); a request that
   * fails one is not checked. Default none: every matching request is checked.
   */
  matchConditions?: NamedExpression[];
  /** Named intermediate values the validations read as `variables.<name>`, in dependency order. */
  variables?: NamedExpression[];
  /** Every expression must be true for the request to be admitted. */
  validations: Validation[];
  /**
   * Only namespaces matching this selector (binding scope). Default: every namespace (and cluster-scoped
   * objects).
   */
  namespaceSelector?: { matchLabels: Record<string, string> };
}

/**
 * The policy and its binding. The policy fails closed (`failurePolicy: Fail`: a CEL error or misconfiguration
 * rejects the request rather than waving it through) and the binding denies (`validationActions: [Deny]`).
 */
export function validatingAdmissionPolicy(spec: AdmissionPolicySpec): [policy: Manifest, binding: Manifest] {
  const metadata = {
    name: spec.name,
    annotations: { "qualisys.io/description": spec.description },
    labels: { "app.kubernetes.io/managed-by": "pulumi" },
  };
  const policy = typed<IValidatingAdmissionPolicy>({
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingAdmissionPolicy",
    metadata,
    spec: {
      failurePolicy: "Fail",
      matchConstraints: {
        resourceRules: spec.rules.map((rule) => ({
          apiGroups: rule.apiGroups,
          apiVersions: rule.apiVersions ?? ["*"],
          operations: rule.operations,
          resources: rule.resources,
        })),
      },
      ...(spec.matchConditions?.length ? { matchConditions: spec.matchConditions } : {}),
      ...(spec.variables?.length ? { variables: spec.variables } : {}),
      validations: spec.validations,
    },
  });
  const binding = typed<IValidatingAdmissionPolicyBinding>({
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingAdmissionPolicyBinding",
    metadata,
    spec: {
      policyName: spec.name,
      validationActions: ["Deny"],
      ...(spec.namespaceSelector ? { matchResources: { namespaceSelector: spec.namespaceSelector } } : {}),
    },
  });
  return [policy, binding];
}
