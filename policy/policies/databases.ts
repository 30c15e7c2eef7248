/**
 * Databases and search a team adds next (SPEC X5): DynamoDB, OpenSearch, single-node ElastiCache clusters, RDS
 * proxies and global clusters, encrypted at rest with a customer-managed key, TLS in transit, inside the VPC. (RDS
 * instances and clusters, replication groups: ./encryption and ./network.)
 */
import { resourcePolicy, type Findings } from "../lib/define";
import { cmkProblem } from "../lib/keys";
import { isSet, isTrueOrUnknown, path, prop, Unknown } from "../lib/values";
import { T } from "./types";

export const dynamoKms = resourcePolicy({
  name: "dynamodb-kms",
  description:
    "DynamoDB tables use server-side encryption with a customer-managed key (serverSideEncryption enabled with kmsKeyArn), not the AWS-owned default or alias/aws/dynamodb.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediation: "set serverSideEncryption { enabled: true, kmsKeyArn: <customer-managed key> }.",
  coverage: [{ control: "at rest", types: [T.dynamoTable], checkov: ["CKV_AWS_119"] }],
  types: [T.dynamoTable],
  check: ({ props }) => {
    const sse = prop(props, "serverSideEncryption");
    if (sse === Unknown) return [];
    if (!isTrueOrUnknown(prop(sse, "enabled")))
      return [
        "The table is encrypted with an AWS-owned key (serverSideEncryption not enabled): no key policy of yours applies.",
      ];
    const key = cmkProblem(sse, "kmsKeyArn", "The table");
    return key ? [key] : [];
  },
});

export const opensearchProtected = resourcePolicy({
  name: "opensearch-encrypted-private",
  description:
    "OpenSearch domains encrypt at rest with a customer-managed key, encrypt node-to-node traffic, enforce HTTPS with a TLS 1.2+ policy, and sit in a VPC (vpcOptions) rather than on a public endpoint.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation:
    "encryptAtRest { enabled: true, kmsKeyId }, nodeToNodeEncryption { enabled: true }, domainEndpointOptions { enforceHttps: true, tlsSecurityPolicy: 'Policy-Min-TLS-1-2-2019-07' (or newer) }, vpcOptions { subnetIds, securityGroupIds }.",
  coverage: [
    { control: "at rest", types: [T.opensearchDomain], checkov: ["CKV_AWS_5", "CKV_AWS_247"] },
    { control: "in transit", types: [T.opensearchDomain], checkov: ["CKV_AWS_6", "CKV_AWS_83", "CKV_AWS_228"] },
    { control: "exposure", types: [T.opensearchDomain], checkov: ["CKV_AWS_137"] },
  ],
  types: [T.opensearchDomain],
  check: ({ props }) => {
    const out: Findings = [];
    const rest = prop(props, "encryptAtRest");
    if (rest !== Unknown) {
      if (!isTrueOrUnknown(prop(rest, "enabled"))) out.push("Data at rest is not encrypted.");
      else {
        const key = cmkProblem(rest, "kmsKeyId", "The domain");
        if (key) out.push(key);
      }
    }
    if (!isTrueOrUnknown(path(props, "nodeToNodeEncryption", "enabled")))
      out.push("Node-to-node traffic is not encrypted.");
    const endpoint = prop(props, "domainEndpointOptions");
    if (endpoint !== Unknown) {
      if (!isTrueOrUnknown(prop(endpoint, "enforceHttps"))) out.push("The endpoint accepts plain HTTP (enforceHttps).");
      const tls = prop(endpoint, "tlsSecurityPolicy");
      if (typeof tls === "string" && !/TLS-1-[23]/.test(tls)) out.push(`The TLS policy ${tls} accepts TLS below 1.2.`);
      else if (tls === undefined) out.push("No tlsSecurityPolicy is pinned (TLS 1.2 or newer).");
    }
    if (!isSet(props, "vpcOptions")) out.push("The domain has a public endpoint (no vpcOptions).");
    return out;
  },
});

export const elasticacheClusterProtected = resourcePolicy({
  name: "elasticache-cluster-protected",
  description:
    "Single-node ElastiCache clusters (aws.elasticache.Cluster outside a replication group) are not used for Redis or Valkey, which can only be encrypted at rest in a replication group; Memcached clusters require TLS; every cluster sits in a named subnet group with explicit security groups.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation:
    "declare an aws.elasticache.ReplicationGroup (at-rest and in-transit encryption, auth) instead; for Memcached set transitEncryptionEnabled: true; set subnetGroupName and securityGroupIds.",
  coverage: [
    { control: "at rest", types: [T.elasticacheCluster] },
    { control: "in transit", types: [T.elasticacheCluster] },
    { control: "exposure", types: [T.elasticacheCluster], checkov: ["CKV_AWS_323"] },
  ],
  types: [T.elasticacheCluster],
  check: ({ props }) => {
    // A member of a replication group takes its settings from the group (checked there).
    if (isSet(props, "replicationGroupId")) return [];
    const out: Findings = [];
    const engine = prop(props, "engine");
    if (engine === "redis" || engine === "valkey")
      out.push(
        `A single-node ${engine} cluster cannot encrypt at rest and has no auth token: use a replication group.`,
      );
    else if (!isTrueOrUnknown(prop(props, "transitEncryptionEnabled")))
      out.push("Transit encryption is off: clients talk to the cache in clear text.");
    if (!isSet(props, "subnetGroupName")) out.push("No subnet group: the cache lands in the default VPC's subnets.");
    if (!isSet(props, "securityGroupIds")) out.push("No security groups: the VPC default group applies.");
    return out;
  },
});

export const rdsProxyTls = resourcePolicy({
  name: "rds-proxy-tls",
  description: "RDS proxies require TLS from clients (requireTls).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation: "set requireTls: true.",
  coverage: [{ control: "in transit", types: [T.rdsProxy] }],
  types: [T.rdsProxy],
  check: ({ props }) =>
    isTrueOrUnknown(prop(props, "requireTls")) ? [] : ["Clients may connect to the proxy without TLS."],
});

export const rdsGlobalEncrypted = resourcePolicy({
  name: "rds-global-cluster-encrypted",
  description: "RDS global clusters encrypt storage.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation: "set storageEncrypted: true (member clusters carry the customer-managed kmsKeyId).",
  coverage: [{ control: "at rest", types: [T.rdsGlobalCluster], checkov: ["CKV_AWS_140"] }],
  types: [T.rdsGlobalCluster],
  check: ({ props }) =>
    isTrueOrUnknown(prop(props, "storageEncrypted")) || isSet(props, "sourceDbClusterIdentifier")
      ? []
      : ["The global cluster's storage is not encrypted."],
});

/** The JSON of an OpenSearch Serverless security policy as a list of policy objects; undefined when unreadable. */
function serverlessPolicyObjects(value: unknown): Record<string, unknown>[] | undefined {
  if (typeof value !== "string") return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return (Array.isArray(parsed) ? parsed : [parsed]).filter((o) => o && typeof o === "object");
  } catch {
    return undefined;
  }
}

export const opensearchServerlessProtected = resourcePolicy({
  name: "opensearch-serverless-private",
  description:
    "OpenSearch Serverless security policies never open a collection to the internet (network policy AllowFromPublic true) and encrypt with a customer-managed key (encryption policy with KmsARN, not AWSOwnedKey true).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation:
    "network policy: AllowFromPublic false with SourceVPCEs; encryption policy: AWSOwnedKey false and KmsARN of a customer-managed key.",
  coverage: [
    { control: "exposure", types: [T.opensearchServerlessSecurityPolicy] },
    { control: "at rest", types: [T.opensearchServerlessSecurityPolicy] },
  ],
  types: [T.opensearchServerlessSecurityPolicy],
  check: ({ props }) => {
    const type = prop(props, "type");
    const objects = serverlessPolicyObjects(prop(props, "policy"));
    if (type === Unknown) return [];
    if (!objects) return ["The policy is not JSON the pack can read."];
    if (type === "network")
      return objects.some((o) => o.AllowFromPublic === true)
        ? ["A rule opens the collections to the internet (AllowFromPublic true)."]
        : [];
    if (type === "encryption")
      return objects.some((o) => o.AWSOwnedKey === true || typeof o.KmsARN !== "string")
        ? ["The collections are encrypted with an AWS-owned key (AWSOwnedKey true, no KmsARN)."]
        : [];
    return [];
  },
});

export const databasePolicies = [
  opensearchServerlessProtected,
  dynamoKms,
  opensearchProtected,
  elasticacheClusterProtected,
  rdsProxyTls,
  rdsGlobalEncrypted,
];
