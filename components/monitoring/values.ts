/**
 * Helm values and Kubernetes objects of the monitoring stack, as pure functions of the stack's settings. The
 * static part of each chart's values lives in ./values/<chart>.yaml; these functions add what varies per stack.
 * Chart versions are pinned in config (`monitoring.charts`, SPEC O1).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { MonitoringSettings } from "../../config";
import { mergeValues as merge, readValues, type Values } from "../kubernetes/values";

const prometheusCommunity = "https://prometheus-community.github.io/helm-charts";

/** Chart and repository of every release; versions are `monitoring.charts`. */
export const charts = {
  kubePrometheusStack: { chart: "kube-prometheus-stack", repo: prometheusCommunity },
  postgresExporter: { chart: "prometheus-postgres-exporter", repo: prometheusCommunity },
  redisExporter: { chart: "prometheus-redis-exporter", repo: prometheusCommunity },
} as const;

/** Kubernetes Secrets the stack reads; none of their values passes through Helm values. */
export const secretNames = {
  grafanaAdmin: "grafana-admin",
  slackWebhook: "alertmanager-slack-webhook",
  postgresExporter: "postgres-exporter-credentials",
  redisExporter: "redis-exporter-auth",
} as const;

/** Key of the webhook URL inside its Secret. */
export const slackWebhookKey = "url";

/** Where alertmanagerSpec.secrets mounts a Secret: /etc/alertmanager/secrets/<secret>/<key>. */
export const slackWebhookFile = `/etc/alertmanager/secrets/${secretNames.slackWebhook}/${slackWebhookKey}`;

const staticValues = (file: string): Values => readValues(`${__dirname}/values`, file);

const volume = (storageClassName: string, sizeGb: number) => ({
  storageClassName,
  accessModes: ["ReadWriteOnce"],
  resources: { requests: { storage: `${sizeGb}Gi` } },
});

export interface StackValuesArgs {
  settings: MonitoringSettings;
  /** Grafana's public hostname, when the stack has a domain; no ingress otherwise. */
  grafanaHost?: string;
  /** The ALB the controller shares between the platform's ingresses. */
  loadBalancerName: string;
  /** The IngressGroup of that ALB. */
  ingressGroup: string;
}

/** kube-prometheus-stack values (SPEC O1, O2). */
export function kubePrometheusStackValues(args: StackValuesArgs): Values {
  const s = args.settings;
  const base = staticValues("kube-prometheus-stack.yaml");
  const channel = (name?: string) => (name ? { channel: name } : {});
  const receivers = (base.alertmanager.config.receivers as Values[]).map((receiver) =>
    receiver.slack_configs
      ? {
          ...receiver,
          slack_configs: (receiver.slack_configs as Values[]).map((c) => ({
            ...c,
            api_url_file: slackWebhookFile,
            ...channel(receiver.name === "slack-critical" ? s.slackCriticalChannel : s.slackWarningChannel),
          })),
        }
      : receiver,
  );
  const host = args.grafanaHost;
  return merge(base, {
    prometheus: {
      prometheusSpec: {
        retention: `${s.prometheusRetentionDays}d`,
        // Leave 10% of the volume free so compaction never fills it.
        retentionSize: `${Math.floor(s.prometheusStorageGb * 0.9)}GB`,
        storageSpec: { volumeClaimTemplate: { spec: volume(s.storageClassName, s.prometheusStorageGb) } },
      },
    },
    alertmanager: {
      alertmanagerSpec: {
        secrets: [secretNames.slackWebhook],
        storage: { volumeClaimTemplate: { spec: volume(s.storageClassName, s.alertmanagerStorageGb) } },
      },
      config: { ...base.alertmanager.config, receivers },
    },
    grafana: {
      admin: { existingSecret: secretNames.grafanaAdmin, userKey: "admin-user", passwordKey: "admin-password" },
      persistence: {
        enabled: true,
        type: "pvc",
        storageClassName: s.storageClassName,
        accessModes: ["ReadWriteOnce"],
        size: `${s.grafanaStorageGb}Gi`,
      },
      "grafana.ini": host ? { server: { root_url: `https://${host}` } } : {},
      ingress: host
        ? {
            enabled: true,
            ingressClassName: "alb",
            hosts: [host],
            path: "/",
            pathType: "Prefix",
            annotations: {
              // Join the platform's shared ALB (its WAF and certificate come with it) rather than create one.
              "alb.ingress.kubernetes.io/group.name": args.ingressGroup,
              "alb.ingress.kubernetes.io/load-balancer-name": args.loadBalancerName,
              "alb.ingress.kubernetes.io/scheme": "internet-facing",
              "alb.ingress.kubernetes.io/target-type": "ip",
              "alb.ingress.kubernetes.io/listen-ports": '[{"HTTPS":443}]',
              "alb.ingress.kubernetes.io/healthcheck-path": "/api/health",
            },
          }
        : { enabled: false },
    },
  });
}

/** prometheus-postgres-exporter values: TLS to RDS, credentials from a Secret synced from Secrets Manager. */
export function postgresExporterValues(host: string, port: number): Values {
  return merge(staticValues("postgres-exporter.yaml"), {
    config: {
      datasource: {
        host,
        port: String(port),
        userSecret: { name: secretNames.postgresExporter, key: "username" },
        passwordSecret: { name: secretNames.postgresExporter, key: "password" },
      },
    },
  });
}

/** prometheus-redis-exporter values: `rediss://` (TLS, certificate verified), AUTH token from a Secret. */
export function redisExporterValues(host: string, port: number): Values {
  return merge(staticValues("redis-exporter.yaml"), {
    redisAddress: `rediss://${host}:${port}`,
    auth: { enabled: true, secret: { name: secretNames.redisExporter, key: "authToken" } },
  });
}

/** The external-secrets store an ExternalSecret reads through: the cluster's, or a namespace's own. */
export interface StoreRef {
  kind: "ClusterSecretStore" | "SecretStore";
  name: pulumi.Input<string>;
}

/** An ExternalSecret that copies properties of a Secrets Manager JSON secret (or the whole string) into a Secret. */
export function externalSecret(args: {
  name: string;
  namespace: pulumi.Input<string>;
  store: StoreRef;
  remoteKey: string;
  /** Secret key → JSON property of the remote secret; a `null` property takes the whole secret string. */
  keys: Record<string, string | null>;
}) {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { name: args.name, namespace: args.namespace },
    spec: {
      refreshInterval: "1h",
      secretStoreRef: { kind: args.store.kind, name: args.store.name },
      target: { name: args.name, creationPolicy: "Owner" },
      data: Object.entries(args.keys).map(([secretKey, property]) => ({
        secretKey,
        remoteRef: property === null ? { key: args.remoteKey } : { key: args.remoteKey, property },
      })),
    },
  };
}
