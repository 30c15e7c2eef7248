/**
 * The tenant ownership policy, evaluated as the API server would (tests/kubernetes/admission.ts: match condition,
 * variables, every validation, CEL by @marcbachmann/cel-js 8.0.0) on the objects a tenant's deploy identity sends.
 */
import { admit, kubernetesCelProblems, policyExpressions } from "../../../tests/kubernetes/admission";
import { tenantAdmissionPolicy } from "./tenants";

const [policy, binding] = tenantAdmissionPolicy();
const spec = policy.spec as { matchConstraints: { resourceRules: { resources: string[]; operations: string[] }[] } };

type Operation = "CREATE" | "UPDATE" | "DELETE";
interface Request {
  operation: Operation;
  groups: string[];
  resource: "namespaces" | "clustersecretstores";
  object?: unknown;
  oldObject?: unknown;
}

/**
 * Whether the policy judges the request, and the messages of the validations it fails. An expression that errors
 * denies too (failurePolicy Fail), but for the wrong reason: such a message fails the tests below.
 */
function judge(r: Request): { judged: boolean; denied: string[] } {
  const verdict = admit(policy, binding, {
    operation: r.operation,
    userInfo: { username: "arn:aws:sts::123456789012:assumed-role/qualisys-staging-deploy/x", groups: r.groups },
    resource: { group: r.resource === "namespaces" ? "" : "external-secrets.io", version: "v1", resource: r.resource },
    object: r.object ?? null,
    oldObject: r.oldObject ?? null,
  });
  if (!verdict.applies) return { judged: false, denied: [] };
  const denied = verdict.allowed ? [] : verdict.messages;
  for (const m of denied) expect(m).not.toMatch(/expression failed|match condition failed|not a bool/);
  return { judged: true, denied };
}

it("uses only CEL that Kubernetes' environment has", () => {
  const expressions = policyExpressions(policy);
  expect(expressions.length).toBeGreaterThan(5);
  expect(expressions.flatMap(kubernetesCelProblems)).toEqual([]);
});

const staging = ["system:authenticated", "qualisys:tenants", "qualisys:tenant:staging"];
const namespace = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name, labels },
});
const owned = (name: string, owner = "staging", enforce = "restricted") =>
  namespace(name, { "qualisys.io/owner": owner, "pod-security.kubernetes.io/enforce": enforce });
const store = (overrides: { name?: string; owner?: string; conditions?: unknown; provider?: unknown } = {}) => ({
  apiVersion: "external-secrets.io/v1",
  kind: "ClusterSecretStore",
  metadata: { name: overrides.name ?? "staging", labels: { "qualisys.io/owner": overrides.owner ?? "staging" } },
  spec: {
    conditions: overrides.conditions ?? [{ namespaces: ["staging"] }],
    provider: overrides.provider ?? {
      aws: {
        service: "SecretsManager",
        region: "us-east-1",
        auth: { jwt: { serviceAccountRef: { name: "external-secrets", namespace: "staging-secrets" } } },
      },
    },
  },
});

it("matches namespaces and ClusterSecretStores on create, update and delete, and denies what it rejects", () => {
  expect(spec.matchConstraints.resourceRules.map((r) => [r.resources, r.operations])).toEqual([
    [["namespaces"], ["CREATE", "UPDATE", "DELETE"]],
    [["clustersecretstores"], ["CREATE", "UPDATE", "DELETE"]],
  ]);
  expect(policy.spec).toMatchObject({ failurePolicy: "Fail" });
  expect(binding.spec).toEqual({ policyName: policy.metadata.name, validationActions: ["Deny"] });
});

describe("a tenant's deploy identity may", () => {
  const allowed: [string, Request][] = [
    ...["staging", "staging-db-bootstrap", "staging-secrets"].map((name): [string, Request] => [
      `create its namespace ${name}`,
      { operation: "CREATE", groups: staging, resource: "namespaces", object: owned(name) },
    ]),
    [
      "relabel its own namespace",
      {
        operation: "UPDATE",
        groups: staging,
        resource: "namespaces",
        oldObject: owned("staging"),
        object: namespace("staging", { ...owned("staging").metadata.labels, team: "qa" }),
      },
    ],
    [
      "delete its own namespace",
      { operation: "DELETE", groups: staging, resource: "namespaces", oldObject: owned("staging") },
    ],
    [
      "create its ClusterSecretStore",
      { operation: "CREATE", groups: staging, resource: "clustersecretstores", object: store() },
    ],
    [
      "serve its bootstrap namespace from it too",
      {
        operation: "UPDATE",
        groups: staging,
        resource: "clustersecretstores",
        oldObject: store(),
        object: store({ conditions: [{ namespaces: ["staging", "staging-db-bootstrap"] }] }),
      },
    ],
  ];
  it.each(allowed)("%s", (_, request) => {
    expect(judge(request)).toEqual({ judged: true, denied: [] });
  });
});

describe("a tenant's deploy identity may not", () => {
  const forbidden: [string, Request, RegExp][] = [
    [
      "create the host's namespace",
      { operation: "CREATE", groups: staging, resource: "namespaces", object: owned("dev") },
      /named <stack>/,
    ],
    [
      "create a namespace claiming another owner",
      { operation: "CREATE", groups: staging, resource: "namespaces", object: owned("dev-alice", "dev-alice") },
      /labels what it creates or changes/,
    ],
    [
      "create its namespace without the owner label",
      {
        operation: "CREATE",
        groups: staging,
        resource: "namespaces",
        object: namespace("staging", { "pod-security.kubernetes.io/enforce": "restricted" }),
      },
      /labels what it creates or changes/,
    ],
    [
      "relax its namespace's Pod Security level",
      {
        operation: "UPDATE",
        groups: staging,
        resource: "namespaces",
        oldObject: owned("staging"),
        object: owned("staging", "staging", "privileged"),
      },
      /restricted Pod Security level/,
    ],
    [
      "take over the host's namespace by labelling it",
      {
        operation: "UPDATE",
        groups: staging,
        resource: "namespaces",
        oldObject: namespace("dev"),
        object: owned("dev"),
      },
      /change or delete only what carries its own/,
    ],
    [
      "delete the host's namespace",
      { operation: "DELETE", groups: staging, resource: "namespaces", oldObject: namespace("dev") },
      /change or delete only what carries its own/,
    ],
    [
      "delete another tenant's namespace",
      { operation: "DELETE", groups: staging, resource: "namespaces", oldObject: owned("dev-alice", "dev-alice") },
      /change or delete only what carries its own/,
    ],
    [
      "act for two tenants at once",
      {
        operation: "CREATE",
        groups: [...staging, "qualisys:tenant:dev-alice"],
        resource: "namespaces",
        object: owned("staging"),
      },
      /exactly one tenant group/,
    ],
    [
      "name its store after another stack",
      { operation: "CREATE", groups: staging, resource: "clustersecretstores", object: store({ name: "dev" }) },
      /named after its stack/,
    ],
    [
      "serve the host's namespace from its store",
      {
        operation: "CREATE",
        groups: staging,
        resource: "clustersecretstores",
        object: store({ conditions: [{ namespaces: ["staging", "dev"] }] }),
      },
      /serves only its own namespaces/,
    ],
    [
      "serve namespaces chosen by a selector",
      {
        operation: "CREATE",
        groups: staging,
        resource: "clustersecretstores",
        object: store({ conditions: [{ namespaceSelector: {} }] }),
      },
      /serves only its own namespaces/,
    ],
    [
      "serve every namespace (no conditions)",
      { operation: "CREATE", groups: staging, resource: "clustersecretstores", object: store({ conditions: [] }) },
      /serves only its own namespaces/,
    ],
    [
      "authenticate as the host's external-secrets controller",
      {
        operation: "CREATE",
        groups: staging,
        resource: "clustersecretstores",
        object: store({
          provider: {
            aws: {
              service: "SecretsManager",
              region: "us-east-1",
              auth: { jwt: { serviceAccountRef: { name: "external-secrets", namespace: "external-secrets" } } },
            },
          },
        }),
      },
      /as a service account in its own <stack>-secrets namespace/,
    ],
    [
      "assume another role from its store",
      {
        operation: "CREATE",
        groups: staging,
        resource: "clustersecretstores",
        object: store({
          provider: {
            aws: {
              service: "SecretsManager",
              region: "us-east-1",
              role: "arn:aws:iam::123456789012:role/qualisys-dev-external-secrets",
              auth: { jwt: { serviceAccountRef: { name: "external-secrets", namespace: "staging-secrets" } } },
            },
          },
        }),
      },
      /nothing else/,
    ],
    [
      "read through another provider",
      {
        operation: "CREATE",
        groups: staging,
        resource: "clustersecretstores",
        object: store({ provider: { kubernetes: { remoteNamespace: "dev" } } }),
      },
      /nothing else/,
    ],
    [
      "change the host's ClusterSecretStore",
      {
        operation: "UPDATE",
        groups: staging,
        resource: "clustersecretstores",
        oldObject: { ...store({ name: "aws-secrets-manager" }), metadata: { name: "aws-secrets-manager" } },
        object: store({ name: "aws-secrets-manager" }),
      },
      /change or delete only what carries its own/,
    ],
  ];
  it.each(forbidden)("%s", (_, request, message) => {
    const { judged, denied } = judge(request);
    expect(judged).toBe(true);
    expect(denied).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });
});

it("leaves everyone who is not a tenant to RBAC (the host's own administrators and controllers)", () => {
  for (const groups of [
    ["qualisys:devops"],
    ["system:masters"],
    ["qualisys:staging:developers", "qualisys:tenant-readers"],
  ])
    expect(judge({ operation: "CREATE", groups, resource: "namespaces", object: namespace("anything") })).toEqual({
      judged: false,
      denied: [],
    });
});
