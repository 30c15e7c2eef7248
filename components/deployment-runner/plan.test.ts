import {
  agentTarballUrl,
  agentVersion,
  runnerEgress,
  runnerNames,
  runnerPermissions,
  runnerTrustPolicy,
  userData,
} from "./plan";
import { deploymentSettings, triggersOf } from "./settings";

const account = { accountId: "123456789012", partition: "aws", region: "us-east-1" };

describe("the deployment runner's plan", () => {
  it("pins the agent release and builds its tarball URL the way the agent's install.sh does", () => {
    expect(agentVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(agentTarballUrl("1.4.1")).toBe(
      "https://github.com/pulumi/customer-managed-deployment-agent/releases/download/v1.4.1/customer-managed-deployment-agent-v1.4.1-linux-x64.tar.gz",
    );
  });

  it("boots Docker and the pinned agent, reads the token from Secrets Manager, never holds it", () => {
    const script = userData({ region: "us-east-1", tokenSecretArn: "arn:aws:secretsmanager:us-east-1:1:secret:t" });
    expect(script.startsWith("#!/bin/bash\nset -euo pipefail\n")).toBe(true);
    expect(script).toContain("dnf install -y docker");
    expect(script).toContain(agentTarballUrl());
    expect(script).toContain(
      "aws secretsmanager get-secret-value --region us-east-1 --secret-id arn:aws:secretsmanager:us-east-1:1:secret:t",
    );
    expect(script).toContain("umask 077");
    expect(script).toContain("Restart=always");
    expect(script).not.toMatch(/pul-[0-9a-f]/);
  });

  it("is assumable by EC2 only, and may assume the deploy role and read its token, nothing else", () => {
    expect(runnerTrustPolicy().Statement).toEqual([
      {
        Sid: "Ec2InstanceProfile",
        Effect: "Allow",
        Principal: { Service: "ec2.amazonaws.com" },
        Action: "sts:AssumeRole",
      },
    ]);
    const doc = runnerPermissions(account, { deployRoleArn: "D", tokenSecretArn: "S", secretsKeyArn: "K" });
    expect(doc.Statement.map((s) => [s.Action, s.Resource])).toEqual([
      ["sts:AssumeRole", "D"],
      ["secretsmanager:GetSecretValue", "S"],
      ["kms:Decrypt", "K"],
    ]);
    expect(doc.Statement[2].Condition).toEqual({
      StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" },
    });
  });

  it("sends HTTPS anywhere and DNS to the VPC only", () => {
    expect(runnerEgress("10.20.0.0/16").map((r) => `${r.protocol}/${r.port}→${r.cidr}`)).toEqual([
      "tcp/443→0.0.0.0/0",
      "udp/53→10.20.0.0/16",
      "tcp/53→10.20.0.0/16",
    ]);
  });

  it("names fit IAM's 64 characters for the longest prefix the naming allows (`-runner` ≤ `-ci-preview`)", () => {
    expect(runnerNames("p").role.length).toBeLessThanOrEqual("p-ci-preview".length);
  });
});

describe("Deployments settings", () => {
  const settings = (stack: string) =>
    deploymentSettings({
      organization: "qualisys",
      project: "qualisys",
      stack,
      repository: "qualisys/platform",
      region: "us-east-1",
      deployRoleArn: `arn:aws:iam::123456789012:role/qualisys-${stack}-deploy`,
      agentPoolId: "pool-id",
    });

  it("run on the stack's pool with its deploy role through Pulumi OIDC", () => {
    expect(settings("staging")).toMatchObject({
      agentPoolId: "pool-id",
      operationContext: {
        oidc: { aws: { roleARN: "arn:aws:iam::123456789012:role/qualisys-staging-deploy" } },
        options: { skipIntermediateDeployments: true },
      },
    });
  });

  it("push-to-deploy staging only; PR previews on dev and staging; other stacks on request", () => {
    expect(["dev", "staging", "prod", "alice"].map((s) => settings(s).github)).toMatchObject([
      { deployCommits: false, previewPullRequests: true },
      { deployCommits: true, previewPullRequests: true },
      { deployCommits: false, previewPullRequests: false },
      { deployCommits: false, previewPullRequests: false },
    ]);
    expect(triggersOf("staging")).toEqual({ deployCommits: true, previewPullRequests: true });
  });
});
