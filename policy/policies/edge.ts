/**
 * What faces clients (SPEC L1, X5, issue 20 item 7): load-balancer listeners serve HTTPS (plain HTTP only as a
 * redirect to HTTPS), CloudFront speaks TLS 1.2+ to viewers and HTTPS to origins behind a WAF, and in production
 * every Kubernetes Ingress of the AWS Load Balancer Controller (declared, or rendered from a Helm release's values)
 * listens on HTTPS with HTTP redirected.
 */
import { resourcePolicy, type Findings } from "../lib/define";
import { isSet, list, path, prop, Unknown } from "../lib/values";
import { isProductionStack, productionConfig } from "./production";
import { T } from "./types";

/** Is every default action of a listener a redirect to HTTPS? */
function redirectsToHttps(actions: unknown[]): boolean {
  return (
    actions.length > 0 &&
    actions.every((a) => a !== Unknown && prop(a, "type") === "redirect" && path(a, "redirect", "protocol") === "HTTPS")
  );
}

export const listenerHttps = resourcePolicy({
  name: "lb-listener-https",
  description:
    "Load-balancer listeners (aws.lb / aws.alb) use HTTPS or TLS with a certificate and a TLS 1.2+ policy; a plain HTTP listener only redirects to HTTPS (every default action a redirect with protocol HTTPS). TCP/UDP listeners of network load balancers are out of scope.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation:
    "protocol 'HTTPS' with certificateArn and sslPolicy 'ELBSecurityPolicy-TLS13-1-2-2021-06'; keep port 80 only as defaultActions [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }].",
  coverage: [{ control: "in transit", types: [T.lbListener, T.albListener], checkov: ["CKV_AWS_2", "CKV_AWS_376"] }],
  types: [T.lbListener, T.albListener],
  check: ({ props }) => {
    const protocol = prop(props, "protocol");
    if (protocol === Unknown) return [];
    const out: Findings = [];
    if (protocol === "HTTP" || (protocol === undefined && prop(props, "port") !== 443)) {
      if (!redirectsToHttps(list(prop(props, "defaultActions"))))
        out.push(
          `The listener serves plain HTTP (protocol ${String(protocol ?? "unset")}) instead of redirecting to HTTPS.`,
        );
      return out;
    }
    if (protocol === "HTTPS" || protocol === "TLS") {
      if (!isSet(props, "certificateArn")) out.push("The listener has no certificate.");
      const policy = prop(props, "sslPolicy");
      if (typeof policy === "string" && !/TLS13|TLS-1-2|FS-1-2/.test(policy))
        out.push(`The TLS policy ${policy} accepts TLS below 1.2.`);
    }
    return out;
  },
});

// A multi-tenant distribution names its extra behaviours cacheBehaviors and has no loggingConfig.
const cacheBehaviours = (props: Record<string, unknown>) => [
  prop(props, "defaultCacheBehavior"),
  ...list(prop(props, "orderedCacheBehaviors")),
  ...list(prop(props, "cacheBehaviors")),
];

export const cloudfrontProtected = resourcePolicy({
  name: "cloudfront-tls-waf-logging",
  description:
    "CloudFront distributions (standard and multi-tenant) redirect or refuse plain HTTP on every cache behaviour (viewerProtocolPolicy not allow-all), serve a TLS 1.2+ minimum protocol on their own certificate, reach custom origins over HTTPS only, sit behind a WAF web ACL, and (standard ones) log requests.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation:
    "viewerProtocolPolicy 'redirect-to-https' (or 'https-only'); viewerCertificate.minimumProtocolVersion 'TLSv1.2_2021'; customOriginConfig.originProtocolPolicy 'https-only'; webAclId; loggingConfig.",
  coverage: [
    {
      control: "in transit",
      types: [T.cloudfrontDistribution, T.cloudfrontMultitenant],
      checkov: ["CKV_AWS_34", "CKV_AWS_174"],
    },
    { control: "exposure", types: [T.cloudfrontDistribution, T.cloudfrontMultitenant], checkov: ["CKV_AWS_68"] },
    { control: "logging", types: [T.cloudfrontDistribution], checkov: ["CKV_AWS_86"] },
  ],
  types: [T.cloudfrontDistribution, T.cloudfrontMultitenant],
  check: ({ type, props }) => {
    const out: Findings = [];
    for (const b of cacheBehaviours(props))
      if (b !== Unknown && prop(b, "viewerProtocolPolicy") === "allow-all")
        out.push(`Cache behaviour ${String(prop(b, "pathPattern") ?? "default")} serves plain HTTP (allow-all).`);
    const cert = prop(props, "viewerCertificate");
    const minimum = prop(cert, "minimumProtocolVersion");
    if (
      cert !== Unknown &&
      prop(cert, "cloudfrontDefaultCertificate") !== true &&
      typeof minimum === "string" &&
      !/TLSv1\.[23]/.test(minimum)
    )
      out.push(`The minimum viewer protocol ${minimum} is below TLS 1.2.`);
    for (const o of list(prop(props, "origins"))) {
      const policy = path(o, "customOriginConfig", "originProtocolPolicy");
      if (typeof policy === "string" && policy !== "https-only")
        out.push(`Origin ${String(prop(o, "originId"))} is reached over ${policy}.`);
    }
    if (!isSet(props, "webAclId")) out.push("No WAF web ACL (webAclId).");
    if (type === T.cloudfrontDistribution && !isSet(props, "loggingConfig"))
      out.push("Requests are not logged (loggingConfig).");
    return out;
  },
});

const listenPorts = "alb.ingress.kubernetes.io/listen-ports";
const sslRedirect = "alb.ingress.kubernetes.io/ssl-redirect";

/** Why an ingress's ALB annotations serve plain HTTP; undefined when they do not. */
export function plainHttpIngress(annotations: unknown, albClass = false): string | undefined {
  if (annotations === Unknown) return undefined;
  const keys = annotations && typeof annotations === "object" ? Object.keys(annotations) : [];
  // Only ingresses the AWS Load Balancer Controller serves: its class, or its annotations.
  if (!albClass && !keys.some((k) => k.startsWith("alb.ingress.kubernetes.io/"))) return undefined;
  const ports = prop(annotations, listenPorts);
  if (ports === Unknown) return undefined;
  // The controller's default listener is HTTP 80 alone when listen-ports is absent.
  let parsed: Record<string, number>[] = [{ HTTP: 80 }];
  if (typeof ports === "string")
    try {
      parsed = JSON.parse(ports) as Record<string, number>[];
    } catch {
      return `${listenPorts} is not JSON (${ports}).`;
    }
  const http = parsed.some((p) => "HTTP" in p);
  const https = parsed.some((p) => "HTTPS" in p);
  if (!http) return undefined;
  if (!https) return `it listens on HTTP only (${typeof ports === "string" ? ports : "the default HTTP 80"}).`;
  return prop(annotations, sslRedirect) === undefined ? "it listens on HTTP without ssl-redirect to HTTPS." : undefined;
}

/** Every `annotations` map in a Helm release's values (where charts take their ingress settings). */
function annotationMaps(value: unknown, depth = 0): unknown[] {
  if (depth > 12 || value === Unknown || value === null || typeof value !== "object") return [];
  if (Array.isArray(value)) return value.flatMap((v) => annotationMaps(v, depth + 1));
  const out: unknown[] = [];
  for (const key of Object.keys(value)) {
    const v = prop(value, key);
    if (key === "annotations" && v && typeof v === "object") out.push(v);
    else out.push(...annotationMaps(v, depth + 1));
  }
  return out;
}

export const prodIngressHttps = resourcePolicy({
  name: "prod-ingress-https",
  description:
    "In production stacks, every ALB ingress (kubernetes Ingress objects, and ingress annotations in a Helm release's values) listens on HTTPS, with plain HTTP only as ssl-redirect to HTTPS.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation:
    "configure the domain and certificate for the stack; annotate alb.ingress.kubernetes.io/listen-ports '[{\"HTTP\": 80}, {\"HTTPS\": 443}]' with alb.ingress.kubernetes.io/ssl-redirect '443' (or HTTPS alone).",
  configSchema: { properties: { ...productionConfig } },
  coverage: [{ control: "in transit", types: [T.k8sIngress, T.helmRelease] }],
  types: [T.k8sIngress, T.helmRelease],
  check: ({ type, urn, props, stackTags }, config) => {
    if (!isProductionStack(urn, stackTags, config)) return [];
    if (type === T.k8sIngress) {
      const why = plainHttpIngress(
        path(props, "metadata", "annotations"),
        path(props, "spec", "ingressClassName") === "alb",
      );
      return why ? [`The ingress serves plain HTTP: ${why}`] : [];
    }
    return annotationMaps(prop(props, "values"))
      .map((a) => plainHttpIngress(a))
      .filter((w): w is string => w !== undefined)
      .map((why) => `An ingress in the release's values serves plain HTTP: ${why}`);
  },
});

export const edgePolicies = [listenerHttps, cloudfrontProtected, prodIngressHttps];
