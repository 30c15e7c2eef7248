/**
 * What a host declares once for all the tenants it lists in `qualisys:tenants` (docs/shared-platform.md): the
 * cluster-scoped pieces a tenant needs but may not create itself. The `qualisys:tenant` ClusterRole for their deploy
 * roles and the admission policy that narrows it to what each owns (./../cluster/admission/tenants.ts), the
 * ClusterRole a tenant binds for its custom resources, and for tenants' developers and CI the cluster reader role
 * and `view` on the shared Playwright pool. A tenant's own objects live in its namespaces and its own state.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { tenantAdmissionPolicy } from "../cluster/admission/tenants";
import { hostTenantRbac } from "../cluster/manifests";
import { manifestResourceName, type Manifest } from "../kubernetes/manifest";
import { declareManifest } from "../kubernetes/declare";

export interface TenantHostingArgs {
  /** Kubernetes provider of the host's cluster. */
  provider: k8s.Provider;
  /** The stacks it hosts (names or globs): recorded on the component, so the record says whom it serves. */
  tenants: string[];
  /** What must exist first: the Playwright pool's namespace (a binding lands there) and the external-secrets CRDs. */
  dependsOn: pulumi.Resource[];
}

export class TenantHosting extends pulumi.ComponentResource {
  constructor(name: string, args: TenantHostingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:platform:TenantHosting", name, { tenants: args.tenants }, opts);
    const declare = (manifest: Manifest) =>
      declareManifest(manifestResourceName(name, manifest), manifest, {
        parent: this,
        provider: args.provider,
        dependsOn: args.dependsOn,
      });
    for (const manifest of hostTenantRbac()) declare(manifest);
    const [policy, binding] = tenantAdmissionPolicy();
    const created = declare(policy);
    declareManifest(manifestResourceName(name, binding), binding, {
      parent: this,
      provider: args.provider,
      dependsOn: [created],
    });
    this.registerOutputs({ tenants: args.tenants });
  }
}
