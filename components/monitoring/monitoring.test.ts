/**
 * The Monitoring component under the mock runtime, instantiated on its own through the harness's `program` option
 * with a Kubernetes provider built from a dummy kubeconfig.
 */
import * as k8s from "@pulumi/kubernetes";
import { loadConfig } from "../../config";
import { monitoringSchema } from "../../config/observability";
import { readStackFile, runStack, SECRET, type RecordedResource, type StackRun } from "../../offline/run";
import { dummyKubeconfig } from "../../tests/kubernetes/dummy-kubeconfig";
import { validateManifests } from "../../tests/kubernetes/validate";
import { named, ofType } from "../../offline/record";
import { dashboards } from "./dashboards";
import { Monitoring } from "./index";
import { prometheusRuleSpec } from "./rules";
import { charts } from "./values";

const webhook = "https://hooks.slack.com/services/T0LEAKTEST/B0LEAKTEST/never-in-values";

/** What index.ts will do once the cluster and data tier exist, with stand-ins for their outputs. */
async function program() {
  const config = loadConfig();
  const provider = new k8s.Provider("cluster", { kubeconfig: dummyKubeconfig });
  const monitoring = new Monitoring(config.prefix, {
    provider,
    namespace: "monitoring",
    clusterSecretStoreName: "aws-secrets-manager",
    secretsSyncReady: provider,
    prefix: config.prefix,
    domain: config.domain,
    databaseAddress: `${config.prefix}-postgres.c0ffee.us-east-1.rds.amazonaws.com`,
    databasePort: 5432,
    cacheAddress: `clustercfg.${config.prefix}-redis.c0ffee.use1.cache.amazonaws.com`,
    cachePort: 6379,
    slackWebhookUrl: config.secrets.slackWebhookUrl,
    secretsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/secrets",
    protect: config.protect,
    ...config.monitoring,
  });
  return { grafanaAdminSecretArn: monitoring.grafanaAdminSecretArn };
}

let prod: StackRun; // domain set, webhook set as a Pulumi secret
let dev: StackRun; // no domain, no webhook in config
beforeAll(async () => {
  const prodFile = readStackFile("prod").config;
  const prodConfig = {
    ...prodFile,
    "qualisys:domain": "qualisys.example.com",
    // A domain's certificate is validated by DNS in this zone (the cluster requires it with a domain).
    "qualisys:cluster": { ...(prodFile["qualisys:cluster"] as object), hostedZoneId: "Z0123456789ABCDEFGHIJ" },
  };
  prod = await runStack("prod", { program, config: prodConfig, secrets: { "qualisys:slackWebhookUrl": webhook } });
  dev = await runStack("dev", { program });
});

const release = (run: StackRun, name: string) =>
  named(run, "kubernetes:helm.sh/v3:Release", `qualisys-${run.stack}-${name}`);
const values = (r: RecordedResource) => r.inputs.values as Record<string, any>;
const apiVersions: Record<string, string> = {
  ExternalSecret: "external-secrets.io/v1",
  PrometheusRule: "monitoring.coreos.com/v1",
};
const customResources = (run: StackRun, kind: string) => ofType(run, `kubernetes:${apiVersions[kind]}:${kind}`);

it("runs for both variants", () => {
  expect(prod.error).toBeUndefined();
  expect(dev.error).toBeUndefined();
});

const pinned = monitoringSchema.parse({}).charts;
describe.each([
  ["kube-prometheus-stack", charts.kubePrometheusStack, pinned.kubePrometheusStack],
  ["postgres-exporter", charts.postgresExporter, pinned.postgresExporter],
  ["redis-exporter", charts.redisExporter, pinned.redisExporter],
] as const)("release %s", (name, chart, version) => {
  it("installs the official chart at a pinned version into monitoring, on the cluster's provider", () => {
    const r = release(prod, name);
    expect(r.inputs).toMatchObject({
      chart: chart.chart,
      version,
      repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" },
      namespace: "monitoring",
      name,
    });
    expect(r.inputs.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(r.provider).toMatch(/::pulumi:providers:kubernetes::cluster::/);
  });
});

describe("kube-prometheus-stack", () => {
  const stack = () => values(release(prod, "kube-prometheus-stack"));

  it("discovers ServiceMonitors, PodMonitors and rules in every namespace, whatever their labels", () => {
    const spec = stack().prometheus.prometheusSpec;
    for (const kind of ["serviceMonitor", "podMonitor", "rule", "probe"]) {
      expect(spec[`${kind}SelectorNilUsesHelmValues`]).toBe(false);
    }
    for (const selector of [
      "serviceMonitorNamespaceSelector",
      "podMonitorNamespaceSelector",
      "ruleNamespaceSelector",
    ]) {
      expect(spec[selector]).toEqual({});
    }
  });

  it("persists Prometheus, Alertmanager and Grafana on volumes of the configured class and size", () => {
    const v = stack();
    expect(v.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec).toEqual({
      storageClassName: "gp2",
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: "50Gi" } },
    });
    expect(v.prometheus.prometheusSpec.retention).toBe("15d");
    expect(v.alertmanager.alertmanagerSpec.storage.volumeClaimTemplate.spec.resources.requests.storage).toBe("5Gi");
    expect(v.grafana.persistence).toMatchObject({ enabled: true, size: "10Gi", storageClassName: "gp2" });
  });

  it("takes Grafana's admin credentials from a Secret, never from values", () => {
    const v = stack();
    expect(v.grafana.admin).toEqual({
      existingSecret: "grafana-admin",
      userKey: "admin-user",
      passwordKey: "admin-password",
    });
    expect(v.grafana.adminPassword).toBeUndefined();
    const text = JSON.stringify(ofType(prod, "kubernetes:helm.sh/v3:Release").map((r) => r.inputs));
    expect(text).not.toMatch(/adminPassword|admin-password"\s*:\s*"[^"]/);
  });

  it("generates the Grafana password, keeps it in Secrets Manager under KMS and syncs it into the namespace", () => {
    const secret = named(prod, "aws:secretsmanager/secret:Secret", "qualisys-prod-grafana-admin");
    expect(secret.inputs).toMatchObject({
      name: "qualisys-prod/platform/grafana-admin",
      kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/secrets",
      recoveryWindowInDays: 30,
    });
    const version = named(prod, "aws:secretsmanager/secretVersion:SecretVersion", "qualisys-prod-grafana-admin");
    expect(version.inputs.secretString).toBe(SECRET);
    const synced = customResources(prod, "ExternalSecret").find(
      (r) => (r.inputs.metadata as any).name === "grafana-admin",
    )!;
    expect((synced.inputs.spec as any).data.map((d: any) => [d.secretKey, d.remoteRef])).toEqual([
      ["admin-user", { key: "qualisys-prod/platform/grafana-admin", property: "username" }],
      ["admin-password", { key: "qualisys-prod/platform/grafana-admin", property: "password" }],
    ]);
    expect(synced.dependencies).toContain(version.urn);
  });

  it("routes alerts to Slack by severity through a mounted webhook file", () => {
    const am = stack().alertmanager;
    expect(am.alertmanagerSpec.secrets).toEqual(["alertmanager-slack-webhook"]);
    const routes = am.config.route.routes as { receiver: string; matchers: string[] }[];
    expect(routes.find((r) => r.matchers.includes("severity = critical"))?.receiver).toBe("slack-critical");
    expect(routes.find((r) => r.matchers.includes("severity = warning"))?.receiver).toBe("slack-warning");
    const slack = (am.config.receivers as any[]).filter((r) => r.slack_configs).flatMap((r) => r.slack_configs);
    expect(slack).toHaveLength(2);
    for (const c of slack) {
      expect(c.api_url_file).toBe("/etc/alertmanager/secrets/alertmanager-slack-webhook/url");
      expect(c.api_url).toBeUndefined();
    }
  });

  it("exposes Grafana at grafana.<domain> on the shared ALB when a domain is set, and not at all otherwise", () => {
    const ingress = stack().grafana.ingress;
    expect(ingress).toMatchObject({ enabled: true, ingressClassName: "alb", hosts: ["grafana.qualisys.example.com"] });
    expect(ingress.annotations).toMatchObject({
      "alb.ingress.kubernetes.io/load-balancer-name": "qualisys-prod-alb",
      "alb.ingress.kubernetes.io/group.name": "qualisys-prod",
    });
    expect(values(release(dev, "kube-prometheus-stack")).grafana.ingress).toEqual({ enabled: false });
  });
});

describe("the Slack webhook", () => {
  it("never appears in Helm values or in any plain input of the record", () => {
    const text = JSON.stringify(prod.resources.map((r) => r.inputs));
    expect(text).not.toContain("T0LEAKTEST");
    expect(text).not.toContain("hooks.slack.com");
  });

  it("set in config: becomes a Kubernetes Secret whose value stays a Pulumi secret", () => {
    const secret = named(prod, "kubernetes:core/v1:Secret", "qualisys-prod-slack-webhook");
    expect(secret.inputs.stringData).toBe(SECRET);
    expect(secret.secretInputs).toContain("stringData");
    expect((secret.inputs.metadata as any).name).toBe("alertmanager-slack-webhook");
  });

  it("not set: is synced from the slack-webhook app secret", () => {
    expect(ofType(dev, "kubernetes:core/v1:Secret")).toEqual([]);
    const synced = customResources(dev, "ExternalSecret").find(
      (r) => (r.inputs.metadata as any).name === "alertmanager-slack-webhook",
    )!;
    expect((synced.inputs.spec as any).data).toEqual([
      { secretKey: "url", remoteRef: { key: "qualisys-dev/slack-webhook" } },
    ]);
  });
});

describe("exporters", () => {
  it("postgres-exporter connects to RDS with sslmode=require, credentials from the platform secret", () => {
    const ds = values(release(prod, "postgres-exporter")).config.datasource;
    expect(ds).toMatchObject({
      host: "qualisys-prod-postgres.c0ffee.us-east-1.rds.amazonaws.com",
      port: "5432",
      database: "qualisys_master",
      sslmode: "require",
      userSecret: { name: "postgres-exporter-credentials", key: "username" },
      passwordSecret: { name: "postgres-exporter-credentials", key: "password" },
    });
    expect(ds.password ?? null).toBeNull();
    const synced = customResources(prod, "ExternalSecret").find(
      (r) => (r.inputs.metadata as any).name === "postgres-exporter-credentials",
    )!;
    expect((synced.inputs.spec as any).data.map((d: any) => d.remoteRef.key)).toEqual([
      "qualisys-prod/platform/postgres-exporter",
      "qualisys-prod/platform/postgres-exporter",
    ]);
  });

  it("redis-exporter connects over TLS (rediss://, verification on) with the AUTH token from the platform secret", () => {
    const v = values(release(prod, "redis-exporter"));
    expect(v.redisAddress).toBe("rediss://clustercfg.qualisys-prod-redis.c0ffee.use1.cache.amazonaws.com:6379");
    expect(v.redisTlsConfig?.skipTlsVerification ?? false).toBe(false);
    expect(v.auth).toEqual({ enabled: true, secret: { name: "redis-exporter-auth", key: "authToken" } });
    expect(v.auth.redisPassword).toBeUndefined();
    const synced = customResources(prod, "ExternalSecret").find(
      (r) => (r.inputs.metadata as any).name === "redis-exporter-auth",
    )!;
    expect((synced.inputs.spec as any).data).toEqual([
      { secretKey: "authToken", remoteRef: { key: "qualisys-prod/platform/redis-auth", property: "authToken" } },
    ]);
  });

  it("each exporter ships a ServiceMonitor and waits for the stack's CRDs and its credentials", () => {
    for (const name of ["postgres-exporter", "redis-exporter"]) {
      const r = release(prod, name);
      expect(values(r).serviceMonitor.enabled).toBe(true);
      expect(r.dependencies).toContain(release(prod, "kube-prometheus-stack").urn);
    }
  });
});

it("every ExternalSecret reads through the aws-secrets-manager ClusterSecretStore", () => {
  const synced = customResources(prod, "ExternalSecret");
  expect(synced.map((r) => (r.inputs.metadata as any).name).sort()).toEqual([
    "grafana-admin",
    "postgres-exporter-credentials",
    "redis-exporter-auth",
  ]);
  for (const r of synced) {
    expect((r.inputs.spec as any).secretStoreRef).toEqual({ kind: "ClusterSecretStore", name: "aws-secrets-manager" });
  }
});

it("ships the rule files as one PrometheusRule, exactly as promtool tested them", () => {
  const rules = customResources(prod, "PrometheusRule");
  expect(rules).toHaveLength(1);
  expect(rules[0].inputs.spec).toEqual(prometheusRuleSpec());
});

it("provisions each dashboard as a ConfigMap labelled for the Grafana sidecar", () => {
  const maps = ofType(prod, "kubernetes:core/v1:ConfigMap");
  expect(dashboards().length).toBeGreaterThan(0);
  expect(maps).toHaveLength(dashboards().length);
  for (const d of dashboards()) {
    const map = maps.find((m) => (m.inputs.data as Record<string, string>)[d.file] === d.json)!;
    expect((map.inputs.metadata as any).labels).toEqual({ grafana_dashboard: "1" });
    expect((map.inputs.metadata as any).namespace).toBe("monitoring");
  }
});

it("every Kubernetes object validates against its schema (kubernetes-models)", () => {
  const objects = [
    ...customResources(prod, "ExternalSecret"),
    ...customResources(dev, "ExternalSecret"),
    ...customResources(prod, "PrometheusRule"),
    ...ofType(prod, "kubernetes:core/v1:ConfigMap"),
  ].map((r) => r.inputs);
  // 3 + 4 ExternalSecrets (dev also syncs the webhook), the rules, 4 dashboards.
  expect(objects).toHaveLength(12);
  const results = validateManifests(objects);
  expect(results).toHaveLength(objects.length);
  expect(results.filter((r) => !r.ok)).toEqual([]);
});
