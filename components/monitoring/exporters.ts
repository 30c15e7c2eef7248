/**
 * The data tier's exporters (SPEC O1): prometheus-postgres-exporter and prometheus-redis-exporter, over TLS, with
 * credentials synced from Secrets Manager into their namespace. Monitoring installs them beside its Prometheus; a
 * stack on another's platform installs them in its own namespace, where the host's Prometheus finds their
 * ServiceMonitors (it selects them in every namespace) and scrapes them through the namespace's
 * `allow-monitoring-scrape` policy. Both charts run under the `restricted` Pod Security level.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { MonitoringSettings } from "../../config";
import { helmRelease, type Chart } from "../kubernetes/helm";
import type { Values } from "../kubernetes/values";
import { declareManifest } from "../kubernetes/declare";
import { movedChild } from "../moved";
import { secretName } from "../naming";
import {
  charts,
  externalSecret,
  postgresExporterValues,
  redisExporterValues,
  secretNames,
  type StoreRef,
} from "./values";

export interface DataTierExportersArgs {
  /** Kubernetes provider of the cluster they run on. */
  provider: k8s.Provider;
  /** Their namespace. */
  namespace: pulumi.Input<string>;
  /** The external-secrets store their credentials are synced through, and what must exist before using it. */
  store: StoreRef;
  secretsSyncReady: pulumi.Resource;
  /** Prefix of the stack's secrets (`qualisys-dev`). */
  prefix: string;
  /** The database's and the cache's endpoints. */
  databaseAddress: pulumi.Input<string>;
  databasePort: pulumi.Input<number>;
  cacheAddress: pulumi.Input<string>;
  cachePort: pulumi.Input<number>;
  /** Pinned chart versions (`monitoring.charts`). */
  charts: Pick<MonitoringSettings["charts"], "postgresExporter" | "redisExporter">;
  /** What the releases wait for besides their credentials (the Prometheus operator's CRDs, for the ServiceMonitors). */
  dependsOn?: pulumi.Resource[];
  /** The component these resources were declared under before this one existed (keeps their URNs). */
  formerParent?: pulumi.Resource;
}

export class DataTierExporters extends pulumi.ComponentResource {
  constructor(name: string, args: DataTierExportersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:monitoring:DataTierExporters", name, {}, opts);
    const child = movedChild(this, args.formerParent);
    const k8sOpts = { ...child, provider: args.provider };
    const credentials = (part: string, remoteKey: string, secret: string, keys: Record<string, string>) =>
      declareManifest(
        `${name}-${part}`,
        externalSecret({ name: secret, namespace: args.namespace, store: args.store, remoteKey, keys }),
        { ...k8sOpts, dependsOn: [args.secretsSyncReady] },
      );
    const release = (
      part: string,
      chart: Chart,
      version: string,
      values: pulumi.Input<Values>,
      needs: pulumi.Resource,
    ) =>
      helmRelease(
        `${name}-${part}`,
        { name: part, namespace: args.namespace, chart, version, values, timeout: 900 },
        { ...k8sOpts, dependsOn: [...(args.dependsOn ?? []), needs] },
      );

    const postgres = credentials(
      "postgres-exporter",
      secretName(args.prefix, "postgres-exporter"),
      secretNames.postgresExporter,
      { username: "username", password: "password" },
    );
    const redis = credentials("redis-exporter", secretName(args.prefix, "redis-auth"), secretNames.redisExporter, {
      authToken: "authToken",
    });
    release(
      "postgres-exporter",
      charts.postgresExporter,
      args.charts.postgresExporter,
      pulumi.all([args.databaseAddress, args.databasePort]).apply(([a, p]) => postgresExporterValues(a, p)),
      postgres,
    );
    release(
      "redis-exporter",
      charts.redisExporter,
      args.charts.redisExporter,
      pulumi.all([args.cacheAddress, args.cachePort]).apply(([a, p]) => redisExporterValues(a, p)),
      redis,
    );
    this.registerOutputs({});
  }
}
