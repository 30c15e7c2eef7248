/**
 * The deployment runner's pure parts (SPEC P3): what it runs, where, with which rights and which traffic. The
 * component (./index.ts) only turns these into resources, so the tests read what AWS receives.
 *
 * The runner is Pulumi's customer-managed deployment agent on one EC2 instance (an Auto Scaling group of 1, so a
 * lost instance comes back) in the VPC's private subnets, outside the cluster: a deployment that upgrades the
 * cluster, replaces its nodes or changes the runner's own settings never pulls the runner from under itself.
 */
import { policyDocument, type AwsAccount, type PolicyDocument } from "../iam";

/**
 * The agent release installed on the runner. Source: github.com/pulumi/customer-managed-deployment-agent, tag
 * v1.4.1 (CHANGELOG "1.4.1 (2025-08-01)"), the newest tag of the repository as read on 2026-11-29; the tarball
 * name and layout follow the repository's install.sh. Bump deliberately, like a chart version.
 */
export const agentVersion = "1.4.1";

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

/** Physical names. `-runner` is shorter than `-ci-preview`, so it fits IAM's 64 characters wherever that does. */
export const runnerNames = (prefix: string) => ({
  role: `${prefix}-runner`,
  instanceProfile: `${prefix}-runner`,
  securityGroup: `${prefix}-runner`,
  tokenSecret: `${prefix}/deployment-runner/token`,
  pool: `${prefix}-runner`,
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
 * What the runner host may do: read its own pool token (and decrypt it with the secrets key, only through
 * Secrets Manager) and assume this stack's deploy role. Nothing else: deployments themselves reach AWS through
 * Pulumi OIDC into the deploy role, and the deployment containers cannot reach the instance's credentials
 * (IMDSv2 with a hop limit of 1).
 */
export function runnerPermissions(
  account: AwsAccount,
  refs: { deployRoleArn: string; tokenSecretArn: string; secretsKeyArn: string },
): PolicyDocument {
  return policyDocument(
    { Sid: "AssumeDeployRole", Effect: "Allow", Action: "sts:AssumeRole", Resource: refs.deployRoleArn },
    { Sid: "ReadPoolToken", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: refs.tokenSecretArn },
    {
      Sid: "DecryptPoolToken",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: refs.secretsKeyArn,
      Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${account.region}.amazonaws.com` } },
    },
  );
}

/** The deploy role's extra trust statement: the runner's role, by ARN (IAM checks it exists). */
export function runnerTrustStatement(runnerRoleArn: string) {
  return {
    Sid: "DeploymentRunner",
    Effect: "Allow" as const,
    Principal: { AWS: runnerRoleArn },
    Action: "sts:AssumeRole",
  };
}

export interface EgressRule {
  description: string;
  protocol: "tcp" | "udp";
  port: number;
  cidr: string;
}

/**
 * Outbound only, and only what the agent needs: HTTPS to Pulumi Cloud, GitHub, the image registry, AWS APIs
 * (through NAT) and the cluster's private endpoint; DNS to the VPC resolver. No ingress rule at all.
 */
export function runnerEgress(vpcCidr: string): EgressRule[] {
  return [
    {
      description: "HTTPS: Pulumi Cloud, GitHub, registries, AWS APIs, the EKS API",
      protocol: "tcp",
      port: 443,
      cidr: "0.0.0.0/0",
    },
    { description: "DNS to the VPC resolver", protocol: "udp", port: 53, cidr: vpcCidr },
    { description: "DNS to the VPC resolver (TCP fallback)", protocol: "tcp", port: 53, cidr: vpcCidr },
  ];
}

/** The release tarball of the pinned agent (name and URL as the repository's install.sh builds them). */
export function agentTarballUrl(version = agentVersion, arch: "x64" | "arm64" = "x64"): string {
  return `https://github.com/pulumi/customer-managed-deployment-agent/releases/download/v${version}/customer-managed-deployment-agent-v${version}-linux-${arch}.tar.gz`;
}

/**
 * Boot script: Docker (the agent runs each deployment in a container), the pinned agent, its token read from
 * Secrets Manager at boot (never in user data, which EC2 shows to anyone with DescribeInstanceAttribute), a
 * systemd unit that restarts it.
 */
export function userData(args: { region: string; tokenSecretArn: string; version?: string }): string {
  const version = args.version ?? agentVersion;
  const dir = "/opt/pulumi-deployment-agent";
  return [
    "#!/bin/bash",
    "set -euo pipefail",
    "dnf install -y docker",
    "systemctl enable --now docker",
    `mkdir -p ${dir}`,
    `curl --fail --silent --show-error --location --retry 5 -o /tmp/agent.tar.gz ${agentTarballUrl(version)}`,
    `tar -xzf /tmp/agent.tar.gz -C ${dir} --strip-components=1`,
    "rm -f /tmp/agent.tar.gz",
    `token=$(aws secretsmanager get-secret-value --region ${args.region} --secret-id ${args.tokenSecretArn} --query SecretString --output text)`,
    "umask 077",
    `printf 'token: "%s"\\nservice_url: https://api.pulumi.com\\nworkflow_runners_directory: ${dir}\\nworkflow_runners_embeddable: ${dir}/workflow-runner-embeddable\\n' "$token" > ${dir}/pulumi-deployment-agent.yaml`,
    "unset token",
    "cat > /etc/systemd/system/pulumi-deployment-agent.service <<'UNIT'",
    "[Unit]",
    "Description=Pulumi customer-managed deployment agent",
    "After=network-online.target docker.service",
    "Wants=network-online.target",
    "Requires=docker.service",
    "[Service]",
    `WorkingDirectory=${dir}`,
    `ExecStart=${dir}/customer-managed-deployment-agent run`,
    "Restart=always",
    "RestartSec=10",
    "[Install]",
    "WantedBy=multi-user.target",
    "UNIT",
    "systemctl daemon-reload",
    "systemctl enable --now pulumi-deployment-agent",
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
