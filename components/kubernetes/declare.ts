/**
 * The one way the program declares a Kubernetes object: each plain manifest (./manifest) becomes the matching
 * `@pulumi/kubernetes` resource, or a `CustomResource` for kinds a chart's CRDs add.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** The resource class of each built-in kind the program declares. */
const kinds: Record<
  string,
  // Each class takes its own typed args; the manifests are checked against the Kubernetes schemas by the tests.
  new (name: string, args: never, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource
> = {
  "v1/Namespace": k8s.core.v1.Namespace,
  "v1/ServiceAccount": k8s.core.v1.ServiceAccount,
  "v1/ConfigMap": k8s.core.v1.ConfigMap,
  "v1/ResourceQuota": k8s.core.v1.ResourceQuota,
  "v1/LimitRange": k8s.core.v1.LimitRange,
  "batch/v1/Job": k8s.batch.v1.Job,
  "networking.k8s.io/v1/NetworkPolicy": k8s.networking.v1.NetworkPolicy,
  "networking.k8s.io/v1/IngressClass": k8s.networking.v1.IngressClass,
  "rbac.authorization.k8s.io/v1/ClusterRole": k8s.rbac.v1.ClusterRole,
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": k8s.rbac.v1.ClusterRoleBinding,
  "rbac.authorization.k8s.io/v1/RoleBinding": k8s.rbac.v1.RoleBinding,
  "scheduling.k8s.io/v1/PriorityClass": k8s.scheduling.v1.PriorityClass,
  "apps/v1/Deployment": k8s.apps.v1.Deployment,
  "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy": k8s.admissionregistration.v1.ValidatingAdmissionPolicy,
  "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding":
    k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding,
};

/** Declares `manifest` (plain, or with outputs inside its fields) as the resource of its kind. */
export function declareManifest(
  resourceName: string,
  manifest: { apiVersion: string; kind: string; [field: string]: unknown },
  opts: pulumi.CustomResourceOptions,
): pulumi.CustomResource {
  const Kind = kinds[`${manifest.apiVersion}/${manifest.kind}`];
  if (Kind) return new Kind(resourceName, manifest as never, opts);
  return new k8s.apiextensions.CustomResource(resourceName, manifest as k8s.apiextensions.CustomResourceArgs, opts);
}
