/**
 * How the cluster installs an add-on: its IRSA role (named `<prefix>-<add-on>`, trusted for the add-on's service
 * account only) and its Helm release (the chart pinned in `cluster.charts`, values from ./values/<chart>.yaml
 * overridden by what the program computes). Every add-on component uses these two, so all add-ons look alike.
 */
import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { helmRelease } from "../kubernetes/helm";
import { mergeValues, readValues, type Values } from "../kubernetes/values";
import { irsaRole } from "../kubernetes/irsa";
import { charts, type ChartAddon } from "./addons";

/** What an add-on needs to know about the cluster it runs on. */
export interface ClusterRef {
  /** The cluster's name. */
  name: string;
  /** Prefix of physical names (`qualisys-dev`). */
  prefix: string;
  /** The cluster's IAM OIDC provider and issuer (IRSA). */
  oidcProviderArn: pulumi.Input<string>;
  oidcIssuer: pulumi.Input<string>;
  /** Tags every AWS resource of the cluster carries. */
  tags: Record<string, string>;
}

/** The IRSA role of an add-on's service account, `<prefix>-<role>`. */
export function addonRole(
  base: string,
  cluster: ClusterRef,
  role: string,
  identity: { namespace: string; serviceAccount: string },
  access: { policy?: pulumi.Input<string>; managedPolicyArn?: string },
  opts: pulumi.CustomResourceOptions,
): aws.iam.Role {
  return irsaRole(
    `${base}-${role}`,
    {
      roleName: `${cluster.prefix}-${role}`,
      description: `IRSA: ${identity.namespace}/${identity.serviceAccount} on ${cluster.name}`,
      oidcProviderArn: cluster.oidcProviderArn,
      oidcIssuer: cluster.oidcIssuer,
      namespace: identity.namespace,
      serviceAccount: identity.serviceAccount,
      ...access,
      tags: cluster.tags,
    },
    opts,
  );
}

/**
 * An EKS managed add-on's version: the pin from `cluster.addons` when there is one, otherwise the version EKS marks
 * as the default for the cluster's Kubernetes minor, asked of AWS when the stack is previewed or deployed
 * (`aws.eks.getAddonVersion`, `mostRecent: false`). The default moves when AWS promotes a newer build, and the next
 * `pulumi up` then updates the add-on: pin it to freeze it (docs/readiness.md, "Managed add-on versions").
 */
export function managedAddonVersion(
  addonName: string,
  pinned: string | undefined,
  kubernetesVersion: string,
  opts: pulumi.InvokeOutputOptions,
): pulumi.Input<string> {
  if (pinned) return pinned;
  return aws.eks.getAddonVersionOutput({ addonName, kubernetesVersion, mostRecent: false }, opts).version;
}

/** The annotation that binds a service account to its IRSA role. */
export const roleAnnotation = (role: aws.iam.Role) => ({ "eks.amazonaws.com/role-arn": role.arn });

const valuesDirectory = `${__dirname}/values`;

/** An add-on's Helm release at its pinned version. */
export function addonRelease(
  base: string,
  addon: ChartAddon,
  version: string,
  values: pulumi.Input<Values>,
  opts: pulumi.CustomResourceOptions,
): k8s.helm.v3.Release {
  const chart = charts[addon];
  const file = readValues(valuesDirectory, `${chart.chart}.yaml`);
  return helmRelease(
    `${base}-${chart.chart}`,
    {
      name: chart.chart,
      chart,
      version,
      namespace: chart.namespace,
      values: pulumi.output(values).apply((computed) => mergeValues(file, computed)),
      maxHistory: 5,
    },
    opts,
  );
}
