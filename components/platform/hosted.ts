/**
 * A tenant's environment on its host's platform (`qualisys:platform`, docs/shared-platform.md): everything the stack
 * needs on the host's cluster and nothing of the host's. Its three namespaces (`<stack>`, `<stack>-db-bootstrap`,
 * `<stack>-secrets`), labelled with their owner, with the same Pod Security level and network policies as any
 * application namespace; access entries that map its deploy role into the tenant groups with `AmazonEKSAdminPolicy`
 * in those namespaces only, its DevOps into its application namespace, its developers and CI into their groups;
 * RBAC for them in its application namespace only; a ClusterSecretStore named after the stack, serving only its
 * application namespace, authenticating as a service account in `<stack>-secrets` (where no developer or CI
 * identity can run a pod) whose IRSA role reads only this stack's `<prefix>/*` secrets; the application secrets
 * synced through it. Its Pulumi Deployments settings (on the host's agent pool inside the shared VPC) are the
 * organisation stack's (components/organization/).
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { TenantNamespaces } from "../../config/platform";
import { externalSecretsPolicy } from "../cluster/addons";
import {
  clusterSecretStore,
  externalSecrets,
  namespaceManifest,
  networkPolicies,
  tenantRbac,
  type NamespacePlan,
} from "../cluster/manifests";
import { policyJson, type AccountRef } from "../account";
import { tenantAccessPolicy } from "../identity/boundary";
import { irsaRole } from "../kubernetes/irsa";
import { manifestResourceName, type Manifest } from "../kubernetes/manifest";
import { declareManifest } from "../kubernetes/declare";
import type { PlatformRef } from "./contract";
import { tenantClusterAccess, type TenantRole } from "./tenancy";

/** The service account the stack's ClusterSecretStore authenticates as (IRSA), in `<stack>-secrets`. */
export const secretStoreServiceAccount = "external-secrets";

export interface HostedEnvironmentArgs {
  account: AccountRef;
  /** The tenant stack's name, and the prefix of its physical names and secrets (`qualisys-staging`). */
  stack: string;
  prefix: string;
  /** The host's platform (its `platform` output) and its kubeconfig (a secret). */
  host: PlatformRef;
  kubeconfig: pulumi.Input<string>;
  /** The namespaces this stack owns on the host's cluster. */
  namespaces: TenantNamespaces;
  /** This stack's roles, mapped into the host's cluster by access entries. */
  roleArns: Record<TenantRole, pulumi.Input<string>>;
  /** The KMS key this stack's secrets are encrypted with. */
  secretsKeyArn: pulumi.Input<string>;
  /** The permissions boundary every role of this stack carries. */
  permissionsBoundary: pulumi.Input<string>;
}

export class HostedEnvironment extends pulumi.ComponentResource {
  /** Kubernetes provider for the host's cluster (from its kubeconfig, a secret). */
  public readonly provider: k8s.Provider;
  /** The application namespace this stack owns, once created. */
  public readonly namespace: pulumi.Output<string>;
  /** The database bootstrap's namespace, once created (with the RBAC the bootstrap's objects need). */
  public readonly bootstrapNamespace: pulumi.Output<string>;
  /** The stack's ClusterSecretStore; depend on it to declare external-secrets kinds. */
  public readonly secretsSyncReady: pulumi.Resource;
  /** The ClusterSecretStore's name (the stack's). */
  public readonly secretStoreName: string;

  constructor(name: string, args: HostedEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:platform:HostedEnvironment", name, {}, opts);
    const { account, host, namespaces } = args;
    const parent = { parent: this };
    const declare = (manifest: Manifest, dependsOn: pulumi.Resource[] = []) =>
      declareManifest(manifestResourceName(name, manifest), manifest, {
        parent: this,
        provider: this.provider,
        dependsOn,
      });

    // Access entries first: they are how this stack's roles reach the cluster at all. An entry's groups can change
    // only by replacing it: the permissions boundary denies UpdateAccessEntry, whose request IAM cannot inspect.
    const access = tenantClusterAccess(args.stack, args.prefix, namespaces);
    const grants: Partial<Record<TenantRole, pulumi.Resource>> = {};
    for (const role of Object.keys(access) as TenantRole[]) {
      const { kubernetesGroups, adminNamespaces } = access[role];
      const entry = new aws.eks.AccessEntry(
        `${name}-${role}`,
        { clusterName: host.clusterName, principalArn: args.roleArns[role], kubernetesGroups, type: "STANDARD" },
        { ...parent, replaceOnChanges: ["kubernetesGroups"], deleteBeforeReplace: true },
      );
      grants[role] = adminNamespaces.length
        ? new aws.eks.AccessPolicyAssociation(
            `${name}-${role}`,
            {
              clusterName: host.clusterName,
              principalArn: entry.principalArn,
              policyArn: tenantAccessPolicy(account.partition),
              accessScope: { type: "namespace", namespaces: adminNamespaces },
            },
            parent,
          )
        : entry;
    }

    // Every Kubernetes object goes through this provider, which authenticates as whoever deploys (the deploy role on
    // the runner): it waits for that role's access, so no object is attempted before the cluster would accept it.
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: args.kubeconfig, enableServerSideApply: true },
      { parent: this, dependsOn: [grants.deploy!] },
    );

    const network = { vpcCidr: host.vpcCidr, loadBalancerCidrs: host.loadBalancerCidrs };
    const plans: NamespacePlan[] = [
      { name: namespaces.app, enforce: "restricted", app: true },
      { name: namespaces.bootstrap, enforce: "restricted", app: false },
      { name: namespaces.secrets, enforce: "restricted", app: false },
    ];
    const created = Object.fromEntries(
      plans.map((plan) => [plan.name, declare(namespaceManifest(plan, args.stack)) as k8s.core.v1.Namespace]),
    );
    for (const policy of networkPolicies(plans[0], network)) declare(policy, [created[namespaces.app]]);
    // Nothing runs in the secrets namespace (the host's controller borrows the service account's token), so it
    // only denies; the database bootstrap declares the egress it needs in its own.
    const denyAll = networkPolicies(plans[2], network).filter((p) => p.metadata.name === "default-deny");
    for (const policy of denyAll) declare(policy, [created[namespaces.secrets]]);
    const bindings = tenantRbac(args.stack, namespaces).map((binding) =>
      declare(binding, [created[binding.metadata.namespace!]]),
    );

    // The secrets sync: the host's controller, this stack's identity and store.
    const role = irsaRole(
      `${name}-external-secrets`,
      {
        roleName: `${args.prefix}-external-secrets`,
        description: `external-secrets for namespace ${namespaces.app}: reads ${args.prefix}/* only`,
        oidcProviderArn: host.oidcProviderArn,
        oidcIssuer: host.oidcIssuer,
        namespace: namespaces.secrets,
        serviceAccount: secretStoreServiceAccount,
        permissionsBoundary: args.permissionsBoundary,
        policy: pulumi
          .output(args.secretsKeyArn)
          .apply((secretsKeyArn) =>
            policyJson(account, (a) => externalSecretsPolicy({ account: a, prefix: args.prefix, secretsKeyArn })),
          ),
      },
      parent,
    );
    const serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-external-secrets`,
      {
        metadata: {
          name: secretStoreServiceAccount,
          namespace: namespaces.secrets,
          annotations: { "eks.amazonaws.com/role-arn": role.arn },
        },
        automountServiceAccountToken: false,
      },
      { parent: this, provider: this.provider, dependsOn: [created[namespaces.secrets]] },
    );
    const store = declare(
      clusterSecretStore({
        region: account.region,
        namespace: namespaces.secrets,
        serviceAccount: secretStoreServiceAccount,
        servedNamespaces: [namespaces.app],
        name: args.stack,
        owner: args.stack,
      }),
      [serviceAccount, ...bindings],
    );
    for (const manifest of externalSecrets(args.prefix, namespaces.app, {
      kind: "ClusterSecretStore",
      name: args.stack,
    }))
      declare(manifest, [store]);

    this.namespace = created[namespaces.app].metadata.name;
    this.bootstrapNamespace = created[namespaces.bootstrap].metadata.name;
    this.secretsSyncReady = store;
    this.secretStoreName = args.stack;
    this.registerOutputs({ namespace: this.namespace });
  }
}
