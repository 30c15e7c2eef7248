/**
 * `qualisys:alerting` and `qualisys:monitoring` — CloudWatch alarms and budgets (SPEC O3), and the in-cluster
 * Prometheus/Grafana stack (SPEC O1, O2). The Prometheus alert thresholds are the SPEC's numbers and live in the
 * rule files (components/monitoring/rules/); what a team tunes per stack (alarm sensitivity, storage, retention,
 * Slack channels) is here.
 */
import { z } from "zod";
import { chartVersion, count } from "./zod";

const percent = z
  .number()
  .gt(0, { error: "must be a percentage above 0" })
  .max(100, { error: "must be a percentage of at most 100" });

/** Consecutive 5-minute periods a CloudWatch alarm must breach before it fires (1–24, i.e. up to 2 hours). */
const periods = count(1, 24);

export const alertingSchema = z.strictObject({
  /** RDS `CPUUtilization` (average, %) above which the database alarm fires. Default 80. */
  rdsCpuPercent: percent.default(80),
  /** 5-minute periods RDS CPU must stay above the threshold. Default 3 (15 minutes, so a vacuum spike is quiet). */
  rdsCpuPeriods: periods.default(3),
  /** ElastiCache `DatabaseMemoryUsagePercentage` (per node, %) above which the cache alarm fires. Default 80. */
  redisMemoryPercent: percent.default(80),
  /** 5-minute periods a node's memory must stay above the threshold. Default 2. */
  redisMemoryPeriods: periods.default(2),
  /** ALB-generated 5xx responses (`HTTPCode_ELB_5XX_Count`) per 5 minutes above which the ALB alarm fires. Default 50. */
  alb5xxPerFiveMinutes: count(1, 1_000_000).default(50),
  /** 5-minute periods the ALB 5xx count must stay above the threshold. Default 2. */
  alb5xxPeriods: periods.default(2),
});

const storageClass = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, { error: "is not a Kubernetes StorageClass name" });
const slackChannel = z.string().regex(/^#[a-z0-9][a-z0-9_-]{0,79}$/, { error: 'must look like "#alerts-prod"' });

const monitoringChartsSchema = z.strictObject({
  /** kube-prometheus-stack chart (https://prometheus-community.github.io/helm-charts). Default 88.5.3. */
  kubePrometheusStack: chartVersion.default("88.5.3"),
  /** prometheus-postgres-exporter chart (same repository). Default 8.2.0. */
  postgresExporter: chartVersion.default("8.2.0"),
  /** prometheus-redis-exporter chart (same repository). Default 6.29.0. */
  redisExporter: chartVersion.default("6.29.0"),
});

export const monitoringSchema = z
  .strictObject({
    /** Pinned Helm chart versions of the monitoring stack (SPEC O1). */
    charts: monitoringChartsSchema.default(monitoringChartsSchema.parse({})),
    /** Days Prometheus keeps samples. Default 15. */
    prometheusRetentionDays: count(1, 365).default(15),
    /** Prometheus volume size in GiB; must hold the retention. Default 50. */
    prometheusStorageGb: count(10, 16384).default(50),
    /** Grafana volume size in GiB (users, annotations, UI-made dashboards). Default 10. */
    grafanaStorageGb: count(1, 1024).default(10),
    /** Alertmanager volume size in GiB (silences, notification log). Default 5. */
    alertmanagerStorageGb: count(1, 1024).default(5),
    /**
     * StorageClass of the three volumes. Default `gp2`, the class EKS creates (it needs the EBS CSI driver add-on);
     * point it at an encrypted gp3 class when the cluster provides one.
     */
    storageClassName: storageClass.default("gp2"),
    /** Slack channel for `severity=critical` alerts. Default none: the webhook's own channel. */
    slackCriticalChannel: slackChannel.optional(),
    /** Slack channel for `severity=warning` alerts. Default none: the webhook's own channel. */
    slackWarningChannel: slackChannel.optional(),
  })
  .superRefine((m, ctx) => {
    // Prometheus needs roughly 1-2 bytes per sample; below ~2 GiB a day a small cluster's retention won't fit.
    if (m.prometheusStorageGb < m.prometheusRetentionDays * 2) {
      ctx.addIssue({
        code: "custom",
        path: ["prometheusStorageGb"],
        message: `(${m.prometheusStorageGb} GiB) is too small for ${m.prometheusRetentionDays} days of retention; allow at least 2 GiB a day (${m.prometheusRetentionDays * 2})`,
      });
    }
  });

export type AlertingConfig = z.infer<typeof alertingSchema>;
export type MonitoringConfig = z.infer<typeof monitoringSchema>;
