/**
 * Stack-level and hygiene checks: S3 buckets paired with encryption and a public access block (mandatory),
 * prod protection and availability of data stores, and advisory cost/hygiene checks (budget present, retention,
 * backups, lifecycle, flow logs, WAF rate limit).
 */
import type { PolicyResource } from "@pulumi/policy";
import { patternList, resourcePolicy, stackPolicy } from "../lib/define";
import { referenced } from "../lib/links";
import { globMatch, isTrueOrUnknown, list, prop, stackOf, Unknown } from "../lib/values";
import { T } from "./types";

export const bucketsProtected = stackPolicy({
  name: "s3-bucket-encrypted-and-private",
  description:
    "Every S3 bucket has a KMS server-side encryption configuration and a public access block in the same stack.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation:
    "declare aws.s3.BucketServerSideEncryptionConfiguration (aws:kms) and aws.s3.BucketPublicAccessBlock for the bucket.",
  coverage: [
    { control: "at rest", types: [T.bucket] },
    { control: "exposure", types: [T.bucket], cis: ["aws-5.0:2.1.4"] },
  ],
  check: (resources) => {
    const buckets = resources.filter((r) => r.type === T.bucket);
    const covered = (type: string) =>
      new Set(resources.filter((r) => r.type === type).flatMap((r) => referenced(r, "bucket", buckets)));
    const sse = covered(T.bucketSse);
    const pab = covered(T.bucketPublicAccessBlock);
    const out: { resource?: PolicyResource; message: string }[] = [];
    for (const b of buckets) {
      if (!sse.has(b) && prop(b.props, "serverSideEncryptionConfiguration") === undefined)
        out.push({ resource: b, message: `Bucket ${b.name} has no KMS encryption configuration.` });
      if (!pab.has(b)) out.push({ resource: b, message: `Bucket ${b.name} has no public access block.` });
    }
    return out;
  },
});

const protectedStacks = {
  properties: {
    protectedStacks: patternList("Stacks (globs) whose data stores must be deletion-protected.", [
      "prod",
      "production",
    ]),
  },
};

export const deletionProtection = resourcePolicy({
  name: "data-deletion-protection",
  description:
    "In protected stacks (default prod), RDS instances/clusters have deletion protection and take a final snapshot.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation: "set deletionProtection: true, skipFinalSnapshot: false and a finalSnapshotIdentifier (config.protect).",
  configSchema: protectedStacks,
  types: [T.rdsInstance, T.rdsCluster],
  check: ({ urn, props }, config) => {
    if (!(config.protectedStacks as string[]).some((p) => globMatch(p, stackOf(urn)))) return [];
    const out: string[] = [];
    if (!isTrueOrUnknown(prop(props, "deletionProtection"))) out.push("Deletion protection is off.");
    if (prop(props, "skipFinalSnapshot") === true)
      out.push("skipFinalSnapshot is true: deleting the database loses its data.");
    return out;
  },
});

export const rdsIamAuth = resourcePolicy({
  name: "rds-iam-auth",
  description: "RDS instances enable IAM database authentication (SPEC D1).",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediation: "set iamDatabaseAuthenticationEnabled: true.",
  coverage: [{ control: "identity", types: [T.rdsInstance], checkov: ["CKV_AWS_161"] }],
  types: [T.rdsInstance],
  check: ({ props }) =>
    isTrueOrUnknown(prop(props, "iamDatabaseAuthenticationEnabled")) ? [] : ["IAM database authentication is off."],
});

export const cacheFailover = resourcePolicy({
  name: "elasticache-failover",
  description: "ElastiCache replication groups fail over automatically across AZs (SPEC R1).",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediation: "set automaticFailoverEnabled: true and multiAzEnabled: true (with at least one replica per shard).",
  types: [T.replicationGroup],
  check: ({ props }) => {
    const out: string[] = [];
    if (!isTrueOrUnknown(prop(props, "automaticFailoverEnabled"))) out.push("Automatic failover is off.");
    if (!isTrueOrUnknown(prop(props, "multiAzEnabled"))) out.push("Multi-AZ is off.");
    return out;
  },
});

export const budgetPresent = stackPolicy({
  name: "budget-present",
  description: "The stack declares an AWS Budget with notifications (SPEC C2, O3).",
  enforcementLevel: "advisory",
  severity: "low",
  remediation: "declare aws.budgets.Budget with 50/80/100% notifications to the alarm topic.",
  check: (resources) => {
    const budgets = resources.filter((r) => r.type === T.budget);
    if (!budgets.length) return [{ message: "No AWS Budget in this stack: spend is not watched." }];
    return budgets
      .filter((b) => list(prop(b.props, "notifications")).length === 0)
      .map((b) => ({ resource: b, message: `Budget ${b.name} has no notifications.` }));
  },
});

export const logRetention = resourcePolicy({
  name: "log-group-retention",
  description:
    "CloudWatch log groups set a retention between 1 and 3653 days (0/unset keeps logs forever and bills for them).",
  enforcementLevel: "advisory",
  severity: "low",
  remediation: "set retentionInDays from the stack's log retention config.",
  coverage: [{ control: "logging", types: [T.logGroup], checkov: ["CKV_AWS_66"] }],
  types: [T.logGroup],
  check: ({ props }) => {
    const days = prop(props, "retentionInDays");
    return days === Unknown || (typeof days === "number" && days > 0) ? [] : ["Logs are kept forever."];
  },
});

export const rdsBackups = resourcePolicy({
  name: "rds-backup-retention",
  description: "RDS keeps automated backups for at least 7 days (SPEC D1).",
  enforcementLevel: "advisory",
  severity: "low",
  remediation: "set backupRetentionPeriod: 7 (or more) and a backupWindow.",
  types: [T.rdsInstance, T.rdsCluster],
  check: ({ props }) => {
    const days = prop(props, "backupRetentionPeriod");
    return days === Unknown || (typeof days === "number" && days >= 7)
      ? []
      : [`Backups are kept ${String(days ?? "1 (default)")} days.`];
  },
});

export const ecrScanOnPush = resourcePolicy({
  name: "ecr-scan-on-push",
  description: "ECR repositories scan images on push.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediation: "set imageScanningConfiguration: { scanOnPush: true }.",
  types: [T.ecrRepository],
  check: ({ props }) => {
    const scan = prop(prop(props, "imageScanningConfiguration"), "scanOnPush");
    return isTrueOrUnknown(scan) ? [] : ["Images are not scanned on push."];
  },
});

export const ecrImmutable = resourcePolicy({
  name: "ecr-immutable-tags",
  description: "ECR repositories make tags immutable, so a deployed tag always means the same image.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediation: "set imageTagMutability: 'IMMUTABLE'.",
  types: [T.ecrRepository],
  check: ({ props }) => {
    const m = prop(props, "imageTagMutability");
    return m === Unknown || m === "IMMUTABLE" || m === "IMMUTABLE_WITH_EXCLUSION"
      ? []
      : ["Tags are mutable (the default)."];
  },
});

export const ecrLifecycle = stackPolicy({
  name: "ecr-lifecycle-policy",
  description:
    "Every ECR repository has a lifecycle policy (keep the last images, expire untagged), which bounds storage cost.",
  enforcementLevel: "advisory",
  severity: "low",
  remediation: "declare aws.ecr.LifecyclePolicy for the repository.",
  check: (resources) => {
    const repos = resources.filter((r) => r.type === T.ecrRepository);
    const covered = new Set(
      resources.filter((r) => r.type === T.ecrLifecyclePolicy).flatMap((p) => referenced(p, "repository", repos)),
    );
    return repos
      .filter((r) => !covered.has(r))
      .map((r) => ({ resource: r, message: `Repository ${r.name} has no lifecycle policy.` }));
  },
});

export const vpcFlowLogs = stackPolicy({
  name: "vpc-flow-logs",
  description: "A stack that declares a VPC also declares VPC flow logs (SPEC N3).",
  enforcementLevel: "advisory",
  severity: "low",
  remediation: "declare aws.ec2.FlowLog for the VPC to an encrypted log group.",
  coverage: [{ control: "logging", types: [T.awsxVpc, "aws:ec2/vpc:Vpc"], cis: ["aws-5.0:3.7"] }],
  check: (resources) => {
    const vpcs = resources.filter((r) => r.type === T.awsxVpc || r.type === "aws:ec2/vpc:Vpc");
    if (!vpcs.length || resources.some((r) => r.type === T.flowLog)) return [];
    return vpcs.map((v) => ({ resource: v, message: `VPC ${v.name} has no flow logs.` }));
  },
});

export const wafRateLimit = resourcePolicy({
  name: "waf-rate-limit",
  description: "WAF web ACLs carry a rate-based rule (SPEC L1: 1000 requests/minute per IP).",
  enforcementLevel: "advisory",
  severity: "low",
  remediation: "add a rule with statement.rateBasedStatement { limit, aggregateKeyType: 'IP' }.",
  types: [T.webAcl],
  check: ({ props }) => {
    const rules = list(prop(props, "rules"));
    if (rules.includes(Unknown)) return [];
    return rules.some((r) => prop(prop(r, "statement"), "rateBasedStatement") !== undefined)
      ? []
      : ["No rate-based rule."];
  },
});

export const kmsDeletionWindow = resourcePolicy({
  name: "kms-deletion-window",
  description: "KMS keys wait 30 days before deletion, the longest window, so a mistaken deletion can be cancelled.",
  enforcementLevel: "advisory",
  severity: "low",
  remediation: "set deletionWindowInDays: 30.",
  types: [T.kmsKey],
  check: ({ props }) => {
    const days = prop(props, "deletionWindowInDays");
    return days === Unknown || days === 30
      ? []
      : [`Deletion window is ${String(days ?? "30 (default)")} days.`].filter(() => days !== undefined);
  },
});

export const advisoryPolicies = [
  bucketsProtected,
  deletionProtection,
  rdsIamAuth,
  cacheFailover,
  ecrScanOnPush,
  ecrImmutable,
  budgetPresent,
  logRetention,
  rdsBackups,
  ecrLifecycle,
  vpcFlowLogs,
  wafRateLimit,
  kmsDeletionWindow,
];
