/**
 * The cluster's namespaces (SPEC E3): one per application environment the stack hosts, `playwright-pool` and
 * `monitoring`, each with its Pod Security Standards level and a default-deny NetworkPolicy plus the allows it
 * needs (see ./manifests.ts).
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { manifestResourceName, type Manifest } from "../kubernetes/manifest";
import { declareManifest } from "../kubernetes/declare";
import { movedChild } from "../moved";
import { namespaceManifest, namespacePlan, networkPolicies, type NetworkContext } from "./manifests";

export interface NamespacesArgs {
  /** Kubernetes provider of the cluster. */
  provider: k8s.Provider;
  /** Application namespaces (`dev`, `staging`, `production`). */
  applicationNamespaces: string[];
  /** Where the data tier and the load balancer are, for the network policies' allows. */
  network: NetworkContext;
  /** The component these resources were declared under before this one existed (keeps their URNs). */
  formerParent?: pulumi.Resource;
}

export class Namespaces extends pulumi.ComponentResource {
  /** Namespace name → its resource, for dependants that must wait for it. */
  public readonly resources: Record<string, pulumi.Resource>;
  /** Namespace name → created name. */
  public readonly names: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: NamespacesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:cluster:Namespaces", name, {}, opts);
    const declare = (manifest: Manifest, dependsOn: pulumi.Resource[] = []) =>
      declareManifest(manifestResourceName(name, manifest), manifest, {
        ...movedChild(this, args.formerParent),
        provider: args.provider,
        dependsOn,
      });
    const plans = namespacePlan(args.applicationNamespaces);
    const namespaces = Object.fromEntries(
      plans.map((plan) => [plan.name, declare(namespaceManifest(plan)) as k8s.core.v1.Namespace]),
    );
    for (const plan of plans) {
      for (const policy of networkPolicies(plan, args.network)) declare(policy, [namespaces[plan.name]]);
    }
    this.resources = namespaces;
    this.names = Object.fromEntries(Object.entries(namespaces).map(([ns, resource]) => [ns, resource.metadata.name]));
    this.registerOutputs({ names: this.names });
  }
}
