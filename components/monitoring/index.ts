/**
 * The in-cluster monitoring stack (SPEC O1, O2) in the `monitoring` namespace: kube-prometheus-stack (Prometheus,
 * Alertmanager, Grafana, node-exporter, kube-state-metrics), the PostgreSQL and Redis exporters over TLS
 * (./exporters.ts), the
 * platform's alert rules and dashboards. Credentials reach pods only as Kubernetes Secrets: synced from Secrets
 * Manager by external-secrets, or (the Slack webhook, when set in stack config) written from the Pulumi secret.
 * No credential passes through Helm values.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { MonitoringSettings } from "../../config";
import { helmRelease, type Chart } from "../kubernetes/helm";
import type { Values } from "../kubernetes/values";
import { declareManifest } from "../kubernetes/declare";
import { albIngressGroup, grafanaHost, loadBalancerName, secretName } from "../naming";
import { dashboardLabel, dashboards } from "./dashboards";
import { prometheusRuleSpec } from "./rules";
import { DataTierExporters } from "./exporters";
import { charts, externalSecret, kubePrometheusStackValues, secretNames, slackWebhookKey } from "./values";

export interface MonitoringArgs extends MonitoringSettings {
  /** Kubernetes provider of the stack's cluster (`cluster.provider`). */
  provider: k8s.Provider;
  /** The monitoring namespace, created by the cluster (`cluster.namespaces.monitoring`). */
  namespace: pulumi.Input<string>;
  /** ClusterSecretStore backed by Secrets Manager (`cluster.clusterSecretStoreName`, "aws-secrets-manager"). */
  clusterSecretStoreName: pulumi.Input<string>;
  /**
   * What the ExternalSecrets here wait for (`cluster.secretsSyncReady`): the store, which exists only once
   * external-secrets and its CRDs do. A component's own `dependsOn` does not reach its children.
   */
  secretsSyncReady: pulumi.Resource;
  /** Prefix of physical names (`qualisys-dev`): Secrets Manager names, the ALB and its IngressGroup. */
  prefix: string;
  /** Public DNS domain; Grafana gets an ingress at `grafana.<domain>` when set. Default none (port-forward only). */
  domain?: string;
  /** RDS endpoint address (`database.address`). */
  databaseAddress: pulumi.Input<string>;
  /** RDS port (`database.port`, 5432). */
  databasePort: pulumi.Input<number>;
  /** ElastiCache configuration endpoint (`cache.configurationEndpointAddress`). */
  cacheAddress: pulumi.Input<string>;
  /** ElastiCache port (`cache.port`, 6379). */
  cachePort: pulumi.Input<number>;
  /**
   * Slack incoming webhook (`config.secrets.slackWebhookUrl`), a Pulumi secret. Default none: the webhook is synced
   * from the `<prefix>/slack-webhook` app secret in Secrets Manager instead, once someone fills it in.
   */
  slackWebhookUrl?: pulumi.Output<string>;
  /** KMS key for the Grafana admin secret in Secrets Manager (`keys.arns.secrets`). */
  secretsKeyArn: pulumi.Input<string>;
  /** Keep the Grafana admin secret recoverable for 30 days after deletion (prod). Default false: deleted at once. */
  protect?: boolean;
}

export class Monitoring extends pulumi.ComponentResource {
  /** Grafana's URL when the stack has a domain. */
  public readonly grafanaUrl?: string;
  /** Secrets Manager ARN of the Grafana admin credentials (`{"username","password"}`). */
  public readonly grafanaAdminSecretArn: pulumi.Output<string>;
  /** The kube-prometheus-stack release's name, for `kubectl port-forward svc/<name>-grafana`. */
  public readonly releaseName: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:monitoring:Monitoring", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const namespace = args.namespace;
    const store = { kind: "ClusterSecretStore" as const, name: args.clusterSecretStoreName };
    const synced = (part: string, remoteKey: string, secret: string, keys: Record<string, string | null>) =>
      declareManifest(`${name}-${part}`, externalSecret({ name: secret, namespace, store, remoteKey, keys }), {
        ...k8sOpts,
        dependsOn: [args.secretsSyncReady],
      });

    // Grafana admin: generated here, kept in Secrets Manager (KMS) where devops can read it, synced into the
    // namespace. Helm only learns the Secret's name.
    const password = new random.RandomPassword(
      `${name}-grafana-admin`,
      { length: 32, special: false },
      { parent: this },
    );
    const adminSecret = new aws.secretsmanager.Secret(
      `${name}-grafana-admin`,
      {
        name: `${args.prefix}/platform/grafana-admin`,
        description: `${args.prefix}: Grafana admin credentials`,
        kmsKeyId: args.secretsKeyArn,
        recoveryWindowInDays: args.protect ? 30 : 0,
      },
      { parent: this },
    );
    const adminVersion = new aws.secretsmanager.SecretVersion(
      `${name}-grafana-admin`,
      {
        secretId: adminSecret.id,
        secretString: pulumi.secret(password.result.apply((p) => JSON.stringify({ username: "admin", password: p }))),
      },
      { parent: this },
    );
    const grafanaAdmin = declareManifest(
      `${name}-grafana-admin`,
      externalSecret({
        name: secretNames.grafanaAdmin,
        namespace,
        store,
        remoteKey: `${args.prefix}/platform/grafana-admin`,
        keys: { "admin-user": "username", "admin-password": "password" },
      }),
      { ...k8sOpts, dependsOn: [adminVersion, args.secretsSyncReady] },
    );

    const slackWebhook = args.slackWebhookUrl
      ? new k8s.core.v1.Secret(
          `${name}-slack-webhook`,
          {
            metadata: { name: secretNames.slackWebhook, namespace },
            type: "Opaque",
            stringData: { [slackWebhookKey]: args.slackWebhookUrl },
          },
          k8sOpts,
        )
      : synced("slack-webhook", secretName(args.prefix, "slack-webhook"), secretNames.slackWebhook, {
          [slackWebhookKey]: null,
        });

    const host = args.domain ? grafanaHost(args.domain) : undefined;
    const release = (
      part: string,
      chart: Chart,
      version: string,
      values: pulumi.Input<Values>,
      dependsOn: pulumi.Resource[],
    ) =>
      helmRelease(
        `${name}-${part}`,
        { name: part, namespace, chart, version, values, timeout: 900 },
        { ...k8sOpts, dependsOn },
      );
    const stack = release(
      "kube-prometheus-stack",
      charts.kubePrometheusStack,
      args.charts.kubePrometheusStack,
      kubePrometheusStackValues({
        settings: args,
        grafanaHost: host,
        loadBalancerName: loadBalancerName(args.prefix),
        ingressGroup: albIngressGroup(args.prefix),
      }),
      [grafanaAdmin, slackWebhook],
    );
    // The exporters' ServiceMonitors need the operator's CRDs, which the stack's release installs. They were
    // declared here directly before they had a component of their own: keep their URNs.
    new DataTierExporters(
      name,
      {
        provider: args.provider,
        namespace,
        store,
        secretsSyncReady: args.secretsSyncReady,
        prefix: args.prefix,
        databaseAddress: args.databaseAddress,
        databasePort: args.databasePort,
        cacheAddress: args.cacheAddress,
        cachePort: args.cachePort,
        charts: args.charts,
        dependsOn: [stack],
        formerParent: this,
      },
      { parent: this },
    );

    declareManifest(
      `${name}-alert-rules`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: "qualisys-alerts", namespace },
        spec: prometheusRuleSpec(),
      },
      { ...k8sOpts, dependsOn: [stack] },
    );

    for (const dashboard of dashboards()) {
      new k8s.core.v1.ConfigMap(
        `${name}-dashboard-${dashboard.uid}`,
        {
          metadata: { name: `dashboard-${dashboard.uid}`, namespace, labels: { ...dashboardLabel } },
          data: { [dashboard.file]: dashboard.json },
        },
        k8sOpts,
      );
    }

    this.grafanaUrl = host ? `https://${host}` : undefined;
    this.grafanaAdminSecretArn = adminSecret.arn;
    this.releaseName = stack.name;
    this.registerOutputs({ grafanaAdminSecretArn: this.grafanaAdminSecretArn, releaseName: this.releaseName });
  }
}
