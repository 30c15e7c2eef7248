/**
 * The deployment runner's pure parts (SPEC P3, P4): what it runs, where, with which rights and which traffic. The
 * component (./index.ts) only turns these into resources, so the tests read what AWS receives.
 *
 * The runner is Pulumi's customer-managed workflow agent on one EC2 instance (an Auto Scaling group of 1, so a lost
 * instance comes back) in the VPC's private subnets, outside the cluster: a deployment that upgrades the cluster,
 * replaces its nodes or changes the runner's own settings never pulls the runner from under itself. Its agent pool,
 * the pool's token and every stack's Deployments settings belong to the organisation stack
 * (components/organization/): this stack holds no credential that can join or steer the pool.
 */
import { complement } from "../../core/cidr";
import { arn, policyDocument, type AwsAccount, type PolicyDocument } from "../iam";
import release from "./agent-release.json";

/** The agent release the runner installs, with its source and date (./agent-release.json). Bump deliberately. */
export interface AgentRelease {
  repository: string;
  version: string;
  tag: string;
  commit: string;
  released: string;
  readOn: string;
  source: string;
  /** SHA-256 of the linux-x64 tarball from the release's checksums.txt; null until it is pinned. */
  sha256: { "linux-x64": string | null };
  sha256Source: string;
}

export const agentRelease: AgentRelease = release;

/**
 * Amazon Linux 2023, resolved by EC2 at launch from AWS's public SSM parameter (no AMI id to keep current). The
 * parameter name is the one the Amazon Linux 2023 User Guide ("Launching AL2023 using the SSM parameter") documents,
 * checked against its use in public infrastructure code on 2026-11-29. A replaced runner boots the current AL2023.
 */
export const amiParameter = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

/** Two vCPUs and 2 GiB: the agent plus one deployment container (`pulumi up` of this program, Node and plugins). */
export const defaultInstanceType = "t3.small";

/** Tag that marks the runner's role, launch template and instances; the policy pack keys its runner rules on it. */
export const purposeTag = { purpose: "deployment-runner" } as const;

/**
 * Physical names. `-runner` is shorter than `-ci-preview`, so it fits IAM's 64 characters wherever that does. The
 * pool and its token are the organisation stack's: their names are derived here so both sides agree. The token's
 * secret lives outside `<prefix>/`, the prefix the cluster's external-secrets role may read.
 */
export const runnerNames = (prefix: string) => ({
  role: `${prefix}-runner`,
  instanceProfile: `${prefix}-runner`,
  securityGroup: `${prefix}-runner`,
  pool: `${prefix}-runner`,
  tokenSecret: `pulumi-deployments/${prefix}/agent-pool-token`,
  tokenKeyAlias: `alias/pulumi-deployments/${prefix}/agent-pool-token`,
});

/** The runner's role is assumable by EC2 only (its instance profile); nobody and nothing else. */
export function runnerTrustPolicy(): PolicyDocument {
  return policyDocument({
    Sid: "Ec2InstanceProfile",
    Effect: "Allow",
    Principal: { Service: "ec2.amazonaws.com" },
    Action: "sts:AssumeRole",
  });
}

/**
 * ARN pattern of the pool token's secret: Secrets Manager appends `-` and six random characters to a secret's name,
 * which IAM policies match with `-??????` (Secrets Manager User Guide, "Secret ARNs in IAM policies").
 */
export function tokenSecretArnPattern(account: AwsAccount, prefix: string): string {
  return arn(account, "secretsmanager", `secret:${runnerNames(prefix).tokenSecret}-??????`);
}

/**
 * What the runner host may do: read its pool token and decrypt it, only through Secrets Manager and only for that
 * secret (Secrets Manager puts the secret's ARN in the encryption context of every KMS call it makes, AWS Secrets
 * Manager User Guide, "Secret encryption and decryption", "Secrets Manager encryption context"). Nothing else, and
 * no role to assume: the deployments it runs get their own credentials from Pulumi OIDC, and they cannot reach the
 * instance's (IMDSv2 with a hop limit of 1).
 */
export function runnerPermissions(account: AwsAccount, prefix: string): PolicyDocument {
  const secret = tokenSecretArnPattern(account, prefix);
  return policyDocument(
    { Sid: "ReadPoolToken", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secret },
    {
      Sid: "DecryptPoolTokenThroughSecretsManager",
      Effect: "Allow",
      Action: "kms:Decrypt",
      // The key is the organisation stack's, its id unknown here; the conditions bind the call to that one secret.
      Resource: arn(account, "kms", "key/*"),
      Condition: {
        StringEquals: { "kms:ViaService": `secretsmanager.${account.region}.amazonaws.com` },
        StringLike: { "kms:EncryptionContext:SecretARN": secret },
      },
    },
  );
}

export interface EgressRule {
  description: string;
  protocol: "tcp" | "udp";
  port: number;
  cidrs: string[];
}

/**
 * Private address space the runner never talks to except as listed below: RFC 1918 and the RFC 6598 shared range
 * (other VPCs through peering or a transit gateway, on-premises networks, carrier-grade NAT). Link-local addresses
 * (instance metadata, Amazon DNS at 169.254.169.253) are left out: security groups do not filter them (Amazon VPC
 * User Guide, "Security groups"), and IMDSv2 with one hop keeps the containers from the metadata service.
 */
export const privateRanges = ["10.0.0.0/8", "100.64.0.0/10", "172.16.0.0/12", "192.168.0.0/16"];

/**
 * The Amazon-provided DNS server of a VPC: the base of the VPC's range plus two (Amazon VPC User Guide, "Amazon DNS
 * server").
 */
export function vpcResolver(vpcCidr: string): string {
  const [address] = vpcCidr.split("/");
  const octets = address.split(".").map(Number);
  const value = octets.reduce((acc, o) => acc * 256 + o, 0) + 2;
  return `${[24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".")}/32`;
}

/**
 * Outbound only, and only what the agent needs (SPEC P4). What it talks to has no fixed addresses (Pulumi Cloud's
 * API, GitHub for the source, Docker Hub for the executor image, the npm registry and Pulumi's plugin downloads, AWS
 * public endpoints through the NAT gateway), so HTTPS stays open to the public internet; everything private is
 * closed but the private subnets (where the EKS API's private endpoint has its network interfaces; the cluster's
 * security group admits the runner) and the VPC's DNS server. No ingress rule at all.
 */
export function runnerEgress(vpcCidr: string, privateSubnetCidrs: string[]): EgressRule[] {
  const resolver = vpcResolver(vpcCidr);
  return [
    {
      description: "HTTPS to the public internet: Pulumi Cloud, GitHub, Docker Hub, npm, AWS APIs (through NAT)",
      protocol: "tcp",
      port: 443,
      cidrs: complement(privateRanges),
    },
    {
      description: "HTTPS to the private subnets: the EKS API's private endpoint",
      protocol: "tcp",
      port: 443,
      cidrs: privateSubnetCidrs,
    },
    { description: "DNS to the VPC's Amazon DNS server", protocol: "udp", port: 53, cidrs: [resolver] },
    { description: "DNS to the VPC's Amazon DNS server (TCP fallback)", protocol: "tcp", port: 53, cidrs: [resolver] },
  ];
}

/** The release tarball of the pinned agent (name and URL as the repository's install.sh builds them). */
export function agentTarballUrl(version = agentRelease.version, arch: "x64" | "arm64" = "x64"): string {
  return `https://github.com/${agentRelease.repository}/releases/download/v${version}/customer-managed-workflow-agent-v${version}-linux-${arch}.tar.gz`;
}

/** The release's checksums.txt (goreleaser's `checksum.name_template` in the repository's .goreleaser.yaml). */
export function agentChecksumsUrl(version = agentRelease.version): string {
  return `https://github.com/${agentRelease.repository}/releases/download/v${version}/checksums.txt`;
}

/**
 * The digest of `asset` in a goreleaser checksums.txt (`<sha256>  <file>` per line, as `sha256sum` writes it), or
 * undefined when the file does not list it.
 */
export function digestOf(checksums: string, asset: string): string | undefined {
  for (const line of checksums.split("\n")) {
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
    if (match && match[2] === asset) return match[1];
  }
  return undefined;
}

/**
 * The lines that verify the downloaded tarball before anything is extracted: against the pinned digest, or, while
 * none is pinned, against the release's own checksums.txt (a missing line fails too). `set -e` stops the boot on a
 * mismatch, so an unverified agent never runs.
 */
export function verifyTarball(version: string, sha256: string | null, tarball: string): string[] {
  const asset = `customer-managed-workflow-agent-v${version}-linux-x64.tar.gz`;
  if (sha256) return [`echo "${sha256}  ${tarball}" | sha256sum --check --strict -`];
  return [
    `curl --fail --silent --show-error --location --retry 5 -o /tmp/agent-checksums.txt ${agentChecksumsUrl(version)}`,
    `expected=$(awk '$2 == "${asset}" { print $1 }' /tmp/agent-checksums.txt)`,
    `test -n "$expected"`,
    `echo "$expected  ${tarball}" | sha256sum --check --strict -`,
  ];
}

/**
 * Boot script: Docker (the agent runs each deployment in a container), the pinned agent, verified before it is
 * unpacked, its token read from Secrets Manager at boot (never in user data, which EC2 shows to anyone with
 * DescribeInstanceAttribute), a systemd unit that restarts it.
 */
export function userData(args: {
  region: string;
  tokenSecret: string;
  version?: string;
  sha256?: string | null;
}): string {
  const version = args.version ?? agentRelease.version;
  const sha256 = args.sha256 === undefined ? agentRelease.sha256["linux-x64"] : args.sha256;
  const dir = "/opt/pulumi-workflow-agent";
  const tarball = "/tmp/agent.tar.gz";
  return [
    "#!/bin/bash",
    "set -euo pipefail",
    "dnf install -y docker",
    "systemctl enable --now docker",
    `mkdir -p ${dir}`,
    `curl --fail --silent --show-error --location --retry 5 -o ${tarball} ${agentTarballUrl(version)}`,
    ...verifyTarball(version, sha256, tarball),
    // The archive holds a customer-managed-workflow-agent/ folder (goreleaser `wrap_in_directory`).
    `tar -xzf ${tarball} -C ${dir} --strip-components=1`,
    `rm -f ${tarball}`,
    `token=$(aws secretsmanager get-secret-value --region ${args.region} --secret-id ${args.tokenSecret} --query SecretString --output text)`,
    "umask 077",
    `printf 'token: "%s"\\nservice_url: https://api.pulumi.com\\nworkflow_runners_directory: ${dir}\\nworkflow_runners_embeddable: ${dir}/workflow-runner-embeddable\\n' "$token" > ${dir}/pulumi-workflow-agent.yaml`,
    "unset token",
    "cat > /etc/systemd/system/pulumi-workflow-agent.service <<'UNIT'",
    "[Unit]",
    "Description=Pulumi customer-managed workflow agent",
    "After=network-online.target docker.service",
    "Wants=network-online.target",
    "Requires=docker.service",
    "[Service]",
    `WorkingDirectory=${dir}`,
    `ExecStart=${dir}/customer-managed-workflow-agent run`,
    "Restart=always",
    "RestartSec=10",
    "[Install]",
    "WantedBy=multi-user.target",
    "UNIT",
    "systemctl daemon-reload",
    "systemctl enable --now pulumi-workflow-agent",
    "",
  ].join("\n");
}

/** Launch template metadata options: IMDSv2 only, one hop, so containers on the host cannot reach it. */
export const metadataOptions = {
  httpEndpoint: "enabled",
  httpTokens: "required",
  httpPutResponseHopLimit: 1,
  instanceMetadataTags: "disabled",
} as const;
