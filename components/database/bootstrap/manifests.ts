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
import { runnerBundle } from "./bundle";
import { bootstrapHash, maintenanceDatabase, migrationFiles, sqlFiles, type Step } from "./plan";

/** Service account the SecretStore authenticates as (and the IRSA trust names). */
export const serviceAccountName = "db-bootstrap";
/** Default namespace when the caller does not pass one: the bootstrap holds master credentials, so it gets its own. */
export const defaultNamespace = "db-bootstrap";

export interface ManifestArgs {
  namespace: string;
  plan: Step[];
  /** Folded into the hash: e.g. the role-password rotation date, so rotated passwords re-run the Job. */
  hashExtra: string;
  /** The tenant cap the Job sets (database.maxTenants); part of the hash, so a new cap re-runs the Job. */
  maxTenants: number;
  /** Database endpoint. */
  host: string;
  port: number;
  /** Container image with Node.js (runs the bundled runner). Default {@link defaultRunnerImage}. */
  image: string;
  /** AWS region of the secrets. */
  region: string;
  /** Secrets Manager ARNs the ExternalSecret reads. */
  masterSecretArn: string;
  appUserSecretArn: string;
  monitorSecretArn: string;
}

/**
 * The official Node.js image (Docker Hub's `node`, mirrored on ECR Public) of Node 24.21.0, the newest 24.x LTS
 * release in the npm registry's `node` package on 2026-11-29 (published 2026-09-10); the official image publishes a
 * `<version>-alpine` tag for every release. Pinned to the patch so a `pulumi up` never changes the runner unasked.
 */
export const defaultRunnerImage = "public.ecr.aws/docker/library/node:24.21.0-alpine";
/** Where the runner and its SQL are mounted: bootstrap.js, sql/…, tenant-migrations/… (as in this folder). */
export const mountPath = "/bootstrap";

/** The files the Job needs, by path relative to {@link mountPath}: the bundled runner, the SQL, the migrations. */
export function jobFiles(plan: Step[]): Record<string, string> {
  const under = (folder: string, files: Record<string, string>) =>
    Object.entries(files).map(([name, text]) => [`${folder}/${name}`, text]);
  return Object.fromEntries([
    ["bootstrap.js", runnerBundle()],
    ...under("sql", sqlFiles(plan)),
    ...under("tenant-migrations", migrationFiles(plan)),
  ]);
}

/** ConfigMap keys cannot hold "/": `sql/00-roles.sql` is stored as `sql.00-roles.sql` and mounted back by path. */
const configMapKey = (path: string) => path.replace("/", ".");

/** The Job's identity (its name): the plan, the bundled runner and `extra` (see bootstrapHash). */
export function jobHash(plan: Step[], extra: string): string {
  return bootstrapHash(plan, extra, runnerBundle());
}
const labels = { "app.kubernetes.io/name": "db-bootstrap", "app.kubernetes.io/part-of": "qualisys" };

export function bootstrapManifests(args: ManifestArgs) {
  const hash = jobHash(args.plan, `${args.hashExtra}\0maxTenants=${args.maxTenants}`);
  const files = jobFiles(args.plan);
  const name = `db-bootstrap-${hash}`;
  const metadata = (objectName: string) => ({ name: objectName, namespace: args.namespace, labels });

  const configMap = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: metadata(`${name}-sql`),
    immutable: true,
    data: Object.fromEntries(Object.entries(files).map(([path, text]) => [configMapKey(path), text])),
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
      // Room for a fleet migration: at a tenth of the rate measured locally (docs/migrations.md, "Figures") an hour
      // still covers about 100,000 tenants.
      activeDeadlineSeconds: 3600,
      // No ttlSecondsAfterFinished: a Job that vanished would be re-created, and so re-run, by the next `up`.
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            // The image's `node` user.
            runAsUser: 1000,
            runAsGroup: 1000,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name: "bootstrap",
              image: args.image,
              command: ["node", `${mountPath}/bootstrap.js`],
              env: [
                { name: "PGHOST", value: args.host },
                { name: "PGPORT", value: String(args.port) },
                { name: "PGDATABASE", value: maintenanceDatabase },
                // TLS is enforced by the server (rds.force_ssl); verify-full would also need the RDS CA bundle.
                { name: "PGSSLMODE", value: "require" },
                { name: "PGCONNECT_TIMEOUT", value: "10" },
                { name: "PGAPPNAME", value: name },
                { name: "MAX_TENANTS", value: String(args.maxTenants) },
              ],
              envFrom: [{ secretRef: { name: externalSecret.spec.target.name } }],
              // The root filesystem is read-only; /tmp stays writable for anything Node puts there.
              volumeMounts: [
                { name: "sql", mountPath, readOnly: true },
                { name: "tmp", mountPath: "/tmp" },
              ],
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
              resources: {
                requests: { cpu: "100m", memory: "128Mi" },
                limits: { memory: "256Mi" },
              },
            },
          ],
          volumes: [
            {
              name: "sql",
              configMap: {
                name: configMap.metadata.name,
                items: Object.keys(files).map((path) => ({ key: configMapKey(path), path })),
              },
            },
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
