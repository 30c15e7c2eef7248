/**
 * The edge (SPEC L1): the WAF web ACL (rate limit per IP and AWS's common rules), the AWS Load Balancer Controller
 * that builds the ALB from Ingresses (its IAM limited to this VPC, this cluster's load balancer and target groups),
 * the ACM certificate for app/api/grafana with its DNS validation when a domain is configured, and the default
 * IngressClass. Ingresses join one shared ALB through {@link Edge.ingressAnnotations}.
 */
import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { IIngressClass } from "kubernetes-models/networking.k8s.io/v1/IngressClass";
import type { ClusterSettings } from "../../config";
import { policyJson, type AccountRef } from "../account";
import { manifestResourceName, typed, type Manifest } from "../kubernetes/manifest";
import { declareManifest } from "../kubernetes/declare";
import { movedChild } from "../moved";
import { loadBalancerName } from "../naming";
import { addonRelease, addonRole, roleAnnotation, type ClusterRef } from "./addon-install";
import { charts, loadBalancerControllerPolicy } from "./addons";
import { hostnames, ingressAnnotations, ingressClassName, webAclRules } from "./edge-plan";

export interface EdgeArgs {
  account: AccountRef;
  /** Prefix of physical names: the web ACL, the ALB and its IngressGroup. */
  prefix: string;
  /** Public domain for app/api/grafana (required in prod). Default none: no certificate, HTTP only until one is set. */
  domain?: string;
  /** Route 53 public hosted zone of the domain (required with a domain). */
  hostedZoneId?: string;
  /** The cluster, its Kubernetes provider, and the nodes the controller runs on. */
  cluster: ClusterRef;
  provider: k8s.Provider;
  nodeGroups: pulumi.Resource[];
  /** The aws-load-balancer-controller chart version (`cluster.charts.awsLoadBalancerController`). */
  chartVersion: ClusterSettings["charts"]["awsLoadBalancerController"];
  /** The VPC; the controller may manage only its target groups and security group rules. */
  vpcId: pulumi.Input<string>;
  /** Security groups of the targets (the EKS cluster group and the network's node group). */
  targetSecurityGroupIds: pulumi.Input<string>[];
  /** The network's load balancer security group and public subnets, used by the ALB. */
  loadBalancerSecurityGroupId: pulumi.Input<string>;
  publicSubnetIds: pulumi.Input<string[]>;
  /** The component these resources were declared under before this one existed (keeps their URNs). */
  formerParent?: pulumi.Resource;
}

export class Edge extends pulumi.ComponentResource {
  /** The WAF web ACL on the ALB. */
  public readonly webAclArn: pulumi.Output<string>;
  /** The ACM certificate for app/api/grafana, when a domain is configured. */
  public readonly certificateArn: pulumi.Output<string | undefined>;
  /** IngressClass every platform ingress uses. */
  public readonly ingressClassName: pulumi.Output<string>;
  /** Annotations a platform ingress carries (ALB name, WAF, certificate, redirect, subnets, security group). */
  public readonly ingressAnnotations: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: EdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:cluster:Edge", name, {}, opts);
    if (args.domain && !args.hostedZoneId) {
      throw new pulumi.ResourceError("a domain needs the Route 53 hosted zone its certificate is validated in", this);
    }
    const child = movedChild(this, args.formerParent);
    const { account, cluster, prefix } = args;
    const tags = cluster.tags;

    const webAcl = new aws.wafv2.WebAcl(
      `${name}-web-acl`,
      {
        name: `${prefix}-web-acl`,
        description: `${prefix}: rate limit and AWS common rules in front of the ALB`,
        scope: "REGIONAL",
        defaultAction: { allow: {} },
        rules: webAclRules(prefix),
        visibilityConfig: {
          cloudwatchMetricsEnabled: true,
          sampledRequestsEnabled: true,
          metricName: `${prefix}-web-acl`,
        },
        tags,
      },
      child,
    );
    this.webAclArn = webAcl.arn;

    const lbName = loadBalancerName(prefix);
    const controllerRole = addonRole(
      name,
      cluster,
      "aws-load-balancer-controller",
      charts.awsLoadBalancerController,
      {
        policy: pulumi
          .all([webAcl.arn, args.vpcId, ...args.targetSecurityGroupIds])
          .apply(([webAclArn, vpcId, ...targetSecurityGroupIds]) =>
            policyJson(account, (a) =>
              loadBalancerControllerPolicy({
                account: a,
                clusterName: cluster.name,
                webAclArn,
                loadBalancerName: lbName,
                vpcId,
                targetSecurityGroupIds,
              }),
            ),
          ),
      },
      child,
    );
    const controller = addonRelease(
      name,
      "awsLoadBalancerController",
      args.chartVersion,
      {
        clusterName: cluster.name,
        region: account.region,
        vpcId: args.vpcId,
        serviceAccount: { annotations: roleAnnotation(controllerRole) },
      },
      { ...child, provider: args.provider, dependsOn: args.nodeGroups },
    );

    const certificateArn = args.domain
      ? this.certificate(name, args.domain, args.hostedZoneId!, tags, child)
      : undefined;
    this.certificateArn = certificateArn ?? pulumi.output(undefined);

    const declare = (manifest: Manifest) =>
      declareManifest(manifestResourceName(name, manifest), manifest, {
        ...child,
        provider: args.provider,
        dependsOn: [controller],
      });
    declare({
      apiVersion: "elbv2.k8s.aws/v1beta1",
      kind: "IngressClassParams",
      metadata: { name: ingressClassName },
      spec: { scheme: "internet-facing", group: { name: prefix } },
    });
    declare(
      typed<IIngressClass>({
        apiVersion: "networking.k8s.io/v1",
        kind: "IngressClass",
        metadata: { name: ingressClassName, annotations: { "ingressclass.kubernetes.io/is-default-class": "true" } },
        spec: {
          controller: "ingress.k8s.aws/alb",
          parameters: { apiGroup: "elbv2.k8s.aws", kind: "IngressClassParams", name: ingressClassName },
        },
      }),
    );
    this.ingressClassName = pulumi.output(ingressClassName);
    this.ingressAnnotations = pulumi
      .all([webAcl.arn, certificateArn, args.loadBalancerSecurityGroupId, args.publicSubnetIds])
      .apply(([webAclArn, cert, securityGroupId, subnetIds]) =>
        ingressAnnotations({ loadBalancerName: lbName, webAclArn, certificateArn: cert, securityGroupId, subnetIds }),
      );
    this.registerOutputs({
      webAclArn: this.webAclArn,
      certificateArn: this.certificateArn,
      ingressClassName: this.ingressClassName,
      ingressAnnotations: this.ingressAnnotations,
    });
  }

  /** The certificate for app/api/grafana, validated through DNS records in the hosted zone. */
  private certificate(
    name: string,
    domain: string,
    zoneId: string,
    tags: Record<string, string>,
    opts: pulumi.CustomResourceOptions,
  ): pulumi.Output<string> {
    const names = Object.values(hostnames(domain));
    const certificate = new aws.acm.Certificate(
      `${name}-certificate`,
      { domainName: names[0], subjectAlternativeNames: names.slice(1), validationMethod: "DNS", tags },
      opts,
    );
    const records = names.map((host, i) => {
      const option = certificate.domainValidationOptions.apply((options) =>
        options.find((o) => o.domainName === host)!,
      );
      return new aws.route53.Record(
        `${name}-certificate-validation-${i}`,
        {
          zoneId,
          name: option.resourceRecordName,
          type: option.resourceRecordType,
          records: [option.resourceRecordValue],
          ttl: 300,
          allowOverwrite: true,
        },
        opts,
      );
    });
    return new aws.acm.CertificateValidation(
      `${name}-certificate`,
      { certificateArn: certificate.arn, validationRecordFqdns: records.map((r) => r.fqdn) },
      opts,
    ).certificateArn;
  }
}
