/**
 * Compliant resources of the types a team adds next (SPEC X5), and the passing and failing cases of the policies
 * that judge them. The compliant fixtures are also the starting points of the property tests (./properties.test.ts).
 */
import { json, KEY, ownRole, res } from "./fixtures";
import { T } from "../policy/policies/types";
import type { PackConfig, RecordLike } from "../policy/runner";

export interface Case {
  policy: string;
  /** Stacks (lists of resources) on which the policy reports nothing. */
  good: RecordLike[][];
  /** Stacks on which it reports at least one violation. */
  bad: RecordLike[][];
  config?: PackConfig;
}

/** A copy of `r` with `changes` applied (a value of `undefined` removes the input). */
export function with_(r: RecordLike, changes: Record<string, unknown>): RecordLike {
  const inputs = { ...r.inputs };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete inputs[k];
    else inputs[k] = v;
  }
  return { ...r, inputs };
}

export const ACCOUNT = "123456789012";
export const FOREIGN = "999999999999";
const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs";
const tlsDeny = (resource: string | string[]) => ({
  Sid: "TlsOnly",
  Effect: "Deny",
  Principal: "*",
  Action: "*",
  Resource: resource,
  Condition: { Bool: { "aws:SecureTransport": "false" } },
});
const doc = (...statements: unknown[]) => json({ Version: "2012-10-17", Statement: statements });

/** One compliant resource per type, as a team following the remediation texts would declare it. */
export const compliant = {
  queue: () =>
    res(
      T.queue,
      { name: "jobs", kmsMasterKeyId: KEY, policy: doc(tlsDeny("arn:aws:sqs:us-east-1:123456789012:jobs")) },
      { id: QUEUE_URL },
    ),
  kinesisStream: () => res(T.kinesisStream, { name: "events", encryptionType: "KMS", kmsKeyId: KEY }),
  firehose: () =>
    res(T.firehose, {
      name: "to-s3",
      destination: "extended_s3",
      serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: KEY },
    }),
  mskCluster: () =>
    res(T.mskCluster, {
      clusterName: "events",
      encryptionInfo: { encryptionAtRestKmsKeyArn: KEY, encryptionInTransit: { clientBroker: "TLS", inCluster: true } },
      brokerNodeGroupInfo: { connectivityInfo: { publicAccess: { type: "DISABLED" } } },
    }),
  dynamoTable: () => res(T.dynamoTable, { name: "tenants", serverSideEncryption: { enabled: true, kmsKeyArn: KEY } }),
  opensearchDomain: () =>
    res(T.opensearchDomain, {
      domainName: "search",
      encryptAtRest: { enabled: true, kmsKeyId: KEY },
      nodeToNodeEncryption: { enabled: true },
      domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-2019-07" },
      vpcOptions: { subnetIds: ["subnet-1"], securityGroupIds: ["sg-search"] },
    }),
  elasticacheCluster: () =>
    res(T.elasticacheCluster, {
      clusterId: "sessions",
      engine: "memcached",
      transitEncryptionEnabled: true,
      subnetGroupName: "qualisys-prod-cache",
      securityGroupIds: ["sg-cache"],
    }),
  rdsProxy: () => res(T.rdsProxy, { name: "db", engineFamily: "POSTGRESQL", requireTls: true }),
  rdsGlobalCluster: () => res(T.rdsGlobalCluster, { globalClusterIdentifier: "g", storageEncrypted: true }),
  efs: () => res(T.efsFileSystem, { encrypted: true, kmsKeyId: KEY }, { id: "fs-1" }),
  efsPolicy: () =>
    res(T.efsFileSystemPolicy, {
      fileSystemId: "fs-1",
      policy: doc(tlsDeny("arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1")),
    }),
  bucket: () => res(T.bucketV2, { bucket: "qualisys-prod-exports" }, { id: "qualisys-prod-exports" }),
  bucketPolicy: () =>
    res(T.bucketPolicy, {
      bucket: "qualisys-prod-exports",
      policy: doc(tlsDeny(["arn:aws:s3:::qualisys-prod-exports", "arn:aws:s3:::qualisys-prod-exports/*"])),
    }),
  accessPoint: () => res(T.accessPoint, { bucket: "qualisys-prod-exports", name: "ap" }),
  ebsVolume: () => res(T.ebsVolume, { availabilityZone: "us-east-1a", size: 10, encrypted: true, kmsKeyId: KEY }),
  ebsSnapshotCopy: () =>
    res(T.ebsSnapshotCopy, { sourceSnapshotId: "snap-1", sourceRegion: "us-east-1", encrypted: true, kmsKeyId: KEY }),
  backupVault: () => res(T.backupVault, { name: "vault", kmsKeyArn: KEY }),
  ssmParameter: () =>
    res(T.ssmParameter, { name: "/qualisys/prod/api-key", type: "SecureString", keyId: KEY, value: "[secret]" }),
  lambdaFunctionUrl: () => res(T.lambdaFunctionUrl, { functionName: "hook", authorizationType: "AWS_IAM" }),
  lambdaPermission: () =>
    res(T.lambdaPermission, {
      action: "lambda:InvokeFunction",
      function: "hook",
      principal: "s3.amazonaws.com",
      sourceArn: "arn:aws:s3:::qualisys-prod-exports",
      sourceAccount: ACCOUNT,
    }),
  lambdaFunction: () =>
    res(T.lambdaFunction, {
      name: "hook",
      role: "arn:aws:iam::123456789012:role/hook",
      environment: { variables: { MODE: "x" } },
      kmsKeyArn: KEY,
    }),
  apiMethod: () => res(T.apiMethod, { restApi: "api", resourceId: "r", httpMethod: "GET", authorization: "AWS_IAM" }),
  apiRoute: () =>
    res(T.apiV2Route, { apiId: "api", routeKey: "GET /jobs", authorizationType: "JWT", authorizerId: "a" }),
  apiDomain: () =>
    res(T.apiDomainName, {
      domainName: "api.example.com",
      securityPolicy: "TLS_1_2",
      regionalCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/c",
    }),
  apiStage: () =>
    res(T.apiStage, {
      restApi: "api",
      stageName: "prod",
      deployment: "d",
      accessLogSettings: {
        destinationArn: "arn:aws:logs:us-east-1:123456789012:log-group:api",
        format: "$context.requestId",
      },
    }),
  httpsListener: () =>
    res(T.lbListener, {
      loadBalancerArn: "arn:lb",
      port: 443,
      protocol: "HTTPS",
      certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/c",
      sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      defaultActions: [{ type: "forward", targetGroupArn: "arn:tg" }],
    }),
  redirectListener: () =>
    res(T.lbListener, {
      loadBalancerArn: "arn:lb",
      port: 80,
      protocol: "HTTP",
      defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
    }),
  distribution: () =>
    res(T.cloudfrontDistribution, {
      enabled: true,
      defaultCacheBehavior: { targetOriginId: "app", viewerProtocolPolicy: "redirect-to-https" },
      orderedCacheBehaviors: [{ pathPattern: "/api/*", targetOriginId: "app", viewerProtocolPolicy: "https-only" }],
      origins: [
        { originId: "app", domainName: "app.example.com", customOriginConfig: { originProtocolPolicy: "https-only" } },
      ],
      viewerCertificate: {
        acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/c",
        minimumProtocolVersion: "TLSv1.2_2021",
      },
      webAclId: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/w",
      loggingConfig: { bucket: "logs.s3.amazonaws.com" },
    }),
  ingress: (stack = "prod") =>
    res(
      T.k8sIngress,
      {
        metadata: {
          name: "app",
          namespace: "production",
          annotations: {
            "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP": 80}, {"HTTPS": 443}]',
            "alb.ingress.kubernetes.io/ssl-redirect": "443",
          },
        },
        spec: { ingressClassName: "alb" },
      },
      { stack },
    ),
  defaultSecurityGroup: () => res(T.defaultSecurityGroup, { vpcId: "vpc-1", ingress: [], egress: [] }),
  clusterRoleBinding: () =>
    res(T.k8sClusterRoleBinding, {
      metadata: { name: "readers" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
      subjects: [{ kind: "Group", name: "qualisys:developers" }],
    }),
  deployment: () =>
    res(T.k8sDeployment, {
      metadata: { name: "api", namespace: "production" },
      spec: {
        template: {
          spec: {
            containers: [
              { name: "api", image: "api:1", securityContext: { privileged: false, allowPrivilegeEscalation: false } },
            ],
            volumes: [{ name: "tmp", emptyDir: {} }],
          },
        },
      },
    }),
  service: () =>
    res(T.k8sService, {
      metadata: {
        name: "grpc",
        namespace: "production",
        annotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" },
      },
      spec: { type: "LoadBalancer", ports: [{ port: 443 }] },
    }),
};

const eksEntry = (principalArn: string, groups: string[]) =>
  res(T.eksAccessEntry, { clusterName: "qualisys-prod", principalArn, kubernetesGroups: groups });
const adminBinding = (group: string) =>
  res(T.k8sClusterRoleBinding, {
    metadata: { name: "admins" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
    subjects: [{ kind: "Group", name: group }],
  });
const nsAccess = (principalArn: string, policy: string, namespaces: string[]) =>
  res(T.eksAccessPolicyAssociation, {
    clusterName: "qualisys-prod",
    principalArn,
    policyArn: `arn:aws:eks::aws:cluster-access-policy/${policy}`,
    accessScope: { type: "namespace", namespaces },
  });
const trustRole = (principal: unknown, condition?: unknown) =>
  res(T.role, {
    name: "qualisys-prod-partner",
    assumeRolePolicy: doc({
      Effect: "Allow",
      Principal: principal,
      Action: "sts:AssumeRole",
      ...(condition ? { Condition: condition } : {}),
    }),
  });
/** A key created through an explicit AWS provider pinned to the second account, its policy naming that account. */
const SECOND = "210987654321";
function keyThroughProvider(): RecordLike[] {
  const provider = res(
    "pulumi:providers:aws",
    {
      allowedAccountIds: JSON.stringify([SECOND]),
      assumeRoles: JSON.stringify([{ roleArn: `arn:aws:iam::${SECOND}:role/OrganizationAccountAccessRole` }]),
    },
    { name: `account-${SECOND}`, id: "provider-id" },
  );
  const key = res(T.kmsKey, {
    enableKeyRotation: true,
    policy: doc({
      Sid: "Admin",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${SECOND}:root` },
      Action: "kms:*",
      Resource: "*",
    }),
  });
  return [provider, { ...key, provider: `${provider.urn}::provider-id` }];
}
const topic = () =>
  res(
    T.topic,
    { name: "alarms", kmsMasterKeyId: KEY },
    { outputs: { arn: "arn:aws:sns:us-east-1:123456789012:alarms" } },
  );

export const serviceCases: Case[] = [
  {
    policy: "iam-foreign-accounts",
    good: [
      [ownRole(), trustRole({ AWS: `arn:aws:iam::${ACCOUNT}:role/qualisys-prod-runner` })],
      [
        ownRole(),
        trustRole(
          { AWS: `arn:aws:iam::${FOREIGN}:role/vendor` },
          { StringEquals: { "sts:ExternalId": "qualisys-7f3a" } },
        ),
      ],
      [ownRole(), eksEntry(`arn:aws:iam::${ACCOUNT}:role/qualisys-prod-developer`, [])],
      // A stack that deploys into a second account through an explicit provider (the organisation stack): that
      // account is its own too.
      [ownRole(), ...keyThroughProvider()],
    ],
    bad: [
      [ownRole(), trustRole({ AWS: `arn:aws:iam::${FOREIGN}:role/qualisys-prod-runner` })],
      [ownRole(), eksEntry(`arn:aws:iam::${FOREIGN}:role/qualisys-prod-devops`, [])],
      [ownRole(), res(T.lambdaPermission, { action: "lambda:InvokeFunction", function: "f", principal: FOREIGN })],
      // The same key as the passing case, created through the default provider: the second account is foreign.
      [ownRole(), { ...keyThroughProvider()[1], provider: undefined }],
    ],
  },
  {
    policy: "eks-no-admin-in-system-namespaces",
    good: [[nsAccess(`arn:aws:iam::${ACCOUNT}:role/qualisys-prod-developer`, "AmazonEKSEditPolicy", ["production"])]],
    bad: [
      [nsAccess(`arn:aws:iam::${ACCOUNT}:role/qualisys-prod-developer`, "AmazonEKSAdminPolicy", ["kube-system"])],
      [nsAccess(`arn:aws:iam::${ACCOUNT}:role/qualisys-prod-developer`, "AmazonEKSEditPolicy", ["kube-*"])],
    ],
  },
  {
    policy: "eks-access-entry-privileged-groups",
    good: [
      [
        eksEntry(`arn:aws:iam::${ACCOUNT}:role/qualisys-prod-devops`, ["qualisys:devops"]),
        adminBinding("qualisys:devops"),
      ],
      [
        eksEntry(`arn:aws:iam::${ACCOUNT}:role/qualisys-prod-developer`, ["qualisys:developers"]),
        adminBinding("qualisys:devops"),
      ],
    ],
    bad: [
      [eksEntry(`arn:aws:iam::${ACCOUNT}:role/qualisys-prod-developer`, ["system:masters"])],
      [
        eksEntry(`arn:aws:iam::${ACCOUNT}:role/qualisys-prod-cicd`, ["qualisys:devops"]),
        adminBinding("qualisys:devops"),
      ],
    ],
  },
  {
    policy: "efs-encrypted",
    good: [[compliant.efs()]],
    bad: [
      [with_(compliant.efs(), { encrypted: false })],
      [with_(compliant.efs(), { kmsKeyId: "alias/aws/elasticfilesystem" })],
    ],
  },
  {
    policy: "efs-tls-only",
    good: [[compliant.efs(), compliant.efsPolicy()]],
    bad: [
      [compliant.efs()],
      [
        compliant.efs(),
        with_(compliant.efsPolicy(), {
          policy: doc({
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
            Action: "elasticfilesystem:ClientMount",
            Resource: "*",
          }),
        }),
      ],
    ],
  },
  {
    policy: "s3-tls-only",
    good: [[compliant.bucket(), compliant.bucketPolicy()]],
    bad: [[compliant.bucket()], [compliant.bucket(), with_(compliant.bucketPolicy(), { bucket: "another-bucket" })]],
  },
  {
    policy: "s3-no-public-acl",
    good: [[compliant.bucket()], [res(T.bucketAcl, { bucket: "b", acl: "private" })]],
    bad: [
      [res(T.bucketAcl, { bucket: "b", acl: "public-read" })],
      [
        res(T.bucketAcl, {
          bucket: "b",
          accessControlPolicy: {
            grants: [
              {
                grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" },
                permission: "READ",
              },
            ],
            owner: { id: "o" },
          },
        }),
      ],
      [res("aws:s3/bucketObjectv2:BucketObjectv2", { bucket: "b", key: "k", acl: "public-read-write" })],
    ],
  },
  {
    policy: "s3-access-point-public-access-block",
    good: [[compliant.accessPoint()]],
    bad: [
      [
        with_(compliant.accessPoint(), {
          publicAccessBlockConfiguration: {
            blockPublicAcls: true,
            blockPublicPolicy: false,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
          },
        }),
      ],
    ],
  },
  {
    policy: "ebs-customer-managed-key",
    good: [[compliant.ebsVolume()], [compliant.ebsSnapshotCopy()]],
    bad: [
      [with_(compliant.ebsVolume(), { kmsKeyId: undefined })],
      [with_(compliant.ebsSnapshotCopy(), { encrypted: false })],
    ],
  },
  {
    policy: "snapshots-not-public",
    good: [
      [res(T.snapshotCreateVolumePermission, { snapshotId: "snap-1", accountId: ACCOUNT })],
      [res(T.rdsSnapshot, { dbInstanceIdentifier: "db", dbSnapshotIdentifier: "s", sharedAccounts: [ACCOUNT] })],
    ],
    bad: [
      [res(T.snapshotCreateVolumePermission, { snapshotId: "snap-1", accountId: "all" })],
      [
        res(T.rdsClusterSnapshot, {
          dbClusterIdentifier: "c",
          dbClusterSnapshotIdentifier: "s",
          sharedAccounts: ["all"],
        }),
      ],
    ],
  },
  {
    policy: "backup-vault-kms",
    good: [[compliant.backupVault()]],
    bad: [
      [with_(compliant.backupVault(), { kmsKeyArn: undefined })],
      [with_(compliant.backupVault(), { kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:alias/aws/backup" })],
    ],
  },
  {
    policy: "kms-customer-managed-keys",
    good: [
      [res("aws:kinesis/videoStream:VideoStream", { name: "v", kmsKeyId: KEY })],
      [res("aws:s3/bucketObjectv2:BucketObjectv2", { bucket: "b", key: "k" })],
    ],
    bad: [
      [res("aws:kinesis/videoStream:VideoStream", { name: "v" })],
      [
        res("aws:ec2/amiCopy:AmiCopy", {
          name: "a",
          sourceAmiId: "ami-1",
          sourceAmiRegion: "us-east-1",
          encrypted: false,
          kmsKeyId: KEY,
        }),
      ],
      [res("aws:s3/bucketObjectv2:BucketObjectv2", { bucket: "b", key: "k", serverSideEncryption: "AES256" })],
    ],
  },
  {
    policy: "sqs-kms",
    good: [[compliant.queue()]],
    bad: [
      [with_(compliant.queue(), { kmsMasterKeyId: undefined, sqsManagedSseEnabled: true })],
      [with_(compliant.queue(), { kmsMasterKeyId: "alias/aws/sqs" })],
    ],
  },
  {
    policy: "sqs-tls-only",
    good: [
      [compliant.queue()],
      [
        with_(compliant.queue(), { policy: undefined }),
        res(T.queuePolicy, { queueUrl: QUEUE_URL, policy: doc(tlsDeny("*")) }),
      ],
    ],
    bad: [
      [with_(compliant.queue(), { policy: undefined })],
      [
        with_(compliant.queue(), {
          policy: doc({ ...tlsDeny("*"), Condition: { Bool: { "aws:SecureTransport": "true" } } }),
        }),
      ],
    ],
  },
  {
    policy: "sns-tls-only",
    good: [
      [topic(), res(T.topicPolicy, { arn: "arn:aws:sns:us-east-1:123456789012:alarms", policy: doc(tlsDeny("*")) })],
    ],
    bad: [
      [topic()],
      [topic(), res(T.topicPolicy, { arn: "arn:aws:sns:us-east-1:123456789012:other", policy: doc(tlsDeny("*")) })],
    ],
  },
  {
    policy: "kinesis-kms",
    good: [[compliant.kinesisStream()], [compliant.firehose()]],
    bad: [
      [with_(compliant.kinesisStream(), { encryptionType: "NONE" })],
      [with_(compliant.kinesisStream(), { kmsKeyId: "alias/aws/kinesis" })],
      [with_(compliant.firehose(), { serverSideEncryption: { enabled: true, keyType: "AWS_OWNED_CMK" } })],
    ],
  },
  {
    policy: "msk-encrypted-private",
    good: [[compliant.mskCluster()]],
    bad: [
      [
        with_(compliant.mskCluster(), {
          encryptionInfo: { encryptionAtRestKmsKeyArn: KEY, encryptionInTransit: { clientBroker: "TLS_PLAINTEXT" } },
        }),
      ],
      [
        with_(compliant.mskCluster(), {
          brokerNodeGroupInfo: { connectivityInfo: { publicAccess: { type: "SERVICE_PROVIDED_EIPS" } } },
        }),
      ],
      [with_(compliant.mskCluster(), { encryptionInfo: { encryptionInTransit: { clientBroker: "TLS" } } })],
    ],
  },
  {
    policy: "dynamodb-kms",
    good: [[compliant.dynamoTable()]],
    bad: [
      [with_(compliant.dynamoTable(), { serverSideEncryption: undefined })],
      [with_(compliant.dynamoTable(), { serverSideEncryption: { enabled: true } })],
    ],
  },
  {
    policy: "opensearch-encrypted-private",
    good: [[compliant.opensearchDomain()]],
    bad: [
      [with_(compliant.opensearchDomain(), { vpcOptions: undefined })],
      [
        with_(compliant.opensearchDomain(), {
          domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-0-2019-07" },
        }),
      ],
      [with_(compliant.opensearchDomain(), { nodeToNodeEncryption: { enabled: false } })],
    ],
  },
  {
    policy: "opensearch-serverless-private",
    good: [
      [
        res(T.opensearchServerlessSecurityPolicy, {
          name: "n",
          type: "network",
          policy: json([
            {
              Rules: [{ ResourceType: "collection", Resource: ["collection/logs"] }],
              AllowFromPublic: false,
              SourceVPCEs: ["vpce-1"],
            },
          ]),
        }),
      ],
      [
        res(T.opensearchServerlessSecurityPolicy, {
          name: "e",
          type: "encryption",
          policy: json({ Rules: [], AWSOwnedKey: false, KmsARN: KEY }),
        }),
      ],
    ],
    bad: [
      [
        res(T.opensearchServerlessSecurityPolicy, {
          name: "n",
          type: "network",
          policy: json([{ Rules: [], AllowFromPublic: true }]),
        }),
      ],
      [
        res(T.opensearchServerlessSecurityPolicy, {
          name: "e",
          type: "encryption",
          policy: json({ Rules: [], AWSOwnedKey: true }),
        }),
      ],
    ],
  },
  {
    policy: "elasticache-cluster-protected",
    good: [
      [compliant.elasticacheCluster()],
      [res(T.elasticacheCluster, { clusterId: "member", replicationGroupId: "qualisys-prod-redis" })],
    ],
    bad: [
      [with_(compliant.elasticacheCluster(), { engine: "redis" })],
      [with_(compliant.elasticacheCluster(), { transitEncryptionEnabled: undefined })],
      [with_(compliant.elasticacheCluster(), { securityGroupIds: undefined })],
    ],
  },
  {
    policy: "rds-proxy-tls",
    good: [[compliant.rdsProxy()]],
    bad: [[with_(compliant.rdsProxy(), { requireTls: false })]],
  },
  {
    policy: "rds-global-cluster-encrypted",
    good: [[compliant.rdsGlobalCluster()]],
    bad: [[with_(compliant.rdsGlobalCluster(), { storageEncrypted: undefined })]],
  },
  {
    policy: "lambda-function-url-auth",
    good: [[compliant.lambdaFunctionUrl()], [compliant.lambdaPermission()]],
    bad: [
      [with_(compliant.lambdaFunctionUrl(), { authorizationType: "NONE" })],
      [
        res(T.lambdaPermission, {
          action: "lambda:InvokeFunctionUrl",
          function: "hook",
          principal: "*",
          functionUrlAuthType: "NONE",
        }),
      ],
    ],
  },
  {
    policy: "lambda-permission-scoped",
    good: [
      [compliant.lambdaPermission()],
      [
        res(T.lambdaPermission, {
          action: "lambda:InvokeFunction",
          function: "f",
          principal: "*",
          principalOrgId: "o-abc123",
        }),
      ],
    ],
    bad: [
      [with_(compliant.lambdaPermission(), { principal: "*", sourceArn: undefined, sourceAccount: undefined })],
      [with_(compliant.lambdaPermission(), { sourceArn: undefined, sourceAccount: undefined })],
    ],
  },
  {
    policy: "lambda-environment-kms",
    good: [
      [compliant.lambdaFunction()],
      [with_(compliant.lambdaFunction(), { environment: undefined, kmsKeyArn: undefined })],
    ],
    bad: [[with_(compliant.lambdaFunction(), { kmsKeyArn: undefined })]],
  },
  {
    policy: "api-gateway-authorization",
    good: [
      [compliant.apiMethod()],
      [compliant.apiRoute()],
      [with_(compliant.apiMethod(), { httpMethod: "OPTIONS", authorization: "NONE" })],
    ],
    bad: [
      [with_(compliant.apiMethod(), { authorization: "NONE" })],
      [with_(compliant.apiRoute(), { authorizationType: "NONE" })],
    ],
  },
  {
    policy: "api-gateway-tls",
    good: [
      [compliant.apiDomain()],
      [
        res(T.apiV2DomainName, {
          domainName: "api.example.com",
          domainNameConfiguration: { certificateArn: "c", endpointType: "REGIONAL", securityPolicy: "TLS_1_2" },
        }),
      ],
    ],
    bad: [[with_(compliant.apiDomain(), { securityPolicy: "TLS_1_0" })]],
  },
  {
    policy: "api-gateway-access-logs",
    good: [[compliant.apiStage()]],
    bad: [[with_(compliant.apiStage(), { accessLogSettings: undefined })]],
  },
  {
    policy: "lb-listener-https",
    good: [[compliant.httpsListener()], [compliant.redirectListener()]],
    bad: [
      [with_(compliant.redirectListener(), { defaultActions: [{ type: "forward", targetGroupArn: "arn:tg" }] })],
      [with_(compliant.httpsListener(), { certificateArn: undefined })],
      [with_(compliant.httpsListener(), { sslPolicy: "ELBSecurityPolicy-2016-08" })],
    ],
  },
  {
    policy: "cloudfront-tls-waf-logging",
    good: [[compliant.distribution()]],
    bad: [
      [
        with_(compliant.distribution(), {
          defaultCacheBehavior: { targetOriginId: "app", viewerProtocolPolicy: "allow-all" },
        }),
      ],
      [with_(compliant.distribution(), { webAclId: undefined })],
      [
        with_(compliant.distribution(), {
          origins: [{ originId: "app", domainName: "a", customOriginConfig: { originProtocolPolicy: "http-only" } }],
        }),
      ],
    ],
  },
  {
    policy: "prod-ingress-https",
    good: [
      [compliant.ingress()],
      // Outside production an HTTP-only ingress (no domain yet) is the program's documented choice.
      [
        with_(compliant.ingress("dev"), {
          metadata: {
            name: "app",
            namespace: "dev",
            annotations: { "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP": 80}]' },
          },
        }),
      ],
    ],
    bad: [
      [
        with_(compliant.ingress(), {
          metadata: {
            name: "app",
            namespace: "production",
            annotations: { "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP": 80}]' },
          },
        }),
      ],
      [
        with_(compliant.ingress(), {
          metadata: {
            name: "app",
            namespace: "production",
            annotations: { "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP": 80}, {"HTTPS": 443}]' },
          },
        }),
      ],
      [
        res(T.helmRelease, {
          chart: "grafana",
          values: {
            ingress: { enabled: true, annotations: { "alb.ingress.kubernetes.io/scheme": "internet-facing" } },
          },
        }),
      ],
    ],
  },
  {
    policy: "ssm-parameter-kms",
    good: [
      [compliant.ssmParameter()],
      [res(T.ssmParameter, { name: "/qualisys/prod/region", type: "String", value: "us-east-1" })],
    ],
    bad: [
      [with_(compliant.ssmParameter(), { keyId: undefined })],
      [with_(compliant.ssmParameter(), { keyId: "alias/aws/ssm" })],
    ],
  },
  {
    policy: "default-security-group-closed",
    good: [[compliant.defaultSecurityGroup()]],
    bad: [
      [
        with_(compliant.defaultSecurityGroup(), {
          egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
        }),
      ],
    ],
  },
  {
    policy: "k8s-rbac-no-open-subjects",
    good: [[compliant.clusterRoleBinding()]],
    bad: [
      [with_(compliant.clusterRoleBinding(), { subjects: [{ kind: "Group", name: "system:authenticated" }] })],
      [with_(compliant.clusterRoleBinding(), { subjects: [{ kind: "User", name: "system:anonymous" }] })],
    ],
  },
  {
    policy: "k8s-no-cluster-admin-service-accounts",
    good: [[compliant.clusterRoleBinding()], [adminBinding("qualisys:devops")]],
    bad: [[with_(adminBinding("x"), { subjects: [{ kind: "ServiceAccount", name: "ci", namespace: "production" }] })]],
  },
  {
    policy: "k8s-pods-no-host-access",
    good: [
      [compliant.deployment()],
      [
        with_(compliant.deployment(), {
          metadata: { name: "cni", namespace: "kube-system" },
          spec: { template: { spec: { hostNetwork: true, containers: [{ name: "c" }] } } },
        }),
      ],
    ],
    bad: [
      [with_(compliant.deployment(), { spec: { template: { spec: { hostPID: true, containers: [{ name: "c" }] } } } })],
      [
        with_(compliant.deployment(), {
          spec: { template: { spec: { containers: [{ name: "c", securityContext: { privileged: true } }] } } },
        }),
      ],
      [
        res(T.k8sPod, {
          metadata: { name: "p" },
          spec: { containers: [{ name: "c" }], volumes: [{ name: "root", hostPath: { path: "/" } }] },
        }),
      ],
    ],
  },
  {
    policy: "k8s-service-not-internet-facing",
    good: [[compliant.service()], [with_(compliant.service(), { spec: { type: "ClusterIP" } })]],
    bad: [
      [
        with_(compliant.service(), {
          metadata: {
            name: "grpc",
            namespace: "production",
            annotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing" },
          },
        }),
      ],
      [with_(compliant.service(), { metadata: { name: "grpc", namespace: "production" } })],
    ],
  },
];
