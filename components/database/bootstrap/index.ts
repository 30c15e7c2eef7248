/**
 * Runs the database bootstrap (SPEC D2, D6) inside the VPC, as a Kubernetes Job on the cluster: the bundled Node
 * runner (./job), the SQL of ./sql and the tenant migrations in a ConfigMap, the credentials through
 * external-secrets (see ./manifests). The Job's name carries a hash of the SQL, the migrations, the runner and the
 * role-password rotation date: a change re-runs it (a new Job replaces the old one), an unchanged bootstrap
 * leaves the completed Job alone.
 * The SQL is idempotent and serialised with advisory locks, so an overlapping run is harmless.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AccountRef } from "../../account";
import { irsaRole } from "../../kubernetes/irsa";
import { declareManifest } from "../../kubernetes/declare";
import {
  bootstrapManifests,
  bootstrapSecretsPolicy,
  defaultNamespace,
  defaultRunnerImage,
  serviceAccountName,
} from "./manifests";
import { bootstrapPlan, type Step } from "./plan";

export interface DatabaseBootstrapArgs {
  /** Kubernetes provider of the cluster. */
  provider: k8s.Provider;
  /**
   * What the SecretStore and ExternalSecret here wait for (`cluster.secretsSyncReady`): external-secrets and its
   * CRDs. A component's own `dependsOn` does not reach its children.
   */
  secretsSyncReady: pulumi.Resource;
  /** Namespace to run in. Default: a namespace `db-bootstrap` created here (it holds master credentials). */
  namespace?: pulumi.Input<string>;
  /**
   * Name of the namespace created here when `namespace` is not given. Default `db-bootstrap`; a stack hosted on
   * another's cluster names its own (`staging-db-bootstrap`), beside the host's.
   */
  namespaceName?: string;
  /** IRSA: the cluster's OIDC provider ARN and issuer (without https://). */
  oidcProviderArn: pulumi.Input<string>;
  oidcIssuer: pulumi.Input<string>;
  account: AccountRef;
  /** Prefix of the IAM role name (`qualisys-dev`). */
  prefix: string;
  /** The permissions boundary of its IAM role, for a stack hosted on another's platform. Default none. */
  permissionsBoundary?: pulumi.Input<string>;
  /** Database endpoint. */
  address: pulumi.Input<string>;
  port: pulumi.Input<number>;
  /** PostgreSQL major (the runner speaks the wire protocol, so it no longer selects an image). */
  engineMajor: number;
  /** RDS-managed master secret, and the generated role-password secrets. */
  masterUserSecretArn: pulumi.Input<string>;
  appUserSecretArn: pulumi.Input<string>;
  monitorSecretArn: pulumi.Input<string>;
  /** The key those secrets are encrypted with. */
  secretsKeyArn: pulumi.Input<string>;
  /** Changes re-run the Job (the role-password rotation date). */
  rolePasswordsVersion: string;
  /** The tenant cap of each application database (`database.maxTenants`); a change re-runs the Job. */
  maxTenants: number;
  /** Node.js image of the runner. Default: the official `node` image from the ECR Public mirror (./manifests). */
  image?: string;
  /** The plan to run. Default: the full bootstrap. */
  plan?: Step[];
}

export class DatabaseBootstrap extends pulumi.ComponentResource {
  /** The hash in the Job's name. */
  public readonly hash: string;
  /** The Job's name (`db-bootstrap-<hash>`). */
  public readonly jobName: pulumi.Output<string>;
  /** The namespace it runs in. */
  public readonly namespace: pulumi.Output<string>;
  /** The IRSA role the SecretStore uses. */
  public readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: DatabaseBootstrapArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:database:DatabaseBootstrap", name, {}, opts);
    const plan = args.plan ?? bootstrapPlan();
    const aws_ = { parent: this };
    const kube = { parent: this, provider: args.provider };

    const namespace = args.namespace
      ? pulumi.output(args.namespace)
      : new k8s.core.v1.Namespace(
          `${name}-namespace`,
          {
            metadata: {
              name: args.namespaceName ?? defaultNamespace,
              labels: {
                "pod-security.kubernetes.io/enforce": "restricted",
                "pod-security.kubernetes.io/audit": "restricted",
                "pod-security.kubernetes.io/warn": "restricted",
              },
            },
          },
          kube,
        ).metadata.name;

    const role = irsaRole(
      `${name}-secrets`,
      {
        roleName: `${args.prefix}-db-bootstrap`,
        description: "Database bootstrap: reads the master and role-password secrets (external-secrets, IRSA)",
        oidcProviderArn: args.oidcProviderArn,
        oidcIssuer: args.oidcIssuer,
        namespace,
        serviceAccount: serviceAccountName,
        permissionsBoundary: args.permissionsBoundary,
        policy: pulumi
          .all([args.masterUserSecretArn, args.appUserSecretArn, args.monitorSecretArn, args.secretsKeyArn])
          .apply(([master, app, monitor, key]) =>
            JSON.stringify(
              bootstrapSecretsPolicy({
                region: args.account.region,
                secretArns: [master, app, monitor],
                secretsKeyArn: key,
              }),
            ),
          ),
      },
      aws_,
    );

    const serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      {
        metadata: {
          name: serviceAccountName,
          namespace,
          annotations: { "eks.amazonaws.com/role-arn": role.arn },
        },
        automountServiceAccountToken: false,
      },
      kube,
    );

    const render = (ns: string, host: string, port: number, master: string, app: string, monitor: string) =>
      bootstrapManifests({
        namespace: ns,
        plan,
        hashExtra: args.rolePasswordsVersion,
        maxTenants: args.maxTenants,
        host,
        port,
        image: args.image ?? defaultRunnerImage,
        region: args.account.region,
        masterSecretArn: master,
        appUserSecretArn: app,
        monitorSecretArn: monitor,
      });
    const rendered = pulumi
      .all([namespace, args.address, args.port, args.masterUserSecretArn, args.appUserSecretArn, args.monitorSecretArn])
      .apply(([ns, host, port, master, app, monitor]) => render(ns, host, port, master, app, monitor));
    // Each object's apiVersion and kind do not depend on the endpoint or the ARNs: read them from a render with
    // blanks, so the resource's type is known now; its fields follow once the real values are.
    const shape = render("", "", 0, "", "", "");
    this.hash = shape.hash;
    type Part = "secretStore" | "externalSecret" | "configMap" | "networkPolicy" | "job";
    const declare = (resourcePart: string, part: Part, dependsOn: pulumi.Resource[] = []) => {
      const { apiVersion, kind } = shape[part];
      const fields = Object.fromEntries(
        ["metadata", "spec", "data", "immutable"]
          .filter((field) => field in shape[part])
          .map((field) => [field, rendered.apply((m) => (m[part] as Record<string, unknown>)[field])]),
      );
      return declareManifest(`${name}-${resourcePart}`, { apiVersion, kind, ...fields }, { ...kube, dependsOn });
    };
    // external-secrets' CRDs must exist before its kinds: the store and the credentials wait for the secrets sync.
    const store = declare("store", "secretStore", [serviceAccount, args.secretsSyncReady]);
    const credentials = declare("credentials", "externalSecret", [store, args.secretsSyncReady]);
    const sql = declare("sql", "configMap");
    const egress = declare("egress", "networkPolicy");
    const job = declare("job", "job", [credentials, sql, egress]) as k8s.batch.v1.Job;

    this.jobName = job.metadata.name;
    this.namespace = namespace;
    this.roleArn = role.arn;
    this.registerOutputs({ jobName: this.jobName, namespace: this.namespace, roleArn: this.roleArn, hash: this.hash });
  }
}
