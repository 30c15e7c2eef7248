/**
 * Every policy has compliant cases that pass and broken ones (one property changed) that fail, run through the
 * in-process runner with the runtime's semantics.
 */
import { broken, good, json, KEY, networkRecords, res, rolePolicy } from "./fixtures";
import { isolatedSubnetCase } from "./isolated-subnets.cases";
import { policies } from "../policy/policies";
import { T } from "../policy/policies/types";
import { runPolicies, type RecordLike } from "../policy/runner";
import { serviceCases, with_, type Case } from "./service-cases";

const stmt = (s: Record<string, unknown>) => ({ Version: "2012-10-17", Statement: [s] });
const unprotected = (r: RecordLike): RecordLike => ({ ...r, options: { protect: false } });
/** An EKS access policy association of `policy` for `principalArn`, scoped to `namespaces` or the cluster. */
const eksAccess = (principalArn: string, policy: string, namespaces?: string[]) =>
  res(T.eksAccessPolicyAssociation, {
    clusterName: "qualisys-dev",
    principalArn,
    policyArn: `arn:aws:eks::aws:cluster-access-policy/${policy}`,
    accessScope: namespaces ? { type: "namespace", namespaces } : { type: "cluster" },
  });
const githubRole = (name: string, subjects: string[], stack = "prod") =>
  res(
    T.role,
    {
      name,
      assumeRolePolicy: json(
        stmt({
          Effect: "Allow",
          Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
              "token.actions.githubusercontent.com:sub": subjects.map((s) => `repo:qualisys/platform:${s}`),
            },
          },
        }),
      ),
    },
    { stack },
  );

const RUNNER = { purpose: "deployment-runner" };
const runnerTemplate = () =>
  res(T.launchTemplate, {
    networkInterfaces: [{ associatePublicIpAddress: "false", securityGroups: ["sg-1"] }],
    metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 30, volumeType: "gp3" } }],
    tags: RUNNER,
  });
const runnerRole = (
  principal: unknown = { Service: "ec2.amazonaws.com" },
  action: string | string[] = "sts:AssumeRole",
  tags: Record<string, string> = RUNNER,
) =>
  res(T.role, {
    name: "qualisys-prod-runner",
    assumeRolePolicy: json(stmt({ Effect: "Allow", Principal: principal, Action: action })),
    tags,
  });

/** A managed policy shaped like a tenant's permissions boundary: whole services on named resources. */
const boundaryPolicy = (extra: Record<string, unknown>) =>
  res(T.iamPolicy, {
    name: "tenant-boundary",
    policy: json(stmt({ Effect: "Allow", Action: ["rds:*", "logs:*"], Resource: "arn:*:rds:*:*:db:tenant-*" })),
    ...extra,
  });
/** A role carrying `boundary` as its permissions boundary. */
const roleBoundedBy = (boundary: string) =>
  res(T.role, {
    name: "tenant-deploy",
    assumeRolePolicy: json(
      stmt({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }),
    ),
    permissionsBoundary: `arn:aws:iam::123456789012:policy/${boundary}`,
  });

const cases: Case[] = [
  isolatedSubnetCase,
  ...serviceCases,
  {
    policy: "rds-storage-encrypted",
    good: [[good.rdsInstance()], [broken(good.rdsInstance(), { kmsKeyId: "[unknown]" })]],
    bad: [
      [broken(good.rdsInstance(), { storageEncrypted: false })],
      [broken(good.rdsInstance(), { kmsKeyId: undefined })],
    ],
  },
  {
    policy: "rds-performance-insights-encrypted",
    good: [[good.rdsInstance()]],
    bad: [
      [broken(good.rdsInstance(), { performanceInsightsKmsKeyId: undefined })],
      [broken(good.rdsInstance(), { performanceInsightsEnabled: false })],
    ],
  },
  {
    policy: "rds-force-ssl",
    good: [
      [good.parameterGroup()],
      [
        res(T.rdsClusterParameterGroup, {
          family: "aurora-postgresql16",
          parameters: [{ name: "rds.force_ssl", value: "1" }],
        }),
      ],
    ],
    bad: [
      [broken(good.parameterGroup(), { parameters: [{ name: "rds.force_ssl", value: "0" }] })],
      [broken(good.parameterGroup(), { parameters: [] })],
    ],
  },
  {
    policy: "rds-custom-parameter-group",
    good: [[good.rdsInstance()]],
    bad: [
      [broken(good.rdsInstance(), { parameterGroupName: "default.postgres17" })],
      [broken(good.rdsInstance(), { parameterGroupName: undefined })],
    ],
  },
  {
    policy: "elasticache-at-rest-encrypted",
    good: [[good.replicationGroup()]],
    bad: [
      [broken(good.replicationGroup(), { atRestEncryptionEnabled: false })],
      [broken(good.replicationGroup(), { kmsKeyId: undefined })],
    ],
  },
  {
    policy: "elasticache-in-transit-encrypted",
    good: [[good.replicationGroup()]],
    bad: [
      [broken(good.replicationGroup(), { transitEncryptionEnabled: false })],
      [broken(good.replicationGroup(), { transitEncryptionMode: "preferred" })],
    ],
  },
  {
    policy: "elasticache-auth",
    good: [
      [good.replicationGroup()],
      [broken(good.replicationGroup(), { authToken: undefined, userGroupIds: ["qualisys-users"] })],
    ],
    bad: [[broken(good.replicationGroup(), { authToken: undefined })]],
  },
  {
    policy: "eks-secrets-encryption",
    good: [[good.eksCluster()], [good.awsEksCluster()]],
    bad: [
      [broken(good.eksCluster(), { encryptionConfigKeyArn: undefined })],
      [broken(good.awsEksCluster(), { encryptionConfig: undefined })],
    ],
  },
  {
    policy: "ecr-kms-encryption",
    good: [[good.ecrRepository()]],
    bad: [
      [broken(good.ecrRepository(), { encryptionConfigurations: [{ encryptionType: "AES256" }] })],
      [broken(good.ecrRepository(), { encryptionConfigurations: [{ encryptionType: "KMS" }] })],
    ],
  },
  {
    policy: "secretsmanager-kms",
    good: [[res(T.secret, { name: "qualisys-prod/jwt-signing-key", kmsKeyId: KEY })]],
    bad: [[res(T.secret, { name: "qualisys-prod/jwt-signing-key" })]],
  },
  {
    policy: "log-group-kms",
    good: [[res(T.logGroup, { kmsKeyId: KEY, retentionInDays: 90 })]],
    bad: [[res(T.logGroup, { retentionInDays: 90 })]],
  },
  {
    policy: "sns-kms",
    good: [[res(T.topic, { kmsMasterKeyId: KEY })]],
    bad: [[res(T.topic, {})], [res(T.topic, { kmsMasterKeyId: "alias/aws/sns" })]],
  },
  {
    policy: "s3-sse-kms",
    good: [
      [
        res(T.bucketSse, {
          bucket: "b",
          rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY } }],
        }),
      ],
    ],
    bad: [
      [res(T.bucketSse, { bucket: "b", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] })],
    ],
  },
  {
    policy: "s3-public-access-block",
    good: [
      [
        res(T.bucketPublicAccessBlock, {
          bucket: "b",
          blockPublicAcls: true,
          blockPublicPolicy: true,
          ignorePublicAcls: true,
          restrictPublicBuckets: true,
        }),
      ],
    ],
    bad: [
      [
        res(T.bucketPublicAccessBlock, {
          bucket: "b",
          blockPublicAcls: true,
          blockPublicPolicy: true,
          ignorePublicAcls: true,
          restrictPublicBuckets: false,
        }),
      ],
    ],
  },
  {
    policy: "ebs-encrypted",
    good: [[good.launchTemplate()], [res(T.ebsVolume, { encrypted: true, kmsKeyId: KEY })]],
    bad: [
      [
        broken(good.launchTemplate(), {
          blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }],
        }),
      ],
      [broken(good.launchTemplate(), { blockDeviceMappings: undefined })],
      [res(T.ebsVolume, { encrypted: false })],
    ],
  },
  {
    policy: "eks-node-volumes-encrypted",
    good: [[good.managedNodeGroup()], [good.eksCluster()]],
    bad: [
      [broken(good.managedNodeGroup(), { launchTemplate: undefined })],
      [broken(good.eksCluster(), { skipDefaultNodeGroup: undefined })],
    ],
  },
  {
    policy: "kms-key-rotation",
    good: [[good.kmsKey()], [broken(good.kmsKey(), { enableKeyRotation: false, customerMasterKeySpec: "RSA_2048" })]],
    bad: [[broken(good.kmsKey(), { enableKeyRotation: false })]],
  },
  {
    policy: "cloudtrail-encrypted",
    good: [[res(T.trail, { kmsKeyId: KEY, enableLogFileValidation: true })]],
    bad: [
      [res(T.trail, { kmsKeyId: KEY, enableLogFileValidation: false })],
      [res(T.trail, { enableLogFileValidation: true })],
    ],
  },
  {
    policy: "iam-human-role-requires-mfa",
    good: [[good.humanRole()], [good.githubRole()], [good.irsaRole()], [good.serviceRole()]],
    bad: [
      [
        res(T.role, {
          name: "x",
          assumeRolePolicy: json(
            stmt({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole" }),
          ),
        }),
      ],
      // BoolIfExists also passes for callers without an MFA context: it is not MFA.
      [
        res(T.role, {
          name: "x",
          assumeRolePolicy: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { AWS: ["arn:aws:iam::123456789012:root"] },
                Action: ["sts:AssumeRole"],
                Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "true" } },
              },
            ],
          },
        }),
      ],
    ],
  },
  {
    policy: "iam-oidc-trust-pinned",
    good: [[good.githubRole()], [good.irsaRole()]],
    bad: [
      [
        res(T.role, {
          name: "x",
          assumeRolePolicy: json(
            stmt({
              Effect: "Allow",
              Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" },
              Action: "sts:AssumeRoleWithWebIdentity",
              Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } },
            }),
          ),
        }),
      ],
      [
        res(T.role, {
          name: "x",
          assumeRolePolicy: json(
            stmt({
              Effect: "Allow",
              Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" },
              Action: "sts:AssumeRoleWithWebIdentity",
              Condition: {
                StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
                StringLike: { "token.actions.githubusercontent.com:sub": "repo:*" },
              },
            }),
          ),
        }),
      ],
    ],
  },
  {
    policy: "iam-users-mfa-enforced",
    good: [usersStack(true, true)],
    bad: [usersStack(false, true), usersStack(true, false)],
  },
  {
    policy: "iam-password-policy",
    good: [
      [
        res(T.passwordPolicy, {
          minimumPasswordLength: 14,
          requireLowercaseCharacters: true,
          requireUppercaseCharacters: true,
          requireNumbers: true,
          requireSymbols: true,
          passwordReusePrevention: 24,
        }),
      ],
    ],
    bad: [
      [
        res(T.passwordPolicy, {
          minimumPasswordLength: 8,
          requireLowercaseCharacters: true,
          requireUppercaseCharacters: true,
          requireNumbers: true,
          requireSymbols: true,
          passwordReusePrevention: 24,
        }),
      ],
    ],
  },
  {
    policy: "iam-no-wildcard-actions",
    good: [
      [rolePolicy({ Action: ["s3:GetObject", "ec2:Describe*"], Resource: "*" })],
      // A permissions boundary (tagged as one) grants nothing by itself: a ceiling of whole services is not read.
      [boundaryPolicy({ tags: { "qualisys:permissions-boundary": "true" } })],
    ],
    bad: [
      [rolePolicy({ Action: "s3:*", Resource: "arn:aws:s3:::b/*" })],
      // The same document without the tag (or with another value) is an identity policy.
      [boundaryPolicy({})],
      [boundaryPolicy({ tags: { "qualisys:permissions-boundary": "yes" } })],
      [
        res(T.role, {
          name: "x",
          assumeRolePolicy: json(
            stmt({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }),
          ),
          inlinePolicies: [{ name: "all", policy: json(stmt({ Effect: "Allow", Action: "*", Resource: "*" })) }],
        }),
      ],
    ],
  },
  {
    policy: "iam-boundary-never-granted",
    good: [
      [boundaryPolicy({ tags: { "qualisys:permissions-boundary": "true" } }), roleBoundedBy("tenant-boundary")],
      // Attaching an ordinary managed policy is the other rules' business.
      [
        boundaryPolicy({ tags: { "qualisys:permissions-boundary": "true" } }),
        res(T.rolePolicyAttachment, { role: "r", policyArn: `arn:aws:iam::123456789012:policy/other` }),
      ],
    ],
    bad: [
      [
        boundaryPolicy({ tags: { "qualisys:permissions-boundary": "true" } }),
        res(T.rolePolicyAttachment, { role: "r", policyArn: `arn:aws:iam::123456789012:policy/tenant-boundary` }),
      ],
      [
        boundaryPolicy({ tags: { "qualisys:permissions-boundary": "true" } }),
        res(T.policyAttachment, {
          name: "a",
          roles: ["r"],
          policyArn: `arn:aws:iam::123456789012:policy/x/tenant-boundary`,
        }),
      ],
      [
        boundaryPolicy({ tags: { "qualisys:permissions-boundary": "true" } }),
        with_(roleBoundedBy("tenant-boundary"), {
          managedPolicyArns: [`arn:aws:iam::123456789012:policy/tenant-boundary`],
        }),
      ],
    ],
  },
  {
    policy: "iam-no-star-resource-on-write",
    good: [
      [
        rolePolicy({
          Action: ["ec2:DescribeInstances", "autoscaling:Describe*", "ecr:GetAuthorizationToken"],
          Resource: "*",
        }),
      ],
      // Write actions for which the catalogue lists no resource type: "*" is their only form.
      [rolePolicy({ Action: ["cloudwatch:PutMetricData", "xray:PutTraceSegments"], Resource: "*" })],
      [
        rolePolicy({
          Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
          Resource: "*",
          Condition: { StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/qualisys-prod": "owned" } },
        }),
      ],
      [
        rolePolicy({
          Action: "elasticloadbalancing:CreateLoadBalancer",
          Resource: "*",
          Condition: { Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" } },
        }),
      ],
    ],
    bad: [
      [rolePolicy({ Action: ["autoscaling:SetDesiredCapacity"], Resource: "*" })],
      [rolePolicy({ Action: "iam:CreatePolicy", Resource: ["*"] })],
      [rolePolicy({ Action: "secretsmanager:PutSecretValue", Resource: "arn:aws:*:*:*" })],
      [rolePolicy({ Action: "*", Resource: "*" })],
      // Not a Create/Put verb, yet the catalogue classes it as Write and scopable to a key.
      [rolePolicy({ Action: "kms:Decrypt", Resource: "*" })],
    ],
  },
  {
    policy: "iam-actions-exist",
    good: [
      [
        rolePolicy({
          Action: ["s3:GetObject", "ec2:Describe*", "elasticloadbalancing:SetRulePriorities"],
          Resource: "*",
        }),
      ],
      [
        res(T.role, {
          name: "x",
          assumeRolePolicy: json(
            stmt({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }),
          ),
        }),
      ],
    ],
    bad: [
      // A typo, a wildcard that matches nothing, an unknown service, a NotAction typo, a typo in a trust policy.
      [rolePolicy({ Action: "s3:GetObjekt", Resource: "*" })],
      [rolePolicy({ Action: "ec2:Descibe*", Resource: "*" })],
      [rolePolicy({ Action: "s4:GetObject", Resource: "*" })],
      [rolePolicy({ Effect: "Deny", NotAction: ["iam:ChangePasword"], Resource: "*" })],
      [
        res(T.role, {
          name: "x",
          assumeRolePolicy: json(
            stmt({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRoles" }),
          ),
        }),
      ],
    ],
  },
  {
    policy: "iam-condition-keys-exist",
    good: [
      [
        rolePolicy({
          Action: "autoscaling:SetDesiredCapacity",
          Resource: "*",
          Condition: {
            StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/x": "owned", "kms:ViaService": "x" },
            Bool: { "aws:MultiFactorAuthPresent": "true" },
          },
        }),
      ],
      [
        res(T.role, {
          name: "x",
          assumeRolePolicy: json(
            stmt({
              Effect: "Allow",
              Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" },
              Action: "sts:AssumeRoleWithWebIdentity",
              Condition: {
                StringEquals: { "token.actions.githubusercontent.com:sub": "repo:o/r:ref:refs/heads/main" },
              },
            }),
          ),
        }),
      ],
    ],
    bad: [
      [
        rolePolicy({
          Action: "s3:GetObject",
          Resource: "*",
          Condition: { Bool: { "aws:MultiFactorAuthPresnt": "true" } },
        }),
      ],
      [rolePolicy({ Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: { "kms:ViaServices": "x" } } })],
    ],
  },
  {
    policy: "iam-no-unscoped-passrole",
    good: [
      [
        rolePolicy({
          Action: "iam:PassRole",
          Resource: "arn:aws:iam::123456789012:role/qualisys-prod-nodes",
          Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
        }),
      ],
    ],
    bad: [
      [rolePolicy({ Action: "iam:PassRole", Resource: "*" })],
      [rolePolicy({ Action: "iam:Pass*", Resource: "arn:aws:iam::123456789012:role/*" })],
    ],
  },
  {
    policy: "iam-no-notaction-allow",
    good: [[res(T.groupPolicy, { group: "g", policy: json(good.mfaPolicy()) })]],
    bad: [
      [rolePolicy({ NotAction: "iam:*", Resource: "*" })],
      [rolePolicy({ Action: "s3:GetObject", NotResource: "arn:aws:s3:::secret/*" })],
    ],
  },
  {
    policy: "iam-admin-policy-allow-list",
    good: [
      [
        res(T.rolePolicyAttachment, {
          role: "qualisys-prod-devops",
          policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
        }),
      ],
      [
        res(T.rolePolicyAttachment, {
          role: "qualisys-prod-developer",
          policyArn: "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
        }),
      ],
    ],
    bad: [
      [
        res(T.rolePolicyAttachment, {
          role: "qualisys-prod-developer",
          policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
        }),
      ],
      [
        res(T.groupPolicyAttachment, {
          group: "qualisys-prod-devops-users",
          policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
        }),
      ],
      [
        res(T.role, {
          name: "qualisys-prod-app",
          assumeRolePolicy: "{}",
          managedPolicyArns: ["arn:aws:iam::aws:policy/IAMFullAccess"],
        }),
      ],
    ],
  },
  {
    policy: "iam-trust-no-star-principal",
    good: [[good.humanRole()]],
    bad: [
      [
        res(T.role, {
          name: "x",
          assumeRolePolicy: json(stmt({ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" })),
        }),
      ],
      [
        res(T.role, {
          name: "x",
          assumeRolePolicy: json(stmt({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" })),
        }),
      ],
    ],
  },
  {
    policy: "resource-policy-no-star-principal",
    good: [
      [
        res(T.ecrRepositoryPolicy, {
          repository: "qualisys-api",
          policy: json(
            stmt({
              Effect: "Allow",
              Principal: { AWS: "arn:aws:iam::123456789012:role/qualisys-prod-nodes" },
              Action: ["ecr:BatchGetImage"],
            }),
          ),
        }),
      ],
      [
        res(T.bucketPolicy, {
          bucket: "b",
          policy: json(
            stmt({
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: "arn:aws:s3:::b/*",
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            }),
          ),
        }),
      ],
    ],
    bad: [
      [
        res(T.ecrRepositoryPolicy, {
          repository: "qualisys-api",
          policy: json(stmt({ Effect: "Allow", Principal: "*", Action: ["ecr:BatchGetImage"] })),
        }),
      ],
    ],
  },
  {
    policy: "kms-key-policy-no-star-principal",
    good: [[good.kmsKey()]],
    bad: [
      [
        broken(good.kmsKey(), {
          policy: json(stmt({ Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:Decrypt", Resource: "*" })),
        }),
      ],
      [
        broken(good.kmsKey(), {
          policy: json(
            stmt({
              Effect: "Allow",
              Principal: { AWS: "arn:aws:iam::123456789012:root" },
              Action: "kms:*",
              Resource: "*",
            }),
          ),
        }),
      ],
    ],
  },
  {
    policy: "iam-no-user-policies",
    good: [
      [res(T.policyAttachment, { policyArn: "arn:aws:iam::123456789012:policy/p", roles: ["qualisys-prod-cicd"] })],
    ],
    bad: [
      [
        res(T.userPolicy, {
          user: "alice",
          policy: json(stmt({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" })),
        }),
      ],
      [res(T.userPolicyAttachment, { user: "alice", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" })],
    ],
  },
  {
    policy: "iam-no-access-keys",
    good: [[res(T.user, { name: "alice" })]],
    bad: [[res(T.accessKey, { user: "alice" })]],
  },
  {
    policy: "rds-not-public",
    good: [[good.rdsInstance()]],
    bad: [[broken(good.rdsInstance(), { publiclyAccessible: true })]],
  },
  {
    policy: "elasticache-not-exposed",
    good: [[good.replicationGroup()]],
    bad: [
      [broken(good.replicationGroup(), { securityGroupIds: undefined })],
      [broken(good.replicationGroup(), { subnetGroupName: undefined })],
    ],
  },
  {
    policy: "sg-no-world-ingress",
    good: [
      networkRecords(),
      networkRecords({ port: 80 }),
      // Private ranges reach no one on the internet; an office /24 is within the broadest allowed reach.
      networkRecords({ worldRuleOn: "nodes", port: 22, cidrs: ["10.0.0.0/8", "172.16.0.0/12", "203.0.113.0/24"] }),
    ],
    bad: [
      // "The internet" spelt as two halves, and four narrow rules that add up to more than a /16.
      networkRecords({ worldRuleOn: "nodes", port: 22, cidrs: ["0.0.0.0/1", "128.0.0.0/1"] }),
      networkRecords({
        worldRuleOn: "nodes",
        port: 22,
        cidrs: ["8.0.0.0/17", "8.0.128.0/17", "9.0.0.0/17", "9.0.128.0/17"],
      }),
      networkRecords({ worldRuleOn: "nodes", port: 22 }),
      networkRecords({ worldRuleOn: "loadBalancer", port: 8080 }),
      [
        res(T.securityGroup, {
          name: "qualisys-prod-db",
          ingress: [
            { protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["10.0.0.0/8"], ipv6CidrBlocks: ["::/0"] },
          ],
        }),
      ],
      [
        res(T.securityGroupRule, {
          type: "ingress",
          securityGroupId: "sg-x",
          protocol: "-1",
          fromPort: 0,
          toPort: 0,
          cidrBlocks: ["0.0.0.0/0"],
        }),
      ],
    ],
  },
  {
    policy: "eks-public-endpoint-restricted",
    good: [
      [good.eksCluster()],
      [good.awsEksCluster()],
      [
        broken(good.eksCluster(), {
          endpointPublicAccess: true,
          publicAccessCidrs: ["203.0.113.0/24", "198.51.100.7/32"],
        }),
      ],
    ],
    bad: [
      [broken(good.eksCluster(), { endpointPublicAccess: undefined })],
      [broken(good.eksCluster(), { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] })],
      [broken(good.eksCluster(), { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] })],
      [broken(good.eksCluster(), { endpointPublicAccess: true, publicAccessCidrs: ["::/1", "8000::/1"] })],
      [broken(good.awsEksCluster(), { vpcConfig: { endpointPrivateAccess: true, subnetIds: ["subnet-1"] } })],
    ],
  },
  {
    policy: "nacl-no-broad-ingress",
    good: [
      [
        res(T.networkAcl, {
          ingress: [
            { action: "allow", cidrBlock: "10.0.0.0/19", protocol: "tcp", fromPort: 5432, toPort: 5432, ruleNo: 100 },
            { action: "deny", cidrBlock: "0.0.0.0/0", protocol: "-1", fromPort: 0, toPort: 0, ruleNo: 200 },
          ],
        }),
      ],
      [res(T.networkAclRule, { egress: true, ruleAction: "allow", cidrBlock: "0.0.0.0/0", ruleNumber: 100 })],
    ],
    bad: [
      [
        res(T.networkAcl, {
          ingress: [
            { action: "allow", cidrBlock: "0.0.0.0/1", protocol: "-1", fromPort: 0, toPort: 0, ruleNo: 100 },
            { action: "allow", cidrBlock: "128.0.0.0/1", protocol: "-1", fromPort: 0, toPort: 0, ruleNo: 110 },
          ],
        }),
      ],
      [res(T.networkAclRule, { egress: false, ruleAction: "allow", ipv6CidrBlock: "::/0", ruleNumber: 100 })],
    ],
  },
  {
    policy: "prod-stateful-protected",
    good: [
      [good.rdsInstance()],
      [good.replicationGroup()],
      [good.kmsKey()],
      [res(T.secret, { name: "qualisys-prod/x", kmsKeyId: KEY })],
      // Not production: neither by name nor by tag.
      [res(T.kmsKey, { enableKeyRotation: true }, { stack: "dev" })],
      [res(T.kmsKey, { enableKeyRotation: true }, { stack: "preprod" })],
    ],
    bad: [
      [unprotected(good.kmsKey())],
      [unprotected(good.replicationGroup())],
      [broken(good.rdsInstance(), { multiAz: false })],
      [broken(good.replicationGroup(), { snapshotRetentionLimit: 0 })],
      [res(T.secret, { name: "qualisys-prod/x", kmsKeyId: KEY, recoveryWindowInDays: 0 })],
      [res(T.ecrRepository, { name: "api" }, { stack: "eu.production" })],
    ],
  },
  {
    policy: "prod-nat-per-az",
    good: [
      [res(T.awsxVpc, { natGateways: { strategy: "OnePerAz" } })],
      [res(T.awsxVpc, { natGateways: { strategy: "Single" } }, { stack: "staging" })],
    ],
    bad: [[res(T.awsxVpc, { natGateways: { strategy: "Single" } })], [res(T.awsxVpc, {}, { stack: "prod-eu" })]],
  },
  {
    policy: "prod-ci-through-environment",
    good: [
      [githubRole("qualisys-prod-cicd", ["environment:production"])],
      [githubRole("qualisys-prod-ci-preview", ["pull_request", "ref:refs/heads/main"])],
      [githubRole("qualisys-dev-cicd", ["pull_request"], "dev")],
    ],
    bad: [
      [githubRole("qualisys-prod-cicd", ["environment:production", "pull_request"])],
      [githubRole("qualisys-prod-cicd", ["ref:refs/heads/main"])],
      [githubRole("qualisys-production-cicd", ["environment:*"], "production")],
    ],
  },
  {
    policy: "eks-admin-access-allow-list",
    good: [
      [good.eksCluster()],
      [eksAccess("arn:aws:iam::123456789012:role/qualisys-staging-deploy", "AmazonEKSClusterAdminPolicy")],
      [eksAccess("arn:aws:iam::123456789012:role/qualisys-staging-devops", "AmazonEKSAdminPolicy", ["staging"])],
      // Scoped to one namespace, the admin policy is that namespace's, not the cluster's.
      [eksAccess("arn:aws:iam::123456789012:role/qualisys-staging-developer", "AmazonEKSAdminPolicy", ["staging"])],
      [eksAccess("arn:aws:iam::123456789012:role/qualisys-staging-developer", "AmazonEKSViewPolicy")],
    ],
    bad: [
      [eksAccess("arn:aws:iam::123456789012:role/qualisys-staging-developer", "AmazonEKSClusterAdminPolicy")],
      [eksAccess("arn:aws:iam::123456789012:role/qualisys-staging-cicd", "AmazonEKSAdminPolicy")],
      [
        broken(good.eksCluster(), {
          accessEntries: {
            cicd: {
              principalArn: "arn:aws:iam::123456789012:role/qualisys-dev-cicd",
              kubernetesGroups: ["qualisys:ci-cd"],
              accessPolicies: {
                admin: {
                  policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                  accessScope: { type: "cluster" },
                },
              },
            },
          },
        }),
      ],
    ],
  },
  {
    policy: "eks-no-implicit-cluster-admin",
    good: [
      [
        broken(good.awsEksCluster(), {
          accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
        }),
      ],
      [broken(good.eksCluster(), { bootstrapClusterCreatorAdminPermissions: false })],
    ],
    bad: [
      [good.awsEksCluster()],
      [
        broken(good.awsEksCluster(), {
          accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
        }),
      ],
      [good.eksCluster()],
    ],
  },
  {
    policy: "imdsv2-required",
    good: [[good.launchTemplate()], [good.managedNodeGroup()], [good.eksCluster()]],
    bad: [
      [broken(good.launchTemplate(), { metadataOptions: { httpTokens: "optional" } })],
      [broken(good.managedNodeGroup(), { enableIMDSv2: undefined, launchTemplate: undefined })],
      [res(T.awsEksNodeGroup, { clusterName: "c" })],
      [broken(good.eksCluster(), { skipDefaultNodeGroup: undefined })],
    ],
  },
  {
    policy: "eks-control-plane-logging",
    good: [[good.eksCluster()], [good.awsEksCluster()]],
    bad: [
      [broken(good.eksCluster(), { enabledClusterLogTypes: ["api", "authenticator"] })],
      [broken(good.eksCluster(), { enabledClusterLogTypes: undefined })],
    ],
  },
  {
    policy: "eks-nodes-no-public-ip",
    good: [[good.eksCluster()], [good.launchTemplate()]],
    bad: [
      [broken(good.eksCluster(), { nodeAssociatePublicIpAddress: true })],
      [broken(good.launchTemplate(), { networkInterfaces: [{ associatePublicIpAddress: "true" }] })],
    ],
  },
  {
    policy: "awsx-vpc-explicit-layout",
    good: [
      [
        res(T.awsxVpc, {
          subnetStrategy: "Auto",
          subnetSpecs: [{ type: "Public", name: "public", cidrBlocks: ["10.0.0.0/24"] }],
        }),
      ],
    ],
    bad: [
      [res(T.awsxVpc, { subnetSpecs: [{ type: "Public", name: "public", cidrBlocks: ["10.0.0.0/24"] }] })],
      [res(T.awsxVpc, { subnetStrategy: "Auto", subnetSpecs: [{ type: "Public", name: "public" }] })],
    ],
  },
  {
    policy: "s3-bucket-encrypted-and-private",
    good: [bucketStack(true, true)],
    bad: [bucketStack(false, true), bucketStack(true, false)],
  },
  {
    policy: "data-deletion-protection",
    good: [
      [good.rdsInstance()],
      [
        res(
          T.rdsInstance,
          { ...good.rdsInstance().inputs, deletionProtection: false, skipFinalSnapshot: true },
          { stack: "dev" },
        ),
      ],
    ],
    bad: [
      [broken(good.rdsInstance(), { deletionProtection: false })],
      [broken(good.rdsInstance(), { skipFinalSnapshot: true })],
    ],
  },
  {
    policy: "rds-iam-auth",
    good: [[good.rdsInstance()]],
    bad: [[broken(good.rdsInstance(), { iamDatabaseAuthenticationEnabled: false })]],
  },
  {
    policy: "elasticache-failover",
    good: [[good.replicationGroup()]],
    bad: [
      [broken(good.replicationGroup(), { multiAzEnabled: false })],
      [broken(good.replicationGroup(), { automaticFailoverEnabled: undefined })],
    ],
  },
  {
    policy: "ecr-scan-on-push",
    good: [[good.ecrRepository()]],
    bad: [[broken(good.ecrRepository(), { imageScanningConfiguration: { scanOnPush: false } })]],
  },
  {
    policy: "ecr-immutable-tags",
    good: [[good.ecrRepository()]],
    bad: [
      [broken(good.ecrRepository(), { imageTagMutability: "MUTABLE" })],
      [broken(good.ecrRepository(), { imageTagMutability: undefined })],
    ],
  },
  {
    policy: "budget-present",
    good: [[res(T.budget, { budgetType: "COST", limitAmount: "500", notifications: [{ threshold: 80 }] })]],
    bad: [[good.kmsKey()], [res(T.budget, { budgetType: "COST", limitAmount: "500" })]],
  },
  {
    policy: "log-group-retention",
    good: [[res(T.logGroup, { kmsKeyId: KEY, retentionInDays: 30 })]],
    bad: [[res(T.logGroup, { kmsKeyId: KEY })], [res(T.logGroup, { kmsKeyId: KEY, retentionInDays: 0 })]],
  },
  {
    policy: "rds-backup-retention",
    good: [[good.rdsInstance()]],
    bad: [
      [broken(good.rdsInstance(), { backupRetentionPeriod: 1 })],
      [broken(good.rdsInstance(), { backupRetentionPeriod: undefined })],
    ],
  },
  {
    policy: "ecr-lifecycle-policy",
    good: [
      [
        { ...good.ecrRepository(), id: "qualisys-api" },
        res(T.ecrLifecyclePolicy, { repository: "qualisys-api", policy: "{}" }),
      ],
    ],
    bad: [[good.ecrRepository(), res(T.ecrLifecyclePolicy, { repository: "qualisys-web", policy: "{}" })]],
  },
  {
    policy: "vpc-flow-logs",
    good: [[res(T.awsxVpc, {}), res(T.flowLog, { vpcId: "vpc-1" })]],
    bad: [[res(T.awsxVpc, {})]],
  },
  {
    policy: "waf-rate-limit",
    good: [
      [
        res(T.webAcl, {
          rules: [{ name: "rate", statement: { rateBasedStatement: { limit: 1000, aggregateKeyType: "IP" } } }],
        }),
      ],
    ],
    bad: [
      [
        res(T.webAcl, {
          rules: [
            { name: "common", statement: { managedRuleGroupStatement: { name: "AWSManagedRulesCommonRuleSet" } } },
          ],
        }),
      ],
    ],
  },
  {
    policy: "kms-deletion-window",
    good: [[good.kmsKey()]],
    bad: [[broken(good.kmsKey(), { deletionWindowInDays: 7 })]],
  },
  {
    policy: "deployment-runner-no-public-ip",
    good: [
      [runnerTemplate()],
      [good.launchTemplate()],
      [res(T.instance, { associatePublicIpAddress: false, tags: RUNNER })],
    ],
    bad: [
      [broken(runnerTemplate(), { networkInterfaces: [{ associatePublicIpAddress: "true" }] })],
      [broken(runnerTemplate(), { networkInterfaces: undefined })],
      [res(T.instance, { associatePublicIpAddress: true })],
      [res(T.instance, { tags: RUNNER })],
    ],
  },
  {
    policy: "deployment-runner-imdsv2-one-hop",
    good: [[runnerTemplate()], [good.launchTemplate()]],
    bad: [
      [broken(runnerTemplate(), { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } })],
      [broken(runnerTemplate(), { metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 1 } })],
      [broken(runnerTemplate(), { metadataOptions: undefined })],
    ],
  },
  {
    policy: "deployment-runner-role-ec2-only",
    good: [[runnerRole()], [runnerRole({ Service: "ec2.amazonaws.com" }, "sts:AssumeRole", {})]],
    bad: [
      [runnerRole({ Service: ["ec2.amazonaws.com", "ecs-tasks.amazonaws.com"] })],
      [runnerRole({ AWS: "arn:aws:iam::123456789012:root" })],
      [runnerRole({ Service: "ec2.amazonaws.com" }, ["sts:AssumeRole", "sts:TagSession"])],
      [runnerRole("*")],
    ],
  },
];

function usersStack(groupHasMfa: boolean, userInGroup: boolean): RecordLike[] {
  const group = res(T.group, { name: "qualisys-prod-devops-users" });
  const user = res(T.user, { name: "alice" });
  const policy = groupHasMfa
    ? good.mfaPolicy()
    : stmt({
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Resource: "arn:aws:iam::123456789012:role/qualisys-prod-devops",
      });
  return [
    group,
    user,
    res(T.groupPolicy, { group: "qualisys-prod-devops-users", policy: json(policy) }),
    ...(userInGroup ? [res(T.userGroupMembership, { user: "alice", groups: ["qualisys-prod-devops-users"] })] : []),
  ];
}

function bucketStack(encrypted: boolean, blocked: boolean): RecordLike[] {
  const bucket = { ...res(T.bucket, { bucket: "qualisys-prod-trail" }), id: "qualisys-prod-trail" };
  return [
    bucket,
    ...(encrypted
      ? [
          res(T.bucketSse, {
            bucket: "qualisys-prod-trail",
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY } }],
          }),
        ]
      : []),
    ...(blocked
      ? [
          res(T.bucketPublicAccessBlock, {
            bucket: "qualisys-prod-trail",
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
          }),
        ]
      : []),
  ];
}

const byName = new Map(policies.map((p) => [p.name, p]));

it("has at least 30 policies, uniquely named, each documented with a level, severity and remediation", () => {
  expect(policies.length).toBeGreaterThanOrEqual(30);
  expect(new Set(policies.map((p) => p.name)).size).toBe(policies.length);
  for (const p of policies) {
    expect(p.description).toBeTruthy();
    expect(["advisory", "mandatory"]).toContain(p.enforcementLevel);
    expect(p.severity).toBeTruthy();
    expect(p.remediationSteps).toBeTruthy();
  }
});

it("has a passing and a failing case for every policy", () => {
  const covered = cases.filter((c) => c.good.length && c.bad.length).map((c) => c.policy);
  expect(policies.map((p) => p.name).filter((n) => !covered.includes(n))).toEqual([]);
  expect(cases.map((c) => c.policy).filter((n) => !byName.has(n))).toEqual([]);
});

describe.each(cases)("$policy", ({ policy, good: goods, bad, config }) => {
  const run = (records: RecordLike[]) => runPolicies(records, { policies: [byName.get(policy)!], config });

  it.each(goods.map((g, i) => [i, g] as const))("passes compliant case %i", async (_, records) => {
    const result = await run(records);
    expect(result.violations).toEqual([]);
  });

  it.each(bad.map((b, i) => [i, b] as const))("fails broken case %i", async (_, records) => {
    const result = await run(records);
    expect(result.violations.length).toBeGreaterThan(0);
    if (process.env.SHOW_VIOLATIONS) console.log(`${policy}: ${result.violations.map((v) => v.message).join(" | ")}`);
    for (const v of result.violations) {
      expect(v.policyName).toBe(policy);
      expect(v.message).not.toMatch(/can't run/);
      expect(v.enforcementLevel).toBe(byName.get(policy)!.enforcementLevel);
    }
  });
});
