import type { Statement } from "../iam";
import {
  clusterAutoscalerPolicy,
  externalSecretsPolicy,
  fluentBitPolicy,
  loadBalancerControllerPolicy,
} from "./addons";
import { managedAddonVersion } from "./addon-install";
import { ingressAnnotations, webAclRules } from "./edge-plan";

const account = { accountId: "123456789012", partition: "aws", region: "us-east-1" };
const clusterName = "qualisys-prod";
const readOnly = (action: string) => /^[a-z0-9-]+:(Describe|Get|List)/.test(action);

/** Statements that write on `*`. */
const writesOnStar = (statements: Statement[]) =>
  statements.filter((s) => [s.Resource].flat().includes("*") && ![s.Action].flat().every((a) => readOnly(String(a))));

describe("add-on IAM policies", () => {
  const lb = loadBalancerControllerPolicy({
    account,
    clusterName,
    webAclArn: "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/qualisys-prod-web-acl/abc",
    loadBalancerName: "qualisys-prod-alb",
    vpcId: "vpc-0123",
    targetSecurityGroupIds: ["sg-cluster", "sg-nodes"],
  });
  const policies = {
    clusterAutoscaler: clusterAutoscalerPolicy({ account, clusterName }),
    loadBalancerController: lb,
    externalSecrets: externalSecretsPolicy({ account, prefix: "qualisys-prod", secretsKeyArn: "arn:aws:kms:key/1" }),
    fluentBit: fluentBitPolicy({ account, logGroupName: "/qualisys/prod/containers" }),
  };

  it.each(Object.entries(policies))("%s writes on `*` only under a condition naming this cluster", (_, policy) => {
    for (const statement of writesOnStar(policy.Statement)) {
      expect(JSON.stringify(statement.Condition)).toContain(clusterName);
    }
  });

  it("lets cluster-autoscaler resize only groups this cluster owns", () => {
    const scale = policies.clusterAutoscaler.Statement.find((s) => s.Sid === "ScaleOnlyThisClustersGroups")!;
    expect(scale.Condition).toEqual({
      StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/qualisys-prod": "owned" },
    });
  });

  it("lets the load balancer controller attach only this stack's web ACL to this stack's ALB", () => {
    const waf = lb.Statement.find((s) => [s.Action].flat().includes("wafv2:AssociateWebACL"))!;
    expect(waf.Resource).toEqual([
      "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/qualisys-prod-web-acl/abc",
      "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/qualisys-prod-alb/*",
    ]);
    const ingress = lb.Statement.find((s) => s.Sid === "AllowAlbIntoTargets")!;
    expect(ingress.Resource).toEqual([
      "arn:aws:ec2:us-east-1:123456789012:security-group/sg-cluster",
      "arn:aws:ec2:us-east-1:123456789012:security-group/sg-nodes",
    ]);
  });

  it("lets external-secrets read only this stack's secrets and decrypt only through Secrets Manager", () => {
    const [read, decrypt] = policies.externalSecrets.Statement;
    expect(read.Resource).toBe("arn:aws:secretsmanager:us-east-1:123456789012:secret:qualisys-prod/*");
    expect([read.Action].flat().every((a) => readOnly(String(a)))).toBe(true);
    expect(decrypt.Condition).toEqual({ StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } });
  });
});

describe("edge", () => {
  it("blocks an IP above 1000 requests in 60 seconds before the managed rules run", () => {
    const [rate, common] = webAclRules("qualisys-dev");
    expect(rate.statement.rateBasedStatement).toEqual({ limit: 1000, evaluationWindowSec: 60, aggregateKeyType: "IP" });
    expect(rate.action).toEqual({ block: {} });
    expect(common.statement.managedRuleGroupStatement).toEqual({
      vendorName: "AWS",
      name: "AWSManagedRulesCommonRuleSet",
    });
  });

  it("redirects to HTTPS only when there is a certificate", () => {
    const base = { loadBalancerName: "x-alb", webAclArn: "acl", securityGroupId: "sg-1", subnetIds: ["a", "b"] };
    expect(ingressAnnotations(base)).not.toHaveProperty("alb.ingress.kubernetes.io/ssl-redirect");
    expect(ingressAnnotations({ ...base, certificateArn: "cert" })).toMatchObject({
      "alb.ingress.kubernetes.io/ssl-redirect": "443",
      "alb.ingress.kubernetes.io/certificate-arn": "cert",
      "alb.ingress.kubernetes.io/load-balancer-name": "x-alb",
      "alb.ingress.kubernetes.io/subnets": "a,b",
    });
  });
});

describe("managed add-on versions", () => {
  it("uses a version pinned in cluster.addons as given, without asking AWS", () => {
    expect(managedAddonVersion("vpc-cni", "v1.20.4-eksbuild.2", "1.35", {})).toBe("v1.20.4-eksbuild.2");
  });
});
