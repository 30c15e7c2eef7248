/**
 * A stack's environment on another stack's platform (`qualisys:platform`, docs/cost.md): everything the stack
 * needs on the host's cluster and nothing of the host's. Its namespace with the same Pod Security level and
 * network policies as any application namespace; RBAC for its own developer and CI roles in that namespace only;
 * access entries mapping its roles to those groups; a SecretStore in the namespace whose IRSA role reads only this
 * stack's `<prefix>/*` secrets, and the application secrets synced through it. Its Pulumi Deployments settings (on
 * the host's agent pool inside the shared VPC) are the organisation stack's (components/organization/).
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { externalSecretsPolicy } from "../cluster/addons";
import {
  clusterSecretStoreName,
  externalSecrets,
  hostedKubernetesGroups,
  hostedRbac,
  namespacedSecretStore,
  namespaceManifest,
  networkPolicies,
  type NamespacePlan,
} from "../cluster/manifests";
import { policyJson, type AccountRef } from "../iam";
import { irsaRole } from "../kubernetes/irsa";
import { declareManifest, manifestResourceName, type Manifest } from "../kubernetes/manifest";
import type { PlatformRef } from "./contract";

/** The service account the namespace's SecretStore authenticates as (IRSA). */
export const secretStoreServiceAccount = "external-secrets";

/** EKS access policies (AWS managed; names from the EKS User Guide, "Access policy permissions"). */
const accessPolicy = (partition: string, name: "AmazonEKSAdminPolicy" | "AmazonEKSClusterAdminPolicy") =>
  `arn:${partition}:eks::aws:cluster-access-policy/${name}`;

export interface HostedEnvironmentArgs {
  account: AccountRef;
  /** Prefix of this stack's physical names and secrets (`qualisys-staging`). */
  prefix: string;
  /** The host's platform (its `platform` output) and its kubeconfig (a secret). */
  host: PlatformRef;
  kubeconfig: pulumi.Input<string>;
  /** The application namespace this stack owns on the host's cluster. */
  namespace: string;
  /** This stack's roles, mapped into the host's cluster by access entries. */
  roleArns: {
    devops: pulumi.Input<string>;
    developer: pulumi.Input<string>;
    cicd: pulumi.Input<string>;
    deploy: pulumi.Input<string>;
  };
  /** The KMS key this stack's secrets are encrypted with. */
  secretsKeyArn: pulumi.Input<string>;
}

export class HostedEnvironment extends pulumi.ComponentResource {
  /** Kubernetes provider for the host's cluster (from its kubeconfig, a secret). */
  public readonly provider: k8s.Provider;
  /** The namespace this stack owns, once created. */
  public readonly namespace: pulumi.Output<string>;
  /** The namespace's SecretStore; depend on it to declare external-secrets kinds. */
  public readonly secretsSyncReady: pulumi.Resource;
  /** The SecretStore's name (`aws-secrets-manager`, as the cluster store's). */
  public readonly secretStoreName: string;

  constructor(name: string, args: HostedEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:platform:HostedEnvironment", name, {}, opts);
    const { account, host, namespace: ns } = args;
    const parent = { parent: this };
    const declare = (manifest: Manifest, dependsOn: pulumi.Resource[] = []) =>
      declareManifest(manifestResourceName(name, manifest), manifest, {
        parent: this,
        provider: this.provider,
        dependsOn,
      });

    // Access entries first: they are how this stack's roles reach the cluster at all.
    const groups = hostedKubernetesGroups(ns);
    const entry = (role: string, principalArn: pulumi.Input<string>, kubernetesGroups: string[]) =>
      new aws.eks.AccessEntry(
        `${name}-${role}`,
        { clusterName: host.clusterName, principalArn, kubernetesGroups, type: "STANDARD" },
        parent,
      );
    const associate = (role: string, created: aws.eks.AccessEntry, policy: Parameters<typeof accessPolicy>[1]) =>
      new aws.eks.AccessPolicyAssociation(
        `${name}-${role}`,
        {
          clusterName: host.clusterName,
          principalArn: created.principalArn,
          policyArn: accessPolicy(account.partition, policy),
          accessScope:
            policy === "AmazonEKSAdminPolicy" ? { type: "namespace", namespaces: [ns] } : { type: "cluster" },
        },
        parent,
      );
    // DevOps administer their own namespace; the deploy role creates the namespace and its cluster-scoped binding,
    // so it is cluster admin (it is account administrator already, docs/shared-platform.md).
    associate("devops", entry("devops", args.roleArns.devops, []), "AmazonEKSAdminPolicy");
    const deployAccess = associate("deploy", entry("deploy", args.roleArns.deploy, []), "AmazonEKSClusterAdminPolicy");
    entry("developer", args.roleArns.developer, [groups.developer]);
    entry("cicd", args.roleArns.cicd, [groups.cicd]);

    // Every Kubernetes object goes through this provider, which authenticates as whoever deploys (the deploy role on
    // the runner): it waits for that role's access, so no object is attempted before the cluster would accept it.
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: args.kubeconfig, enableServerSideApply: true },
      { parent: this, dependsOn: [deployAccess] },
    );

    const plan: NamespacePlan = { name: ns, enforce: "restricted", app: true };
    const namespace = declare(namespaceManifest(plan)) as k8s.core.v1.Namespace;
    const network = { vpcCidr: host.vpcCidr, loadBalancerCidrs: host.loadBalancerCidrs };
    for (const policy of networkPolicies(plan, network)) declare(policy, [namespace]);
    for (const binding of hostedRbac(ns)) declare(binding, [namespace]);

    // The secrets sync: the host's controller, this stack's identity and store.
    const role = irsaRole(
      `${name}-external-secrets`,
      {
        roleName: `${args.prefix}-external-secrets`,
        description: `external-secrets in namespace ${ns}: reads ${args.prefix}/* only`,
        oidcProviderArn: host.oidcProviderArn,
        oidcIssuer: host.oidcIssuer,
        namespace: ns,
        serviceAccount: secretStoreServiceAccount,
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
          namespace: ns,
          annotations: { "eks.amazonaws.com/role-arn": role.arn },
        },
        automountServiceAccountToken: false,
      },
      { parent: this, provider: this.provider, dependsOn: [namespace] },
    );
    const store = declare(
      namespacedSecretStore({ region: account.region, namespace: ns, serviceAccount: secretStoreServiceAccount }),
      [serviceAccount],
    );
    for (const manifest of externalSecrets(args.prefix, ns, "SecretStore")) declare(manifest, [store]);

    this.namespace = namespace.metadata.name;
    this.secretsSyncReady = store;
    this.secretStoreName = clusterSecretStoreName;
    this.registerOutputs({ namespace: this.namespace });
  }
}
