/**
 * The platform add-ons (SPEC E1, E5, I3) as data: where each runs, the service account IAM trusts (one IRSA role
 * per add-on, trusted for exactly that namespace and service account), and the IAM policy each needs, scoped as
 * tightly as the add-on's own documentation allows. Write actions on `*` appear only where the resource cannot be
 * named in advance, and always under a tag condition that limits them to this cluster's resources.
 */
import { arn, managedPolicy, policyDocument, type AwsAccount, type PolicyDocument } from "../iam";

/** The Helm-installed add-ons and their pinned charts (versions come from `cluster.charts`). */
export const charts = {
  clusterAutoscaler: {
    chart: "cluster-autoscaler",
    repo: "https://kubernetes.github.io/autoscaler",
    namespace: "kube-system",
    serviceAccount: "cluster-autoscaler",
  },
  metricsServer: {
    chart: "metrics-server",
    repo: "https://kubernetes-sigs.github.io/metrics-server/",
    namespace: "kube-system",
    serviceAccount: "metrics-server",
  },
  awsLoadBalancerController: {
    chart: "aws-load-balancer-controller",
    repo: "https://aws.github.io/eks-charts",
    namespace: "kube-system",
    serviceAccount: "aws-load-balancer-controller",
  },
  externalSecrets: {
    chart: "external-secrets",
    repo: "https://charts.external-secrets.io",
    namespace: "external-secrets",
    serviceAccount: "external-secrets",
  },
  fluentBit: {
    chart: "aws-for-fluent-bit",
    repo: "https://aws.github.io/eks-charts",
    namespace: "kube-system",
    serviceAccount: "aws-for-fluent-bit",
  },
} as const;
export type ChartAddon = keyof typeof charts;

/** The EKS managed add-ons that need AWS permissions, and the service accounts EKS runs them as. */
export const managedAddonIdentities = {
  vpcCni: { addonName: "vpc-cni", namespace: "kube-system", serviceAccount: "aws-node" },
  ebsCsiDriver: { addonName: "aws-ebs-csi-driver", namespace: "kube-system", serviceAccount: "ebs-csi-controller-sa" },
} as const;

/**
 * AWS managed policies for the two EKS managed add-ons. AWS maintains them alongside the add-ons (a hand-written
 * copy would fall behind new add-on versions); their wildcards are listed in docs/access.md.
 */
export const managedAddonPolicies = (partition: string) => ({
  vpcCni: managedPolicy(partition, "AmazonEKS_CNI_Policy"),
  ebsCsiDriver: managedPolicy(partition, "service-role/AmazonEBSCSIDriverPolicy"),
});

export interface AddonPolicyArgs {
  account: AwsAccount;
  clusterName: string;
}

/**
 * cluster-autoscaler (its AWS provider documentation at the pinned app version, 1.32.0: "Full Cluster Autoscaler
 * Features Policy"): read the groups, change the size only of auto scaling groups EKS tagged as owned by this
 * cluster (managed node groups carry `k8s.io/cluster-autoscaler/<cluster>: owned`), describe only this cluster's
 * node groups. `autoscaling:DescribeTags` (older guides) is not called by 1.32's AWS provider and is not granted.
 */
export function clusterAutoscalerPolicy({ account, clusterName }: AddonPolicyArgs): PolicyDocument {
  return policyDocument(
    {
      Sid: "ReadScalingState",
      Effect: "Allow",
      Action: [
        "autoscaling:DescribeAutoScalingGroups",
        "autoscaling:DescribeAutoScalingInstances",
        "autoscaling:DescribeLaunchConfigurations",
        "autoscaling:DescribeScalingActivities",
        "ec2:DescribeImages",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeLaunchTemplateVersions",
        "ec2:GetInstanceTypesFromInstanceRequirements",
      ],
      Resource: "*",
    },
    {
      Sid: "DescribeThisClustersNodeGroups",
      Effect: "Allow",
      Action: "eks:DescribeNodegroup",
      Resource: arn(account, "eks", `nodegroup/${clusterName}/*`),
    },
    {
      Sid: "ScaleOnlyThisClustersGroups",
      Effect: "Allow",
      Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
      Resource: "*",
      Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned" } },
    },
  );
}

export interface LoadBalancerPolicyArgs extends AddonPolicyArgs {
  /** The WAF web ACL the controller attaches to the ALB. */
  webAclArn: string;
  /** The ALB's name (`loadBalancerName(prefix)`). */
  loadBalancerName: string;
  /** The stack's VPC: the only one the controller may create security groups in. */
  vpcId: string;
  /**
   * Security groups of the pods' network interfaces (the EKS cluster group and the network's node group): the
   * controller adds and removes the rules that let the ALB reach targets in them.
   */
  targetSecurityGroupIds: string[];
}

/**
 * AWS Load Balancer Controller, after its reference IAM policy (docs/install/iam_policy.json; the same document at
 * v2.13.0 and at the pinned v3.5.0 of kubernetes-sigs/aws-load-balancer-controller, compared 2026-12-05), tightened: every
 * write on load balancers, target groups and security groups requires the `elbv2.k8s.aws/cluster` tag to equal this
 * cluster (on create as a request tag, afterwards as a resource tag); security groups are created only in the
 * stack's VPC; rules are added only to the controller's own groups or the named target groups; and WAF
 * association names the web ACL and this stack's ALB instead of `*`.
 */
export function loadBalancerControllerPolicy(args: LoadBalancerPolicyArgs): PolicyDocument {
  const { account, clusterName } = args;
  const clusterTag = "elbv2.k8s.aws/cluster";
  const ownResource = { StringEquals: { [`aws:ResourceTag/${clusterTag}`]: clusterName } };
  const ownRequest = { StringEquals: { [`aws:RequestTag/${clusterTag}`]: clusterName } };
  const albArn = arn(account, "elasticloadbalancing", `loadbalancer/app/${args.loadBalancerName}/*`);
  const targetGroups = arn(account, "elasticloadbalancing", "targetgroup/*/*");
  return policyDocument(
    {
      Sid: "ServiceLinkedRoleForElbOnly",
      Effect: "Allow",
      Action: "iam:CreateServiceLinkedRole",
      Resource: arn(account, "iam", "role/aws-service-role/elasticloadbalancing.amazonaws.com/*"),
      Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
    },
    {
      Sid: "Read",
      Effect: "Allow",
      Action: [
        "ec2:DescribeAccountAttributes",
        "ec2:DescribeAddresses",
        "ec2:DescribeAvailabilityZones",
        "ec2:DescribeInternetGateways",
        "ec2:DescribeVpcs",
        "ec2:DescribeVpcPeeringConnections",
        "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeInstances",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeTags",
        "ec2:DescribeCoipPools",
        "ec2:DescribeRouteTables",
        "ec2:GetCoipPoolUsage",
        "ec2:GetSecurityGroupsForVpc",
        "ec2:DescribeIpamPools",
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeListenerCertificates",
        "elasticloadbalancing:DescribeListenerAttributes",
        "elasticloadbalancing:DescribeSSLPolicies",
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetGroupAttributes",
        "elasticloadbalancing:DescribeTargetHealth",
        "elasticloadbalancing:DescribeTags",
        "elasticloadbalancing:DescribeTrustStores",
        "elasticloadbalancing:DescribeCapacityReservation",
        "acm:ListCertificates",
        "acm:DescribeCertificate",
        "wafv2:GetWebACL",
        "wafv2:GetWebACLForResource",
        "shield:GetSubscriptionState",
        "shield:DescribeProtection",
      ],
      Resource: "*",
    },
    {
      Sid: "CreateTaggedSecurityGroups",
      Effect: "Allow",
      Action: "ec2:CreateSecurityGroup",
      Resource: [arn(account, "ec2", "security-group/*"), arn(account, "ec2", `vpc/${args.vpcId}`)],
    },
    {
      Sid: "AllowAlbIntoTargets",
      Effect: "Allow",
      Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
      Resource: args.targetSecurityGroupIds.map((id) => arn(account, "ec2", `security-group/${id}`)),
    },
    {
      Sid: "TagSecurityGroupsOnCreate",
      Effect: "Allow",
      Action: "ec2:CreateTags",
      Resource: arn(account, "ec2", "security-group/*"),
      Condition: {
        StringEquals: { "ec2:CreateAction": "CreateSecurityGroup", [`aws:RequestTag/${clusterTag}`]: clusterName },
      },
    },
    {
      Sid: "ManageOwnSecurityGroups",
      Effect: "Allow",
      Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
      Resource: "*",
      Condition: ownResource,
    },
    {
      // As upstream: tags only on security groups, and never the ownership tag itself (no RequestTag for it).
      Sid: "RetagOwnSecurityGroups",
      Effect: "Allow",
      Action: ["ec2:CreateTags", "ec2:DeleteTags"],
      Resource: arn(account, "ec2", "security-group/*"),
      Condition: { ...ownResource, Null: { [`aws:RequestTag/${clusterTag}`]: "true" } },
    },
    {
      Sid: "CreateTaggedLoadBalancers",
      Effect: "Allow",
      Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
      Resource: "*",
      Condition: ownRequest,
    },
    {
      Sid: "TagOnCreate",
      Effect: "Allow",
      Action: "elasticloadbalancing:AddTags",
      Resource: [albArn, targetGroups],
      Condition: {
        StringEquals: {
          [`aws:RequestTag/${clusterTag}`]: clusterName,
          "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"],
        },
      },
    },
    {
      // As upstream: tags only on load balancers and target groups, and never the ownership tag itself.
      Sid: "RetagOwnLoadBalancers",
      Effect: "Allow",
      Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      Resource: [albArn, targetGroups],
      Condition: { ...ownResource, Null: { [`aws:RequestTag/${clusterTag}`]: "true" } },
    },
    {
      Sid: "ManageOwnLoadBalancers",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:SetIpAddressType",
        "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:SetSubnets",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:RegisterTargets",
        "elasticloadbalancing:DeregisterTargets",
        // Its resource is the load balancer, which carries the ownership tag.
        "elasticloadbalancing:CreateListener",
      ],
      Resource: "*",
      Condition: ownResource,
    },
    {
      // AWS evaluates these on the listener or the rule, which the ownership tag need not be on (upstream leaves
      // them on "*"); scoped instead by ARN to the listeners and rules of this stack's one ALB. Listener and rule
      // tags are set on create (AddTags on the new listener or rule).
      Sid: "ListenersAndRulesOfThisAlb",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:ModifyListener",
        "elasticloadbalancing:ModifyListenerAttributes",
        "elasticloadbalancing:AddListenerCertificates",
        "elasticloadbalancing:RemoveListenerCertificates",
        "elasticloadbalancing:CreateRule",
        "elasticloadbalancing:ModifyRule",
        "elasticloadbalancing:DeleteRule",
        "elasticloadbalancing:SetRulePriorities",
        "elasticloadbalancing:AddTags",
        "elasticloadbalancing:RemoveTags",
      ],
      Resource: [
        arn(account, "elasticloadbalancing", `listener/app/${args.loadBalancerName}/*`),
        arn(account, "elasticloadbalancing", `listener-rule/app/${args.loadBalancerName}/*`),
      ],
    },
    {
      Sid: "AttachThisStacksWebAclToThisStacksAlb",
      Effect: "Allow",
      Action: ["wafv2:AssociateWebACL", "wafv2:DisassociateWebACL"],
      Resource: [args.webAclArn, albArn],
    },
  );
}

export interface SecretsPolicyArgs {
  account: AwsAccount;
  /** `<prefix>`: the store may read `<prefix>/*` (which includes `<prefix>/platform/*`). */
  prefix: string;
  /** The Secrets Manager KMS key. */
  secretsKeyArn: string;
}

/** external-secrets: read this stack's secrets and decrypt them with the secrets key, through Secrets Manager only. */
export function externalSecretsPolicy({ account, prefix, secretsKeyArn }: SecretsPolicyArgs): PolicyDocument {
  return policyDocument(
    {
      Sid: "ReadThisStacksSecrets",
      Effect: "Allow",
      Action: [
        "secretsmanager:GetSecretValue",
        "secretsmanager:DescribeSecret",
        "secretsmanager:GetResourcePolicy",
        "secretsmanager:ListSecretVersionIds",
      ],
      Resource: arn(account, "secretsmanager", `secret:${prefix}/*`),
    },
    {
      Sid: "DecryptThroughSecretsManager",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: secretsKeyArn,
      Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${account.region}.amazonaws.com` } },
    },
  );
}

/** Fluent Bit: write streams into the one container log group; nothing else. */
export function fluentBitPolicy({ account, logGroupName }: { account: AwsAccount; logGroupName: string }) {
  const group = arn(account, "logs", `log-group:${logGroupName}`);
  return policyDocument(
    {
      Sid: "WriteContainerLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      Resource: [group, `${group}:log-stream:*`],
    },
    {
      Sid: "FindTheGroup",
      Effect: "Allow",
      Action: "logs:DescribeLogGroups",
      Resource: "*",
    },
  );
}
