/**
 * The resource types of the pinned @pulumi/aws provider that carry an encryption, transport or exposure input, in
 * the services an EKS SaaS platform commonly adds (SPEC X5). Read from the provider's own files in node_modules:
 * each resource module's `__pulumiType` and the top-level fields of its `…Args` interface. A provider upgrade that
 * adds such a type, or such an input to a type, changes this list, and ./provider-coverage.test.ts fails until the
 * pack covers the type or the exemptions below say why not.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The provider's service folders in scope: the list, plus compute, networking, EKS, keys and logs. */
export const services = [
  "s3",
  "sqs",
  "sns",
  "dynamodb",
  "efs",
  "ebs",
  "kinesis",
  "msk",
  "opensearch",
  "rds",
  "elasticache",
  "lambda",
  "apigateway",
  "apigatewayv2",
  "lb",
  "alb",
  "cloudfront",
  "ssm",
  "backup",
  "secretsmanager",
  "ecr",
  "ec2",
  "eks",
  "kms",
  "cloudwatch",
];

/**
 * Inputs that say a type stores data under a key, speaks a transport with a security setting, or decides who can
 * reach it (resource policies, public flags, ACLs, authorisation, instance metadata).
 */
export const signalInputs =
  /^(kmsKeyId|kmsKeyArn|kmsMasterKeyId|encrypted|storageEncrypted|atRestEncryptionEnabled|encryptAtRest|encryptionInfo|encryptionConfigurations?|encryptionConfig|serverSideEncryption(Configurations?)?|encryptionType|encryptionKeyArn|transitEncryptionEnabled|nodeToNodeEncryption|requireTls|sslPolicy|viewerCertificate|securityPolicy|domainEndpointOptions|publiclyAccessible|publicAccessBlockConfiguration|authorizationType|functionUrlAuthType|metadataOptions|instanceMetadataOptions|sharedAccounts|acl|accessControlPolicy|policy|accessPolicies)$/;

export interface ProviderType {
  type: string;
  /** The signal inputs it has. */
  inputs: string[];
}

/** The provider's version (its package.json), for messages. */
export const providerVersion = (): string =>
  JSON.parse(readFileSync(join(providerRoot(), "package.json"), "utf8")).version;

function providerRoot(): string {
  return dirname(require.resolve("@pulumi/aws/package.json"));
}

/** Every resource type of the in-scope services with at least one signal input. */
export function signalTypes(): ProviderType[] {
  const root = providerRoot();
  const out: ProviderType[] = [];
  for (const service of services) {
    const dir = join(root, service);
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".js") && !f.startsWith("get"))) {
      const token = /__pulumiType = '([^']+)'/.exec(readFileSync(join(dir, file), "utf8"))?.[1];
      if (!token) continue;
      const dts = readFileSync(join(dir, file.replace(/\.js$/, ".d.ts")), "utf8");
      const args = /export interface \w+Args \{([\s\S]*?)\n\}/.exec(dts)?.[1];
      if (!args) continue;
      const inputs = [...args.matchAll(/^ {4}(?:readonly )?(\w+)\??:/gm)]
        .map((m) => m[1])
        .filter((i) => signalInputs.test(i));
      if (inputs.length) out.push({ type: token, inputs });
    }
  }
  return out;
}

/**
 * Types with signal inputs that the pack deliberately does not judge, and why. Each must still exist in the
 * provider and must not be covered by a policy (./provider-coverage.test.ts checks both).
 */
export const exemptions: Record<string, string> = {
  "aws:sns/dataProtectionPolicy:DataProtectionPolicy":
    "its policy is SNS message data protection (PII masking), not an IAM document",
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": "its policy is image expiry rules, not an IAM document",
  "aws:opensearch/serverlessAccessPolicy:ServerlessAccessPolicy":
    "OpenSearch Serverless's data-access grammar (rules per principal), not an IAM document; who may reach the collection at all is the network security policy, which is covered",
  "aws:opensearch/serverlessLifecyclePolicy:ServerlessLifecyclePolicy": "index retention rules, no access or key",
  "aws:ec2/vpcEndpoint:VpcEndpoint":
    "an endpoint policy only narrows what callers already inside the VPC reach through the endpoint; a `*` principal is its normal form",
  "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy": "the same endpoint policy, declared on its own",
  "aws:eks/podIdentityAssociation:PodIdentityAssociation":
    "its policy is a session policy, which can only narrow the role's permissions",
  "aws:cloudwatch/eventConnection:EventConnection":
    "authorizationType is how EventBridge authenticates to an outside API, not who may call in",
  "aws:lambda/eventSourceMapping:EventSourceMapping":
    "its key encrypts only the mapping's filter criteria, which hold no application data",
};
