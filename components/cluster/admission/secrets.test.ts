/**
 * The workload-Secret policies' CEL, evaluated on allowed and forbidden objects of every kind they cover, as the API
 * server would run them (tests/kubernetes/admission.ts).
 */
import type { Manifest } from "../../kubernetes/manifest";
import {
  admit,
  admitAll,
  kubernetesCelProblems,
  podSpecKinds,
  policyExpressions,
  workloadRequest,
  type AdmissionRequest,
} from "../../../tests/kubernetes/admission";
import { hostedKubernetesGroups, kubernetesGroups, workloadSecretsAnnotation } from "../manifests";
import { workloadSecretPolicies } from "./secrets";

const manifests = workloadSecretPolicies();
const policies = manifests.filter((m) => m.kind === "ValidatingAdmissionPolicy");
const bindingOf = (policy: Manifest) =>
  manifests.find((m) => m.kind === "ValidatingAdmissionPolicyBinding" && m.metadata.name === policy.metadata.name)!;

const declaredNamespace = {
  metadata: { name: "dev", annotations: workloadSecretsAnnotation(["database-url", "registry-pull"]) },
};
const developer = {
  username: "arn:aws:sts::123456789012:assumed-role/qualisys-dev-developer/alice",
  groups: [kubernetesGroups.developer, "system:authenticated"],
};

type PodSpec = Record<string, unknown>;
const kinds = podSpecKinds;

const request = (kind: string, spec: PodSpec, overrides: Partial<AdmissionRequest> = {}): AdmissionRequest => ({
  ...workloadRequest(kind, spec, declaredNamespace, developer.groups),
  userInfo: developer,
  ...overrides,
});

/** The verdict of the policy that applies to the request; exactly one must. */
function verdict(req: AdmissionRequest) {
  const applying = admitAll(manifests, req);
  if (applying.length !== 1) throw new Error(`${applying.length} policies apply to ${req.resource.resource}`);
  return applying[0];
}
const allowed = (req: AdmissionRequest) => {
  const v = verdict(req);
  return v.applies && v.allowed;
};

const container = (extra: Record<string, unknown> = {}) => ({ name: "app", image: "app:1", ...extra });
const envFrom = (secret: string) => ({
  containers: [container({ env: [{ name: "X", valueFrom: { secretKeyRef: { name: secret, key: "value" } } }] })],
});

/** One pod spec per way of referencing a Secret, with the referenced name. */
const references: Record<string, (secret: string) => PodSpec> = {
  "env valueFrom.secretKeyRef": envFrom,
  "envFrom.secretRef": (s) => ({ containers: [container({ envFrom: [{ secretRef: { name: s } }] })] }),
  "an init container's env": (s) => ({ containers: [container()], initContainers: envFrom(s).containers }),
  "an ephemeral container's envFrom": (s) => ({
    containers: [container()],
    ephemeralContainers: [{ name: "debug", image: "busybox", envFrom: [{ secretRef: { name: s } }] }],
  }),
  "a secret volume": (s) => ({ containers: [container()], volumes: [{ name: "v", secret: { secretName: s } }] }),
  "a projected volume": (s) => ({
    containers: [container()],
    volumes: [{ name: "v", projected: { sources: [{ configMap: { name: "c" } }, { secret: { name: s } }] } }],
  }),
  "a CSI volume's nodePublishSecretRef": (s) => ({
    containers: [container()],
    volumes: [{ name: "v", csi: { driver: "secrets-store.csi.k8s.io", nodePublishSecretRef: { name: s } } }],
  }),
  imagePullSecrets: (s) => ({ containers: [container()], imagePullSecrets: [{ name: s }] }),
};

describe("workload Secret policies", () => {
  const cases = Object.keys(kinds).flatMap((kind) => Object.keys(references).map((ref) => [kind, ref] as const));

  it.each(cases)("%s: admits %s naming a declared Secret", (kind, ref) => {
    expect(verdict(request(kind, references[ref]("database-url")))).toEqual({ applies: true, allowed: true });
  });

  it.each(cases)("%s: denies %s naming an undeclared Secret, saying what is declared", (kind, ref) => {
    const v = verdict(request(kind, references[ref]("grafana-admin")));
    expect(v).toMatchObject({ applies: true, allowed: false });
    expect(v.applies && !v.allowed && v.messages).toEqual([
      expect.stringContaining("(declared for this namespace: database-url, registry-pull)"),
    ]);
  });

  it("is three policies, one per place a pod spec sits, each with the binding that enforces it", () => {
    expect(policies.map((p) => p.metadata.name)).toEqual([
      "pod-secrets.qualisys.io",
      "pod-template-secrets.qualisys.io",
      "cronjob-secrets.qualisys.io",
    ]);
    for (const policy of policies) expect(bindingOf(policy).spec).toMatchObject({ validationActions: ["Deny"] });
  });

  it("covers every kind the brief names and their resources, pods' ephemeral containers included", () => {
    const resources = policies.flatMap((p) =>
      (p.spec as any).matchConstraints.resourceRules.flatMap((r: any) =>
        r.resources.map((res: string) => `${r.apiGroups[0]}/${res}`),
      ),
    );
    expect(resources.sort()).toEqual(
      [...Object.values(kinds).map((k) => `${k.group}/${k.resource}`), "/pods/ephemeralcontainers"].sort(),
    );
  });

  it("denies every Secret reference in a namespace that declares none", () => {
    const bare = { metadata: { name: "monitoring" } };
    expect(allowed(request("Deployment", envFrom("database-url"), { namespaceObject: bare }))).toBe(false);
    expect(allowed(request("Deployment", { containers: [container()] }, { namespaceObject: bare }))).toBe(true);
  });

  it("does not read a declaration's list loosely: an empty entry or a prefix of a declared name is no declaration", () => {
    const loose = { metadata: { name: "dev", annotations: { "qualisys.io/workload-secrets": "database-url,,x" } } };
    expect(allowed(request("Pod", envFrom(""), { namespaceObject: loose }))).toBe(false);
    expect(allowed(request("Pod", envFrom("database"), { namespaceObject: loose }))).toBe(false);
  });

  it("denies a secret reference without a name (fails closed)", () => {
    const spec = { containers: [container({ envFrom: [{ secretRef: {} }] })] };
    expect(allowed(request("Deployment", spec))).toBe(false);
  });

  it("denies in-tree volume drivers that read a Secret by reference", () => {
    for (const driver of ["cephfs", "rbd", "iscsi", "flexVolume", "azureFile", "cinder", "scaleIO", "storageos"]) {
      const spec = {
        containers: [container()],
        volumes: [{ name: "v", [driver]: { secretRef: { name: "database-url" } } }],
      };
      expect([driver, allowed(request("Pod", spec))]).toEqual([driver, false]);
    }
  });

  it("checks this cluster's and hosted stacks' developer and CI groups, and no one else", () => {
    const hosted = hostedKubernetesGroups("dev-alice");
    const as = (groups: string[]) => request("Pod", envFrom("grafana-admin"), { userInfo: { username: "u", groups } });
    for (const groups of [[kubernetesGroups.developer], [kubernetesGroups.cicd], [hosted.developer], [hosted.cicd]])
      expect([groups, verdict(as(groups))]).toEqual([
        groups,
        expect.objectContaining({ applies: true, allowed: false }),
      ]);
    // Cluster administrators (devops, the deploy role through its access entry) and Kubernetes' controllers.
    const noGroups = request("Pod", envFrom("grafana-admin"), { userInfo: { username: "u" } as never });
    expect(admitAll(manifests, noGroups)).toEqual([]);
    for (const groups of [[kubernetesGroups.devops], ["system:masters"], ["system:serviceaccounts:kube-system"], []]) {
      const applying = policies.map((p) => admit(p, bindingOf(p), as(groups))).filter((v) => v.applies);
      expect([groups, applying]).toEqual([groups, []]);
    }
  });

  it("checks updates too, and leaves other operations and kinds alone", () => {
    expect(allowed(request("Deployment", envFrom("grafana-admin"), { operation: "UPDATE" }))).toBe(false);
    const del = request("Deployment", envFrom("grafana-admin"), { operation: "DELETE" });
    expect(policies.map((p) => admit(p, bindingOf(p), del).applies)).toEqual(policies.map(() => false));
    const configMap: AdmissionRequest = {
      ...request("Pod", {}),
      resource: { group: "", version: "v1", resource: "configmaps" },
    };
    expect(policies.map((p) => admit(p, bindingOf(p), configMap).applies)).toEqual(policies.map(() => false));
  });

  it("writes only CEL that Kubernetes' CEL environment has", () => {
    const expressions = policies.flatMap(policyExpressions);
    expect(expressions.length).toBeGreaterThan(20);
    expect(expressions.flatMap(kubernetesCelProblems)).toEqual([]);
  });

  it("would catch CEL that only the test evaluator understands", () => {
    expect(kubernetesCelProblems("b'x'.hex() == '78'")).toEqual(["calls hex, which Kubernetes' CEL does not have"]);
    expect(kubernetesCelProblems("x.")).toEqual([expect.stringMatching(/^does not parse/)]);
  });
});
