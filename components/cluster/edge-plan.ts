/**
 * The edge (SPEC L1) as data: the WAF web ACL's rules, the hostnames, and the annotations that make the AWS Load
 * Balancer Controller put every platform ingress behind one ALB named `loadBalancerName(prefix)`, with HTTP→HTTPS
 * redirect, the certificate and the web ACL.
 */

/** Requests per IP per window before WAF blocks (SPEC L1: 1000 per minute). */
export const rateLimit = { limit: 1000, windowSeconds: 60 } as const;

const visibility = (metricName: string) => ({
  cloudwatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
  metricName,
});

/** The web ACL's rules: per-IP rate limit first, then the AWS managed common rule set. */
export function webAclRules(prefix: string) {
  return [
    {
      name: "rate-limit-per-ip",
      priority: 0,
      action: { block: {} },
      statement: {
        rateBasedStatement: {
          limit: rateLimit.limit,
          evaluationWindowSec: rateLimit.windowSeconds,
          aggregateKeyType: "IP",
        },
      },
      visibilityConfig: visibility(`${prefix}-rate-limit`),
    },
    {
      name: "aws-common-rule-set",
      priority: 1,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: "AWS", name: "AWSManagedRulesCommonRuleSet" } },
      visibilityConfig: visibility(`${prefix}-common-rules`),
    },
  ];
}

/** Public hostnames under the domain (SPEC L1). */
export const hostnames = (domain: string) => ({
  app: `app.${domain}`,
  api: `api.${domain}`,
  grafana: `grafana.${domain}`,
});

/** The IngressClass every platform ingress uses. */
export const ingressClassName = "alb";

export interface IngressAnnotationArgs {
  loadBalancerName: string;
  webAclArn: string;
  /** Absent when no domain is configured: then the ALB listens on HTTP only. */
  certificateArn?: string;
  /** Security group of the ALB (the network's load balancer group, the only one open to the internet). */
  securityGroupId: string;
  /** Public subnets the ALB lives in. */
  subnetIds: string[];
}

/**
 * Annotations for platform ingresses. The IngressClassParams pins the scheme and the ingress group, so every
 * ingress of the class shares one ALB; these pin its name, listeners, redirect, certificate, WAF and placement.
 */
export function ingressAnnotations(args: IngressAnnotationArgs): Record<string, string> {
  const https = args.certificateArn !== undefined;
  return {
    "alb.ingress.kubernetes.io/load-balancer-name": args.loadBalancerName,
    "alb.ingress.kubernetes.io/target-type": "ip",
    "alb.ingress.kubernetes.io/security-groups": args.securityGroupId,
    "alb.ingress.kubernetes.io/manage-backend-security-group-rules": "true",
    "alb.ingress.kubernetes.io/subnets": args.subnetIds.join(","),
    "alb.ingress.kubernetes.io/wafv2-acl-arn": args.webAclArn,
    "alb.ingress.kubernetes.io/listen-ports": https ? '[{"HTTP": 80}, {"HTTPS": 443}]' : '[{"HTTP": 80}]',
    ...(https
      ? {
          "alb.ingress.kubernetes.io/certificate-arn": args.certificateArn!,
          "alb.ingress.kubernetes.io/ssl-redirect": "443",
          "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
        }
      : {}),
  };
}
