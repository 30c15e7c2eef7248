/**
 * The one way the program installs a Helm chart (SPEC E5, O1): a pinned chart from its official repository, with
 * values read from a YAML file that ships beside the component and overridden key by key by what the program
 * computes. `atomic` and `cleanupOnFail` make a failed install or upgrade roll itself back.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Values } from "./values";

/** A chart and the repository it is published in. */
export interface Chart {
  chart: string;
  repo: string;
}

export interface HelmReleaseArgs {
  /** Helm release name. */
  name: string;
  /** Chart and repository. */
  chart: Chart;
  /** Exact chart version (charts are pinned in config). */
  version: string;
  /** Namespace the release installs into. */
  namespace: pulumi.Input<string>;
  /** Values: the file's, already merged with the computed ones (see ./values `mergeValues`). */
  values: pulumi.Input<Values>;
  /** Seconds Helm waits for the release to become ready. Default: Helm's (300). */
  timeout?: number;
  /** Release revisions Helm keeps. Default: Helm's (10). */
  maxHistory?: number;
}

/** A Helm release of a pinned chart that rolls back on failure. */
export function helmRelease(
  resourceName: string,
  args: HelmReleaseArgs,
  opts: pulumi.CustomResourceOptions,
): k8s.helm.v3.Release {
  return new k8s.helm.v3.Release(
    resourceName,
    {
      name: args.name,
      chart: args.chart.chart,
      version: args.version,
      repositoryOpts: { repo: args.chart.repo },
      namespace: args.namespace,
      values: args.values,
      atomic: true,
      cleanupOnFail: true,
      ...(args.maxHistory === undefined ? {} : { maxHistory: args.maxHistory }),
      ...(args.timeout === undefined ? {} : { timeout: args.timeout }),
    },
    opts,
  );
}
