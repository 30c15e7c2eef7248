/**
 * Which Secrets a workload may use (issue 20): developers and CI create workloads in their namespaces, and a
 * workload can mount any Secret of its namespace, so "never reads Secrets" would not hold through RBAC alone. These
 * ValidatingAdmissionPolicies let a request from the developer or CI groups create or change a pod, or any object
 * that templates pods, only if every Secret it references is one its namespace declares for its workloads (the
 * `workloadSecretsAnnotation` on the Namespace, ../manifests.ts, which only the platform writes: neither group may
 * change namespaces).
 *
 * Who is not checked, and why: the deploy role and `devops` are cluster administrators (they could delete the
 * policy itself, so binding them would be theatre) and run only reviewed code, the platform's own Helm releases
 * (exporters reading their credential Secrets) among it; Kubernetes' controllers create pods from templates
 * these policies already checked. A tenant's deploy identity (docs/shared-platform.md) is not matched either.
 *
 * CEL is limited to what Kubernetes offers (https://kubernetes.io/docs/reference/using-api/cel/, checked by the
 * tests); the policy variables `object`, `request` and `namespaceObject` are those of
 * https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/. Pods, pod templates and
 * CronJobs' job templates keep the pod spec at different paths, and type checking checks every expression against
 * every kind a policy matches, so each path is its own policy.
 */
import { validatingAdmissionPolicy, type AdmissionPolicySpec, type AdmissionRule } from "../../kubernetes/admission";
import type { Manifest } from "../../kubernetes/manifest";
import { kubernetesGroups, workloadSecretsKey } from "../manifests";

/**
 * The groups whose requests are checked: this cluster's developers and CI (`qualisys:developers`,
 * `qualisys:ci-cd`) and those of every stack hosted on it (`qualisys:<namespace>:developers`, `…:ci-cd`). Derived
 * from the group names, so a renamed group cannot silently escape the check.
 */
const checkedGroupSuffixes = [kubernetesGroups.developer, kubernetesGroups.cicd].map((group) =>
  group.slice(group.indexOf(":")),
);
const groupPrefix = kubernetesGroups.developer.slice(0, kubernetesGroups.developer.indexOf(":") + 1);

const fromCheckedGroup =
  `has(request.userInfo.groups) && request.userInfo.groups.exists(g, g.startsWith('${groupPrefix}') && ` +
  `(${checkedGroupSuffixes.map((suffix) => `g.endsWith('${suffix}')`).join(" || ")}))`;

const declared = (name: string) => `(has(${name}) && ${name} in variables.declared)`;
const containerLists = ["containers", "initContainers", "ephemeralContainers"];
/** `check` holds for every container of every list of the pod spec. */
const everyContainer = (check: string) =>
  containerLists
    .map((list) => `(!has(variables.spec.${list}) || variables.spec.${list}.all(c, ${check}))`)
    .join(" && ");
const everyVolume = (check: string) => `!has(variables.spec.volumes) || variables.spec.volumes.all(v, ${check})`;

/** In-tree volume drivers that read a Secret by reference (the `restricted` Pod Security level forbids them too). */
const secretReadingDrivers = ["azureFile", "cephfs", "cinder", "flexVolume", "iscsi", "rbd", "scaleIO", "storageos"];

const listDeclared = `' (declared for this namespace: ' + (size(variables.declared) == 0 ? 'none' : variables.declared.join(', ')) + ')'`;

const validations: AdmissionPolicySpec["validations"] = [
  {
    expression: everyContainer(
      `!has(c.env) || c.env.all(e, !has(e.valueFrom) || !has(e.valueFrom.secretKeyRef) || ${declared("e.valueFrom.secretKeyRef.name")})`,
    ),
    message: `env valueFrom.secretKeyRef may name only Secrets the namespace declares (${workloadSecretsKey})`,
  },
  {
    expression: everyContainer(
      `!has(c.envFrom) || c.envFrom.all(f, !has(f.secretRef) || ${declared("f.secretRef.name")})`,
    ),
    message: `envFrom.secretRef may name only Secrets the namespace declares (${workloadSecretsKey})`,
  },
  {
    expression: everyVolume(
      [
        `(!has(v.secret) || ${declared("v.secret.secretName")})`,
        `(!has(v.projected) || !has(v.projected.sources) || v.projected.sources.all(s, !has(s.secret) || ${declared("s.secret.name")}))`,
        `(!has(v.csi) || !has(v.csi.nodePublishSecretRef) || ${declared("v.csi.nodePublishSecretRef.name")})`,
      ].join(" && "),
    ),
    message: `secret, projected and CSI volumes may name only Secrets the namespace declares (${workloadSecretsKey})`,
  },
  {
    expression: everyVolume(secretReadingDrivers.map((driver) => `!has(v.${driver})`).join(" && ")),
    message: `volumes may not use in-tree drivers that read a Secret (${secretReadingDrivers.join(", ")})`,
  },
  {
    expression: `!has(variables.spec.imagePullSecrets) || variables.spec.imagePullSecrets.all(s, ${declared("s.name")})`,
    message: `imagePullSecrets may name only Secrets the namespace declares (${workloadSecretsKey})`,
  },
].map((v) => {
  if (/['\\]/.test(v.message)) throw new Error(`a message must not need escaping in CEL: ${v.message}`);
  return { ...v, messageExpression: `'${v.message}' + ${listDeclared}` };
});

/** Where each kind keeps its pod spec, and the resources of that kind. */
const podSpecPaths: { name: string; path: string; rules: AdmissionRule[] }[] = [
  {
    name: "pod-secrets.qualisys.io",
    path: "object.spec",
    rules: [{ operations: ["CREATE", "UPDATE"], apiGroups: [""], resources: ["pods", "pods/ephemeralcontainers"] }],
  },
  {
    name: "pod-template-secrets.qualisys.io",
    path: "object.spec.template.spec",
    rules: [
      { operations: ["CREATE", "UPDATE"], apiGroups: [""], resources: ["replicationcontrollers"] },
      {
        operations: ["CREATE", "UPDATE"],
        apiGroups: ["apps"],
        resources: ["deployments", "statefulsets", "daemonsets", "replicasets"],
      },
      { operations: ["CREATE", "UPDATE"], apiGroups: ["batch"], resources: ["jobs"] },
    ],
  },
  {
    name: "cronjob-secrets.qualisys.io",
    path: "object.spec.jobTemplate.spec.template.spec",
    rules: [{ operations: ["CREATE", "UPDATE"], apiGroups: ["batch"], resources: ["cronjobs"] }],
  },
];

/** The policies (and bindings) restricting Secret references by developers and CI, one per pod-spec path. */
export function workloadSecretPolicies(): Manifest[] {
  return podSpecPaths.flatMap(({ name, path, rules }) =>
    validatingAdmissionPolicy({
      name,
      description:
        "Requests from the developer and CI groups may reference only the Secrets their namespace declares for its workloads",
      rules,
      matchConditions: [{ name: "developer-or-ci", expression: fromCheckedGroup }],
      variables: [
        { name: "spec", expression: path },
        {
          name: "declared",
          expression:
            `has(namespaceObject.metadata.annotations) && '${workloadSecretsKey}' in namespaceObject.metadata.annotations` +
            ` ? namespaceObject.metadata.annotations['${workloadSecretsKey}'].split(',').filter(n, n != '') : []`,
        },
      ],
      validations,
    }),
  );
}
