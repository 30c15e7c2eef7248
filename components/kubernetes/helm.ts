/**
 * The one way the program installs a Helm chart (SPEC E5, O1): a pinned chart from its official repository, with
 * values read from a YAML file that ships beside the component and overridden key by key by what the program
 * computes. `atomic` and `cleanupOnFail` make a failed install or upgrade roll itself back.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";

// Helm values are free-form YAML; the charts' own schemas (and the tests) check their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Values = Record<string, any>;

/** A chart and the repository it is published in. */
export interface Chart {
  chart: string;
  repo: string;
}

/** A values file (`<dir>/<file>`), parsed. */
export function readValues(dir: string, file: string): Values {
  return (parseYaml(readFileSync(join(dir, file), "utf8")) ?? {}) as Values;
}

/**
 * `overlay` merged into `base`: objects key by key and recursively; arrays, scalars and `null` replace; an
 * `undefined` overlay value leaves the base value. Neither input is modified.
 */
export function mergeValues(base: unknown, overlay: unknown): Values {
  return merge(base, overlay) as Values;
}

function merge(base: unknown, overlay: unknown): unknown {
  if (!isObject(base) || !isObject(overlay)) return overlay === undefined ? base : overlay;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) merged[key] = merge(base[key], value);
  return merged;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
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
  /** Values: the file's, already merged with the computed ones (see {@link mergeValues}). */
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
