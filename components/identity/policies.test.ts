import {
  cicdPolicy,
  deployOperations,
  developerPolicy,
  githubTrustPolicy,
  humanTrustPolicy,
  mfaEnforcementPolicy,
  previewGuardPolicy,
  pulumiDeploymentsSubject,
  pulumiTrustPolicy,
  type WorkloadScope,
} from "./policies";

const scope: WorkloadScope = {
  account: { accountId: "111122223333", partition: "aws", region: "eu-west-1" },
  clusterName: "qualisys-dev",
  repositories: ["qualisys-api", "playwright-runner"],
  logGroupPrefixes: ["/qualisys/dev/"],
};

const actions = (doc: { Statement: { Action?: string | string[] }[] }) => doc.Statement.flatMap((s) => s.Action ?? []);

describe("human trust", () => {
  it("requires MFA no older than the configured age, from the named account only", () => {
    expect(humanTrustPolicy("aws", "444455556666", 900).Statement).toEqual([
      {
        Sid: "AssumeWithRecentMfa",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::444455556666:root" },
        Action: "sts:AssumeRole",
        Condition: {
          Bool: { "aws:MultiFactorAuthPresent": "true" },
          NumericLessThan: { "aws:MultiFactorAuthAge": "900" },
        },
      },
    ]);
  });
});

describe("OIDC trust", () => {
  it("pins GitHub subjects exactly", () => {
    const [s] = githubTrustPolicy("arn:gh", "acme/app", ["environment:production", "pull_request"]).Statement;
    expect(s.Condition).toEqual({
      StringEquals: {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": [
          "repo:acme/app:environment:production",
          "repo:acme/app:pull_request",
        ],
      },
    });
  });

  it("scopes Pulumi Deployments to one stack's operations that change it, by exact subject", () => {
    const [s] = pulumiTrustPolicy("arn:pulumi", "acme", "qualisys", "prod", ["update", "refresh"]).Statement;
    expect(s.Condition).toEqual({
      StringEquals: {
        "api.pulumi.com/oidc:aud": "acme",
        "api.pulumi.com/oidc:sub": [
          "pulumi:deploy:org:acme:project:qualisys:stack:prod:operation:update:scope:write",
          "pulumi:deploy:org:acme:project:qualisys:stack:prod:operation:refresh:scope:write",
        ],
      },
    });
  });

  it("writes the subject in the format Pulumi documents for Deployments OIDC tokens", () => {
    // https://www.pulumi.com/docs/pulumi-cloud/deployments/oidc/ ("Token claims"), read 2026-12-06:
    // pulumi:deploy:org:<organization name>:project:<project name>:stack:<stack name>:operation:<operation kind>:scope:write
    expect(pulumiDeploymentsSubject("o", "p", "s", "preview")).toBe(
      "pulumi:deploy:org:o:project:p:stack:s:operation:preview:scope:write",
    );
  });

  it("never serves a preview; destroy only for a stack that expires", () => {
    expect(deployOperations(false)).toEqual(["update", "refresh", "detect-drift", "remediate-drift"]);
    expect(deployOperations(true)).toEqual(["update", "refresh", "destroy", "detect-drift", "remediate-drift"]);
  });
});

describe("MFA enforcement", () => {
  const doc = mfaEnforcementPolicy("aws");
  it("denies everything but MFA self-service when MFA is absent", () => {
    const deny = doc.Statement.find((s) => s.Effect === "Deny")!;
    expect(deny.Condition).toEqual({ BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } });
    expect(deny.NotAction).toEqual(
      expect.arrayContaining(["iam:EnableMFADevice", "iam:ChangePassword", "sts:GetSessionToken"]),
    );
    expect(deny.NotAction).not.toContain("iam:DeactivateMFADevice");
  });
  it("scopes the self-service allows to the caller's own user and MFA device", () => {
    const own = doc.Statement.find((s) => s.Sid === "ManageOwnPasswordAndMfaWithoutMfa")!;
    expect(own.Resource).toEqual(["arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::*:mfa/${aws:username}"]);
  });
});

describe("workload permissions", () => {
  it("lets developers pull images only when asked, and never push them (only CI pushes)", () => {
    expect(actions(developerPolicy(scope, true))).toEqual(expect.arrayContaining(["ecr:BatchGetImage"]));
    expect(actions(developerPolicy(scope, false))).not.toContain("ecr:BatchGetImage");
    for (const push of ["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:CompleteLayerUpload"])
      for (const canPull of [true, false]) expect(actions(developerPolicy(scope, canPull))).not.toContain(push);
  });

  it("lets the CI of a stack on another's platform pull, never push", () => {
    const doc = cicdPolicy(scope, false);
    expect(actions(doc)).toContain("ecr:BatchGetImage");
    expect(actions(doc)).not.toContain("ecr:PutImage");
  });

  it("scopes CI to this stack's repositories and cluster; only ECR login is account-wide", () => {
    const doc = cicdPolicy(scope);
    const wildcard = doc.Statement.filter((s) => s.Resource === "*");
    expect(wildcard.map((s) => s.Action)).toEqual([["ecr:GetAuthorizationToken"]]);
    expect(doc.Statement.find((s) => s.Sid === "PushToThisStacksRepositories")?.Resource).toEqual([
      "arn:aws:ecr:eu-west-1:111122223333:repository/qualisys-api",
      "arn:aws:ecr:eu-west-1:111122223333:repository/playwright-runner",
    ]);
    expect(doc.Statement.find((s) => s.Sid === "DescribeThisCluster")?.Resource).toBe(
      "arn:aws:eks:eu-west-1:111122223333:cluster/qualisys-dev",
    );
  });

  it("denies data-plane reads to pull-request previews (completeness is simulated in tests/access.test.ts)", () => {
    const [deny] = previewGuardPolicy().Statement;
    expect(deny.Effect).toBe("Deny");
    expect(deny.Action).toEqual(
      expect.arrayContaining(["secretsmanager:GetSecretValue", "kms:Decrypt", "ssm:GetParameter*", "s3:GetObject*"]),
    );
  });
});
