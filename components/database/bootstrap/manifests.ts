/**
 * The Kubernetes objects and the IAM policy of the bootstrap Job, as plain data (pure, validated in tests
 * against the Kubernetes and external-secrets schemas). ./index.ts only declares them.
 *
 * Credentials path: a namespaced SecretStore authenticates as the `db-bootstrap` service account (IRSA: its own
 * IAM role, allowed to read exactly the RDS-managed master secret and the two generated role-password secrets);
 * an ExternalSecret copies the four values the Job needs into a Kubernetes Secret the Job reads as environment
 * variables. Nothing is in plain text in Pulumi state, the Job spec, the ConfigMap or the logs.
 */
import { policyDocument, type PolicyDocument } from "../../iam";
import { bootstrapHash, jobScript, maintenanceDatabase, sqlFiles, type Step } from "./plan";

/** Service account the SecretStore authenticates as (and the IRSA trust names). */
export const serviceAccountName = "db-bootstrap";
/** Default namespace when the caller does not pass one: the bootstrap holds master credentials, so it gets its own. */
export const defaultNamespace = "db-bootstrap";

export interface ManifestArgs {
  namespace: string;
  plan: Step[];
  /** Folded into the hash: e.g. the role-password rotation date, so rotated passwords re-run the Job. */
  hashExtra: string;
  /** Database endpoint. */
  host: string;
  port: number;
  /** Container image with psql of the server's major. */
  image: string;
  /** AWS region of the secrets. */
  region: string;
  /** Secrets Manager ARNs the ExternalSecret reads. */
  masterSecretArn: string;
  appUserSecretArn: string;
  monitorSecretArn: string;
}

export const sqlMountPath = "/bootstrap/sql";
const labels = { "app.kubernetes.io/name": "db-bootstrap", "app.kubernetes.io/part-of": "qualisys" };

export function bootstrapManifests(args: ManifestArgs) {
  const hash = bootstrapHash(args.plan, args.hashExtra);
  const name = `db-bootstrap-${hash}`;
  const metadata = (objectName: string) => ({ name: objectName, namespace: args.namespace, labels });

  const configMap = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: metadata(`${name}-sql`),
    immutable: true,
    data: { ...sqlFiles(args.plan), "bootstrap.sh": jobScript(args.plan, sqlMountPath) },
  };

  const secretStore = {
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata: metadata("db-bootstrap"),
    spec: {
      provider: {
        aws: {
          service: "SecretsManager",
          region: args.region,
          auth: { jwt: { serviceAccountRef: { name: serviceAccountName } } },
        },
      },
    },
  };

  // Named with the hash: a changed bootstrap (or rotated passwords) reads the secrets afresh instead of waiting
  // for the next refresh of an older copy.
  const remote = (key: string, property: string) => ({ key, property });
  const externalSecret = {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { ...metadata(`${name}-credentials`), annotations: { "pulumi.com/waitFor": "condition=Ready" } },
    spec: {
      refreshInterval: "15m",
      secretStoreRef: { kind: "SecretStore", name: secretStore.metadata.name },
      target: { name: `${name}-credentials`, creationPolicy: "Owner", deletionPolicy: "Delete" },
      data: [
        { secretKey: "PGUSER", remoteRef: remote(args.masterSecretArn, "username") },
        { secretKey: "PGPASSWORD", remoteRef: remote(args.masterSecretArn, "password") },
        { secretKey: "APP_USER_PASSWORD", remoteRef: remote(args.appUserSecretArn, "password") },
        { secretKey: "MONITOR_PASSWORD", remoteRef: remote(args.monitorSecretArn, "password") },
      ],
    },
  };

  // Only DNS and PostgreSQL out; nothing in (the namespaces default-deny, SPEC E3).
  const networkPolicy = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: metadata("db-bootstrap"),
    spec: {
      podSelector: { matchLabels: labels },
      policyTypes: ["Ingress", "Egress"],
      ingress: [],
      egress: [
        {
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
        { ports: [{ protocol: "TCP", port: args.port }] },
      ],
    },
  };

  const job = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { ...metadata(name), annotations: { "qualisys.io/bootstrap-hash": hash } },
    spec: {
      // A failing bootstrap is retried a few times (e.g. while the ExternalSecret syncs), then reported.
      backoffLimit: 4,
      activeDeadlineSeconds: 900,
      // No ttlSecondsAfterFinished: a Job that vanished would be re-created, and so re-run, by the next `up`.
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 70,
            runAsGroup: 70,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name: "bootstrap",
              image: args.image,
              command: ["/bin/sh", `${sqlMountPath}/bootstrap.sh`],
              env: [
                { name: "PGHOST", value: args.host },
                { name: "PGPORT", value: String(args.port) },
                { name: "PGDATABASE", value: maintenanceDatabase },
                // TLS is enforced by the server (rds.force_ssl); verify-full would also need the RDS CA bundle.
                { name: "PGSSLMODE", value: "require" },
                { name: "PGCONNECT_TIMEOUT", value: "10" },
                { name: "PGAPPNAME", value: name },
              ],
              envFrom: [{ secretRef: { name: externalSecret.spec.target.name } }],
              // The root filesystem is read-only; the shell may need /tmp for here-documents.
              volumeMounts: [
                { name: "sql", mountPath: sqlMountPath, readOnly: true },
                { name: "tmp", mountPath: "/tmp" },
              ],
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
              resources: {
                requests: { cpu: "50m", memory: "64Mi" },
                limits: { memory: "128Mi" },
              },
            },
          ],
          volumes: [
            { name: "sql", configMap: { name: configMap.metadata.name } },
            { name: "tmp", emptyDir: { sizeLimit: "16Mi" } },
          ],
        },
      },
    },
  };

  return { hash, name, configMap, secretStore, externalSecret, networkPolicy, job };
}

/** The bootstrap's IAM policy: read exactly its three secrets, decrypt them only through Secrets Manager. */
export function bootstrapSecretsPolicy(args: {
  region: string;
  secretArns: string[];
  secretsKeyArn: string;
}): PolicyDocument {
  return policyDocument(
    {
      Sid: "ReadBootstrapSecrets",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
      Resource: [...args.secretArns].sort(),
    },
    {
      Sid: "DecryptThroughSecretsManager",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: args.secretsKeyArn,
      Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${args.region}.amazonaws.com` } },
    },
  );
}
