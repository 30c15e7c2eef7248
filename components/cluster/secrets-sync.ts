/**
 * Secrets sync (SPEC S2): external-secrets in its own restricted namespace with an IRSA role that reads only the
 * stack's `<prefix>/*` secrets, a ClusterSecretStore backed by Secrets Manager, and an ExternalSecret per
 * application secret in each application namespace. Anything that declares external-secrets kinds must wait for
 * {@link SecretsSync.ready}: the release installs their CRDs.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterSettings } from "../../config";
import { policyJson, type AccountRef } from "../account";
import { manifestResourceName, type Manifest } from "../kubernetes/manifest";
import { declareManifest } from "../kubernetes/declare";
import { movedChild } from "../moved";
import { platformNamespaces } from "../naming";
import { addonRelease, addonRole, roleAnnotation, type ClusterRef } from "./addon-install";
import { charts, externalSecretsPolicy } from "./addons";
import { clusterSecretStore, clusterSecretStoreName, externalSecrets, namespaceManifest } from "./manifests";

export interface SecretsSyncArgs {
  account: AccountRef;
  /** Prefix of the stack's secrets in Secrets Manager (`qualisys-dev`). */
  prefix: string;
  /** The cluster it runs on, and its Kubernetes provider. */
  cluster: ClusterRef;
  provider: k8s.Provider;
  /** The external-secrets chart version (`cluster.charts.externalSecrets`). */
  chartVersion: ClusterSettings["charts"]["externalSecrets"];
  /** The KMS key the secrets are encrypted with. */
  secretsKeyArn: pulumi.Input<string>;
  /** Application namespaces (name → resource) that get the application secrets. */
  applicationNamespaces: Record<string, pulumi.Resource>;
  /** The release waits for nodes to run on. */
  nodeGroups: pulumi.Resource[];
  /** The component these resources were declared under before this one existed (keeps their URNs). */
  formerParent?: pulumi.Resource;
}

export class SecretsSync extends pulumi.ComponentResource {
  /** The ClusterSecretStore reading `<prefix>/*` from Secrets Manager. */
  public readonly storeName: pulumi.Output<string>;
  /** The store; it exists only once the release (and so the CRDs) does. Depend on it to use external-secrets. */
  public readonly ready: pulumi.Resource;

  constructor(name: string, args: SecretsSyncArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:cluster:SecretsSync", name, {}, opts);
    const child = movedChild(this, args.formerParent);
    const declare = (manifest: Manifest, dependsOn: pulumi.Resource[] = []) =>
      declareManifest(manifestResourceName(name, manifest), manifest, {
        ...child,
        provider: args.provider,
        dependsOn,
      });
    const identity = charts.externalSecrets;
    const namespace = declare(namespaceManifest({ name: identity.namespace, enforce: "restricted", app: false }));
    const role = addonRole(
      name,
      args.cluster,
      "external-secrets",
      identity,
      {
        policy: pulumi
          .output(args.secretsKeyArn)
          .apply((secretsKeyArn) =>
            policyJson(args.account, (a) => externalSecretsPolicy({ account: a, prefix: args.prefix, secretsKeyArn })),
          ),
      },
      child,
    );
    const release = addonRelease(
      name,
      "externalSecrets",
      args.chartVersion,
      { serviceAccount: { annotations: roleAnnotation(role) } },
      { ...child, provider: args.provider, dependsOn: [...args.nodeGroups, namespace] },
    );
    const store = declare(
      clusterSecretStore({
        region: args.account.region,
        namespace: identity.namespace,
        serviceAccount: identity.serviceAccount,
        // The stack's own namespaces: its applications, and monitoring (Slack webhook, exporter credentials).
        servedNamespaces: [...Object.keys(args.applicationNamespaces), platformNamespaces.monitoring],
      }),
      [release],
    );
    for (const [ns, resource] of Object.entries(args.applicationNamespaces)) {
      for (const manifest of externalSecrets(args.prefix, ns)) declare(manifest, [store, resource]);
    }
    this.storeName = pulumi.output(clusterSecretStoreName);
    this.ready = store;
    this.registerOutputs({ storeName: this.storeName });
  }
}
