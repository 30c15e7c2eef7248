/**
 * Functions and APIs a team adds next (SPEC X5): Lambda function URLs and resource permissions, API Gateway methods,
 * routes, stages and custom domains. Who can invoke is the exposure; a stage's access log is its logging.
 */
import { resourcePolicy, type Findings } from "../lib/define";
import { cmkProblem } from "../lib/keys";
import { isSet, list, path, prop, Unknown } from "../lib/values";
import { T } from "./types";

export const lambdaUrlAuth = resourcePolicy({
  name: "lambda-function-url-auth",
  description:
    "Lambda function URLs require IAM authorization (authorizationType AWS_IAM), and no permission lets anyone invoke a function URL without it (functionUrlAuthType NONE).",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediation:
    "set authorizationType: 'AWS_IAM' on the function URL (front it with API Gateway or CloudFront with an authorizer for public use).",
  coverage: [{ control: "exposure", types: [T.lambdaFunctionUrl, T.lambdaPermission], checkov: ["CKV_AWS_258"] }],
  types: [T.lambdaFunctionUrl, T.lambdaPermission],
  check: ({ type, props }) => {
    if (type === T.lambdaFunctionUrl) {
      const auth = prop(props, "authorizationType");
      return auth === Unknown || auth === "AWS_IAM"
        ? []
        : [`The function URL's authorizationType is ${String(auth)}: anyone on the internet can invoke it.`];
    }
    return prop(props, "functionUrlAuthType") === "NONE"
      ? ["The permission allows unauthenticated invocation through the function URL (functionUrlAuthType NONE)."]
      : [];
  },
});

export const lambdaPermissionScoped = resourcePolicy({
  name: "lambda-permission-scoped",
  description:
    "Lambda permissions never grant Principal '*', and a permission for an AWS service principal names the calling resource (sourceArn) or account (sourceAccount), so no other account's resource of that service can invoke the function (the confused deputy).",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediation:
    "name the principal; for a service principal add sourceArn (the bucket, topic, rule, API) or sourceAccount.",
  coverage: [{ control: "exposure", types: [T.lambdaPermission], checkov: ["CKV_AWS_301", "CKV_AWS_364"] }],
  types: [T.lambdaPermission],
  check: ({ props }) => {
    const principal = prop(props, "principal");
    if (principal === Unknown) return [];
    if (principal === "*")
      return isSet(props, "principalOrgId") || isSet(props, "sourceArn") || isSet(props, "sourceAccount")
        ? []
        : ["The permission lets anyone invoke the function."];
    if (
      typeof principal === "string" &&
      principal.endsWith(".amazonaws.com") &&
      !isSet(props, "sourceArn") &&
      !isSet(props, "sourceAccount")
    )
      return [
        `${principal} may invoke the function on behalf of any account's resources (no sourceArn or sourceAccount).`,
      ];
    return [];
  },
});

export const lambdaEnvironmentKms = resourcePolicy({
  name: "lambda-environment-kms",
  description: "Lambda functions with environment variables encrypt them with a customer-managed KMS key (kmsKeyArn).",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediation: "set kmsKeyArn to a customer-managed key (and keep secrets in Secrets Manager, not in the environment).",
  coverage: [{ control: "at rest", types: [T.lambdaFunction], checkov: ["CKV_AWS_173"] }],
  types: [T.lambdaFunction],
  check: ({ props }) => {
    const vars = path(props, "environment", "variables");
    if (vars === undefined || (typeof vars === "object" && vars !== null && !Object.keys(vars).length)) return [];
    const key = cmkProblem(props, "kmsKeyArn", "The function's environment");
    return key ? [key] : [];
  },
});

export const apiAuthorization = resourcePolicy({
  name: "api-gateway-authorization",
  description:
    "API Gateway REST methods (other than OPTIONS) and HTTP/WebSocket routes require an authorizer (authorization / authorizationType not NONE) or, for REST, an API key.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation:
    "set authorization 'AWS_IAM', 'COGNITO_USER_POOLS' or 'CUSTOM' (routes: 'JWT' or 'AWS_IAM' or 'CUSTOM').",
  coverage: [{ control: "exposure", types: [T.apiMethod, T.apiV2Route], checkov: ["CKV_AWS_59", "CKV_AWS_309"] }],
  types: [T.apiMethod, T.apiV2Route],
  check: ({ type, props }) => {
    if (type === T.apiMethod) {
      if (prop(props, "httpMethod") === "OPTIONS" || prop(props, "apiKeyRequired") === true) return [];
      const auth = prop(props, "authorization");
      return auth === "NONE" ? ["The method is open to anyone (authorization NONE, no API key)."] : [];
    }
    const auth = prop(props, "authorizationType");
    return auth === undefined || auth === "NONE" ? ["The route is open to anyone (authorizationType NONE)."] : [];
  },
});

export const apiTls = resourcePolicy({
  name: "api-gateway-tls",
  description: "API Gateway custom domains use the TLS 1.2 security policy (or newer).",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediation: "REST: securityPolicy 'TLS_1_2'; HTTP: domainNameConfiguration.securityPolicy 'TLS_1_2'.",
  coverage: [{ control: "in transit", types: [T.apiDomainName, T.apiV2DomainName], checkov: ["CKV_AWS_206"] }],
  types: [T.apiDomainName, T.apiV2DomainName],
  check: ({ type, props }) => {
    const policies =
      type === T.apiDomainName
        ? [prop(props, "securityPolicy")]
        : list(prop(props, "domainNameConfiguration")).map((c) => prop(c, "securityPolicy"));
    return policies.some((p) => p !== Unknown && !(typeof p === "string" && /TLS_1_[23]|TLS13/.test(p)))
      ? [`The security policy ${policies.map(String).join(", ")} accepts TLS below 1.2.`]
      : [];
  },
});

export const apiAccessLogs = resourcePolicy({
  name: "api-gateway-access-logs",
  description: "API Gateway stages write access logs (accessLogSettings), so who called what can be answered.",
  enforcementLevel: "mandatory",
  severity: "low",
  remediation: "set accessLogSettings { destinationArn: <encrypted log group>, format }.",
  coverage: [{ control: "logging", types: [T.apiStage, T.apiV2Stage], checkov: ["CKV_AWS_76"] }],
  types: [T.apiStage, T.apiV2Stage],
  check: ({ props }) => {
    const out: Findings = [];
    if (!isSet(props, "accessLogSettings")) out.push("The stage writes no access logs.");
    return out;
  },
});

export const serverlessPolicies = [
  lambdaUrlAuth,
  lambdaPermissionScoped,
  lambdaEnvironmentKms,
  apiAuthorization,
  apiTls,
  apiAccessLogs,
];
