/**
 * RBAC (SPEC E4): what the `devops`, `developer` and `ci-cd` Kubernetes groups (mapped from IAM roles by the
 * control plane's access entries) may do, as ClusterRoles and bindings (see ./manifests.ts `rbac`).
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { manifestResourceName } from "../kubernetes/manifest";
import { declareManifest } from "../kubernetes/declare";
import { movedChild } from "../moved";
import { rbac } from "./manifests";

export interface RbacArgs {
  /** Kubernetes provider of the cluster. */
  provider: k8s.Provider;
  /** Application namespaces the groups are bound in. */
  applicationNamespaces: string[];
  /** Every namespace the bindings refer to. */
  namespaces: pulumi.Resource[];
  /** The component these resources were declared under before this one existed (keeps their URNs). */
  formerParent?: pulumi.Resource;
}

export class Rbac extends pulumi.ComponentResource {
  constructor(name: string, args: RbacArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:cluster:Rbac", name, {}, opts);
    for (const manifest of rbac(args.applicationNamespaces)) {
      declareManifest(manifestResourceName(name, manifest), manifest, {
        ...movedChild(this, args.formerParent),
        provider: args.provider,
        dependsOn: args.namespaces,
      });
    }
    this.registerOutputs({});
  }
}
