/**
 * Queues and streams a team adds next (SPEC X5): SQS, Kinesis streams and Firehose, MSK, encrypted at rest with a
 * customer-managed key, TLS in transit, no public broker endpoints. (SNS topics: ./encryption; their and the
 * queues' resource policies: resource-policy-no-star-principal and iam-foreign-accounts.)
 */
import type { PolicyResource } from "@pulumi/policy";
import { resourcePolicy, stackPolicy, type Findings } from "../lib/define";
import { referenced } from "../lib/links";
import { deniesInsecureTransport } from "./storage";
import { cmkProblem } from "../lib/keys";
import { path, prop, Unknown } from "../lib/values";
import { T } from "./types";

export const sqsKms = resourcePolicy({
  name: "sqs-kms",
  description:
    "SQS queues are encrypted with a customer-managed KMS key (kmsMasterKeyId), not SQS-managed SSE or the AWS-managed alias/aws/sqs.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediation: "set kmsMasterKeyId to a customer-managed key (and leave sqsManagedSseEnabled unset).",
  coverage: [{ control: "at rest", types: [T.queue], checkov: ["CKV_AWS_27"] }],
  types: [T.queue],
  check: ({ props }) => {
    const key = cmkProblem(props, "kmsMasterKeyId", "The queue");
    return key ? [key] : [];
  },
});

export const kinesisKms = resourcePolicy({
  name: "kinesis-kms",
  description:
    "Kinesis data streams use KMS encryption with a customer-managed key; Firehose delivery streams use a CUSTOMER_MANAGED_CMK.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediation:
    "stream: encryptionType 'KMS' and kmsKeyId of a customer-managed key; Firehose: serverSideEncryption { enabled: true, keyType: 'CUSTOMER_MANAGED_CMK', keyArn }.",
  coverage: [
    { control: "at rest", types: [T.kinesisStream], checkov: ["CKV_AWS_43", "CKV_AWS_185"] },
    { control: "at rest", types: [T.firehose], checkov: ["CKV_AWS_240", "CKV_AWS_241"] },
  ],
  types: [T.kinesisStream, T.firehose],
  check: ({ type, props }) => {
    const out: Findings = [];
    if (type === T.kinesisStream) {
      const encryption = prop(props, "encryptionType");
      if (encryption !== Unknown && encryption !== "KMS")
        out.push("The stream is not encrypted (encryptionType is not KMS).");
      const key = cmkProblem(props, "kmsKeyId", "The stream");
      if (key) out.push(key);
      return out;
    }
    const sse = prop(props, "serverSideEncryption");
    if (sse === Unknown) return out;
    if (prop(sse, "enabled") !== true) out.push("The delivery stream is not encrypted (serverSideEncryption.enabled).");
    else if (prop(sse, "keyType") !== "CUSTOMER_MANAGED_CMK" || cmkProblem(sse, "keyArn", "The delivery stream"))
      out.push(
        "The delivery stream is not encrypted with a customer-managed key (keyType CUSTOMER_MANAGED_CMK, keyArn).",
      );
    return out;
  },
});

export const mskEncryptedPrivate = resourcePolicy({
  name: "msk-encrypted-private",
  description:
    "MSK clusters encrypt at rest with a customer-managed key, use TLS between clients and brokers (clientBroker TLS, not TLS_PLAINTEXT or PLAINTEXT) and inside the cluster, and give brokers no public endpoints.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation:
    "encryptionInfo { encryptionAtRestKmsKeyArn, encryptionInTransit { clientBroker: 'TLS', inCluster: true } }; brokerNodeGroupInfo.connectivityInfo.publicAccess.type 'DISABLED'.",
  coverage: [
    { control: "at rest", types: [T.mskCluster], checkov: ["CKV_AWS_81"] },
    { control: "in transit", types: [T.mskCluster], checkov: ["CKV_AWS_81"] },
    { control: "exposure", types: [T.mskCluster], checkov: ["CKV_AWS_291"] },
  ],
  types: [T.mskCluster],
  check: ({ props }) => {
    const out: Findings = [];
    const info = prop(props, "encryptionInfo");
    if (info === Unknown) return out;
    const key = cmkProblem(info, "encryptionAtRestKmsKeyArn", "The cluster");
    if (key) out.push(key);
    const clientBroker = path(info, "encryptionInTransit", "clientBroker");
    if (clientBroker !== Unknown && clientBroker !== undefined && clientBroker !== "TLS")
      out.push(`clientBroker is ${String(clientBroker)}: clients may connect in clear text.`);
    if (path(info, "encryptionInTransit", "inCluster") === false) out.push("Traffic between brokers is not encrypted.");
    const access = path(props, "brokerNodeGroupInfo", "connectivityInfo", "publicAccess", "type");
    if (typeof access === "string" && access !== "DISABLED")
      out.push(`Brokers are reachable from the internet (${access}).`);
    return out;
  },
});

/** Resources of `type` whose own policy, or a `policyType` resource referring to them by `key`, denies plain HTTP. */
function tlsOnly(resources: PolicyResource[], type: string, policyType: string, key: string, what: string) {
  const targets = resources.filter((r) => r.type === type);
  const enforced = new Set<PolicyResource>(targets.filter((t) => deniesInsecureTransport(t.props, t.type)));
  for (const p of resources.filter((r) => r.type === policyType && deniesInsecureTransport(r.props, r.type)))
    for (const t of referenced(p, key, targets)) enforced.add(t);
  return targets
    .filter((t) => !enforced.has(t))
    .map((t) => ({ resource: t, message: `${what} ${t.name} accepts requests without TLS (no policy denies them).` }));
}

const tlsRemediation =
  'add a Deny statement for every principal on Condition { Bool: { "aws:SecureTransport": "false" } } to the resource policy.';

export const sqsTlsOnly = stackPolicy({
  name: "sqs-tls-only",
  description:
    "Every SQS queue's policy (inline or aws.sqs.QueuePolicy) denies requests without TLS (Deny with Bool aws:SecureTransport false).",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediation: tlsRemediation,
  coverage: [{ control: "in transit", types: [T.queue, T.queuePolicy] }],
  check: (resources) => tlsOnly(resources, T.queue, T.queuePolicy, "queueUrl", "Queue"),
});

export const snsTlsOnly = stackPolicy({
  name: "sns-tls-only",
  description:
    "Every SNS topic's policy (inline or aws.sns.TopicPolicy) denies requests without TLS (Deny with Bool aws:SecureTransport false).",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediation: tlsRemediation,
  coverage: [{ control: "in transit", types: [T.topic, T.topicPolicy] }],
  check: (resources) => tlsOnly(resources, T.topic, T.topicPolicy, "arn", "Topic"),
});

export const messagingPolicies = [sqsKms, sqsTlsOnly, snsTlsOnly, kinesisKms, mskEncryptedPrivate];
