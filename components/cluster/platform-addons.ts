/**
 * The add-ons that keep the cluster running (SPEC E2, E5): cluster-autoscaler (scales the pools, from zero too),
 * metrics-server, and Fluent Bit shipping container logs to an encrypted CloudWatch log group. Each with its own
 * IRSA role and a pinned chart.
 */
import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterSettings } from "../../config";
import { policyJson, type AccountRef } from "../account";
import { movedChild } from "../moved";
import { addonRelease, addonRole, roleAnnotation, type ClusterRef } from "./addon-install";
import { charts, clusterAutoscalerPolicy, fluentBitPolicy } from "./addons";

export interface PlatformAddonsArgs {
  account: AccountRef;
  /** The cluster they run on, and its Kubernetes provider. */
  cluster: ClusterRef;
  provider: k8s.Provider;
  /** Pinned chart versions (`cluster.charts`). */
  charts: ClusterSettings["charts"];
  /** Releases wait for nodes to run on. */
  nodeGroups: pulumi.Resource[];
  /** Container log group (`/<app>/<stack>/containers`), its retention and key. */
  containerLogGroupName: string;
  logRetentionDays: number;
  logsKeyArn: pulumi.Input<string>;
  /** The component these resources were declared under before this one existed (keeps their URNs). */
  formerParent?: pulumi.Resource;
}

export class PlatformAddons extends pulumi.ComponentResource {
  /** CloudWatch log group of container logs. */
  public readonly containerLogGroupName: pulumi.Output<string>;

  constructor(name: string, args: PlatformAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:cluster:PlatformAddons", name, {}, opts);
    const child = movedChild(this, args.formerParent);
    const { account, cluster } = args;
    const k8sOpts = (dependsOn: pulumi.Resource[] = []) => ({
      ...child,
      provider: args.provider,
      dependsOn: [...args.nodeGroups, ...dependsOn],
    });

    const autoscalerRole = addonRole(
      name,
      cluster,
      "cluster-autoscaler",
      charts.clusterAutoscaler,
      {
        policy: policyJson(account, (a) => clusterAutoscalerPolicy({ account: a, clusterName: cluster.name })),
      },
      child,
    );
    addonRelease(
      name,
      "clusterAutoscaler",
      args.charts.clusterAutoscaler,
      {
        autoDiscovery: { clusterName: cluster.name },
        awsRegion: account.region,
        rbac: { serviceAccount: { annotations: roleAnnotation(autoscalerRole) } },
      },
      k8sOpts(),
    );
    addonRelease(name, "metricsServer", args.charts.metricsServer, {}, k8sOpts());

    const containerLogs = new aws.cloudwatch.LogGroup(
      `${name}-container-logs`,
      { name: args.containerLogGroupName, retentionInDays: args.logRetentionDays, kmsKeyId: args.logsKeyArn },
      child,
    );
    this.containerLogGroupName = containerLogs.name;
    const fluentBitRole = addonRole(
      name,
      cluster,
      "fluent-bit",
      charts.fluentBit,
      {
        policy: policyJson(account, (a) => fluentBitPolicy({ account: a, logGroupName: args.containerLogGroupName })),
      },
      child,
    );
    addonRelease(
      name,
      "fluentBit",
      args.charts.fluentBit,
      {
        cloudWatchLogs: { region: account.region, logGroupName: containerLogs.name },
        serviceAccount: { annotations: roleAnnotation(fluentBitRole) },
      },
      k8sOpts([containerLogs]),
    );
    this.registerOutputs({ containerLogGroupName: this.containerLogGroupName });
  }
}
