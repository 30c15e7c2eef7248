import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { blockSize, parseCidr, publicAddressCount, type Cidr } from "../../core/cidr";
import {
  agentChecksumsUrl,
  agentRelease,
  agentTarballUrl,
  digestOf,
  privateRanges,
  runnerEgress,
  runnerNames,
  runnerPermissions,
  runnerTrustPolicy,
  userData,
  vpcResolver,
} from "./plan";

const account = { accountId: "123456789012", partition: "aws", region: "us-east-1" };

describe("the pinned agent release", () => {
  it("is the workflow agent's 2.x line, with its tag commit, dates and sources recorded", () => {
    expect(agentRelease).toMatchObject({
      repository: "pulumi/customer-managed-workflow-agent",
      version: "2.2.0",
      tag: "v2.2.0",
      commit: expect.stringMatching(/^[0-9a-f]{40}$/),
      released: "2026-02-23",
      readOn: expect.stringMatching(/^\d{4}-\d\d-\d\d$/),
    });
    expect(agentRelease.source).toMatch(/CHANGELOG\.md .* install\.sh .* \.goreleaser\.yaml/);
    // Either a pinned digest or, said in so many words, none yet.
    const pinned = agentRelease.sha256["linux-x64"];
    if (pinned === null) expect(agentRelease.sha256Source).toMatch(/^not pinned yet: /);
    else expect(pinned).toMatch(/^[0-9a-f]{64}$/);
  });

  it("builds the tarball and checksums URLs the way install.sh and .goreleaser.yaml name them", () => {
    expect(agentTarballUrl("2.2.0")).toBe(
      "https://github.com/pulumi/customer-managed-workflow-agent/releases/download/v2.2.0/customer-managed-workflow-agent-v2.2.0-linux-x64.tar.gz",
    );
    expect(agentChecksumsUrl("2.2.0")).toBe(
      "https://github.com/pulumi/customer-managed-workflow-agent/releases/download/v2.2.0/checksums.txt",
    );
  });

  it("reads a digest out of a sha256sum-style checksums.txt, and nothing for an asset it does not list", () => {
    // Synthetic digests (test input, not the release's).
    const text = `${"a".repeat(64)}  other.tar.gz\n${"b".repeat(64)}  customer-managed-workflow-agent-v2.2.0-linux-x64.tar.gz\n`;
    expect(digestOf(text, "customer-managed-workflow-agent-v2.2.0-linux-x64.tar.gz")).toBe("b".repeat(64));
    expect(digestOf(text, "customer-managed-workflow-agent-v2.2.0-linux-arm64.tar.gz")).toBeUndefined();
  });
});

describe("the runner's boot script", () => {
  const script = (sha256: string | null) =>
    userData({ region: "us-east-1", tokenSecret: "pulumi-deployments/p/agent-pool-token", sha256 });

  it("installs Docker and the pinned agent, reads its token from Secrets Manager by name, never holds it", () => {
    const text = script(null);
    expect(text.startsWith("#!/bin/bash\nset -euo pipefail\n")).toBe(true);
    expect(text).toContain("dnf install -y docker");
    expect(text).toContain(agentTarballUrl());
    expect(text).toContain(
      "aws secretsmanager get-secret-value --region us-east-1 --secret-id pulumi-deployments/p/agent-pool-token ",
    );
    expect(text).toContain("umask 077");
    expect(text).toContain("Restart=always");
    expect(text).toContain("customer-managed-workflow-agent run");
    expect(text).not.toMatch(/pul-[0-9a-f]/);
  });

  it("verifies the tarball before unpacking it: against the pinned digest, else against the release's checksums.txt", () => {
    const pinned = script("c".repeat(64));
    const check = pinned.indexOf(`echo "${"c".repeat(64)}  /tmp/agent.tar.gz" | sha256sum --check --strict -`);
    expect(check).toBeGreaterThan(pinned.indexOf("curl"));
    expect(check).toBeLessThan(pinned.indexOf("tar -xzf"));
    expect(pinned).not.toContain("checksums.txt");
    const unpinned = script(null);
    expect(unpinned).toContain(agentChecksumsUrl());
    expect(unpinned.indexOf("sha256sum --check --strict -")).toBeLessThan(unpinned.indexOf("tar -xzf"));
  });

  // The verification lines run under bash on a file that matches and on one that does not (sha256sum, coreutils).
  const hasSha256sum = !spawnSync("sha256sum", ["--version"]).error;
  (hasSha256sum ? it : it.skip)("the pinned check passes the right tarball and stops the boot on any other", () => {
    const dir = mkdtempSync(join(tmpdir(), "qualisys-agent-"));
    try {
      writeFileSync(join(dir, "agent.tar.gz"), "the release bytes");
      const digest = execFileSync("sha256sum", [join(dir, "agent.tar.gz")], { encoding: "utf8" }).split(" ")[0];
      const lines = (sha: string) =>
        script(sha)
          .split("\n")
          .filter((l) => l.includes("sha256sum"))
          .map((l) => l.replace("/tmp/agent.tar.gz", join(dir, "agent.tar.gz")));
      const run = (sha: string) => {
        try {
          execFileSync("bash", ["-euo", "pipefail", "-c", lines(sha).join("\n")], { stdio: "pipe" });
          return "installed";
        } catch {
          return "stopped";
        }
      };
      expect(run(digest)).toBe("installed");
      expect(run("0".repeat(64))).toBe("stopped");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the runner's rights", () => {
  it("is assumable by EC2 only", () => {
    expect(runnerTrustPolicy().Statement).toEqual([
      {
        Sid: "Ec2InstanceProfile",
        Effect: "Allow",
        Principal: { Service: "ec2.amazonaws.com" },
        Action: "sts:AssumeRole",
      },
    ]);
  });

  it("reads its pool token (by name, Secrets Manager's random suffix matched) and decrypts it through Secrets Manager only", () => {
    const doc = runnerPermissions(account, "qualisys-dev");
    const secret =
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:pulumi-deployments/qualisys-dev/agent-pool-token-??????";
    expect(doc.Statement).toEqual([
      { Sid: "ReadPoolToken", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secret },
      {
        Sid: "DecryptPoolTokenThroughSecretsManager",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: "arn:aws:kms:us-east-1:123456789012:key/*",
        Condition: {
          StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" },
          StringLike: { "kms:EncryptionContext:SecretARN": secret },
        },
      },
    ]);
    // Outside the `<prefix>/` secrets the cluster's external-secrets role may read.
    expect(runnerNames("qualisys-dev").tokenSecret.startsWith("qualisys-dev/")).toBe(false);
  });
});

describe("the runner's traffic", () => {
  const rules = runnerEgress("10.20.0.0/16", ["10.20.16.0/20", "10.20.32.0/20"]);
  const internet = rules[0].cidrs.map((c) => parseCidr(c) as Cidr);

  it("sends HTTPS to every public address and to no private range", () => {
    expect(rules[0]).toMatchObject({ protocol: "tcp", port: 443 });
    const covered = internet.reduce((sum, c) => sum + blockSize(c.prefix), 0);
    const excluded = privateRanges.reduce((sum, c) => sum + blockSize((parseCidr(c) as Cidr).prefix), 0);
    // The blocks do not overlap (their sizes add up to exactly everything but the excluded ranges)…
    expect(covered).toBe(2 ** 32 - excluded);
    // …and miss no public address the policy pack's notion of "public" knows.
    expect(publicAddressCount(rules[0].cidrs)).toBe(publicAddressCount(["0.0.0.0/0"]));
    for (const range of privateRanges) expect(publicAddressCount([range])).toBe(0);
  });

  it("reaches the private subnets on 443 (the EKS API) and DNS at the VPC's base + 2 only", () => {
    expect(rules.slice(1).map((r) => `${r.protocol}/${r.port}→${r.cidrs.join(",")}`)).toEqual([
      "tcp/443→10.20.16.0/20,10.20.32.0/20",
      "udp/53→10.20.0.2/32",
      "tcp/53→10.20.0.2/32",
    ]);
    expect(vpcResolver("10.0.0.0/16")).toBe("10.0.0.2/32");
    expect(vpcResolver("172.31.255.0/24")).toBe("172.31.255.2/32");
  });

  it("stays within a security group's 60 outbound rules (each CIDR counts as one)", () => {
    expect(rules.flatMap((r) => r.cidrs).length).toBeLessThanOrEqual(60);
  });
});

it("names fit IAM's 64 characters for the longest prefix the naming allows (`-runner` ≤ `-ci-preview`)", () => {
  expect(runnerNames("p").role.length).toBeLessThanOrEqual("p-ci-preview".length);
});
