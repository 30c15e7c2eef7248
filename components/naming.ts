/**
 * Physical names that more than one component must agree on before the resources exist (a role's policy names
 * the cluster it may describe; a key policy names the log groups it encrypts). Keep them here, in one place.
 */

/** The EKS cluster's name. */
export const clusterName = (prefix: string) => prefix;

/** Prefix of every CloudWatch log group this program creates (`/qualisys/dev/…`). */
export const logGroupPrefix = (appName: string, stack: string) => `/${appName}/${stack}`;

/** The log group EKS writes control-plane logs to; its name is fixed by AWS. */
export const clusterLogGroupName = (prefix: string) => `/aws/eks/${clusterName(prefix)}/cluster`;

/** The RDS instance identifier (alarms and dashboards name it before it exists). */
export const databaseIdentifier = (prefix: string) => `${prefix}-postgres`;

/** The ElastiCache replication group id (at most 40 characters). */
export const cacheReplicationGroupId = (prefix: string) => `${prefix}-redis`;

/** The ALB's name, fixed through the load balancer controller's `load-balancer-name` annotation (≤ 32 chars). */
export const loadBalancerName = (prefix: string) => `${prefix}-alb`;

/** Namespaces the platform itself owns (the application namespaces come from `cluster.namespaces`). */
export const platformNamespaces = { playwright: "playwright-pool", monitoring: "monitoring" } as const;

/**
 * Secrets Manager entries the application reads (SPEC S1), under `<prefix>/`. The data tier creates them (values
 * from outside are created empty and filled out of band); the cluster syncs them into the app namespaces with
 * external-secrets, whose IAM policy is scoped to this prefix.
 */
export const appSecrets = [
  "database-url",
  "redis-url",
  "jwt-signing-key",
  "openai-api-key",
  "anthropic-api-key",
  "google-oauth-client",
  "email-api-key",
  "slack-webhook",
] as const;
export type AppSecret = (typeof appSecrets)[number];

/** Secrets the platform itself reads (exporters, the database bootstrap), under `<prefix>/platform/`. */
export const platformSecrets = ["postgres-exporter", "redis-auth", "db-bootstrap", "app-user"] as const;
export type PlatformSecret = (typeof platformSecrets)[number];

/** The Secrets Manager name of a secret of this stack. */
export const secretName = (prefix: string, secret: AppSecret | PlatformSecret) =>
  (platformSecrets as readonly string[]).includes(secret) ? `${prefix}/platform/${secret}` : `${prefix}/${secret}`;

/**
 * The load balancer controller's IngressGroup: every platform ingress (app, api, grafana) carries
 * `alb.ingress.kubernetes.io/group.name` with this value, so they share the one ALB named `loadBalancerName`.
 */
export const albIngressGroup = (prefix: string) => prefix;

/** Grafana's public hostname under the configured domain (SPEC L1). */
export const grafanaHost = (domain: string) => `grafana.${domain}`;
