/**
 * The cluster's admission policies: built-in ValidatingAdmissionPolicies (no webhook, no add-on) and their
 * bindings, built as plain manifests beside this file (./secrets.ts: which Secrets developers' and CI's workloads may
 * reference).
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { manifestResourceName, type Manifest } from "../../kubernetes/manifest";
import { declareManifest } from "../../kubernetes/declare";

export interface AdmissionPoliciesArgs {
  /** Kubernetes provider of the cluster. */
  provider: k8s.Provider;
  /** The policies and bindings (components/kubernetes/admission.ts). */
  policies: Manifest[];
  /**
   * What must exist before the policies are enforced: the namespaces whose annotations they read, so a workload
   * update never meets the policy before its namespace declares its Secrets.
   */
  dependsOn: pulumi.Resource[];
}

export class AdmissionPolicies extends pulumi.ComponentResource {
  constructor(name: string, args: AdmissionPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:cluster:AdmissionPolicies", name, {}, opts);
    for (const manifest of args.policies) {
      declareManifest(manifestResourceName(name, manifest), manifest, {
        parent: this,
        provider: args.provider,
        dependsOn: args.dependsOn,
      });
    }
    this.registerOutputs({});
  }
}
