/**
 * Unreviewed code never holds write or admin (SPEC P4), proven by simulation on every application stack's record:
 * the deploy role serves only the operations that change a stack (never a preview), no role a pull request can
 * assume may write, the runner may assume no role, and no application stack holds a pool token. Each check also
 * catches its widening planted into a copy of a record (./reach-checks.ts).
 */
import { deployOperations, pulumiOperations } from "../components/identity/policies";
import { tokenSecretArnPattern } from "../components/deployment-runner/plan";
import { keyPolicy } from "../components/keys/policy";
import { accountOf, hostOf, readStackFile, runStack, stacks, type StackRun } from "../offline/run";
import { ACCOUNT, accessModel, simulate, simulateTemplatedContext, type AccessModel } from "./access-model";
import {
  poolTokenExposures,
  rolesTheRunnerAssumes,
  trustedOperations,
  writeRolesTrustingPullRequests,
} from "./reach-checks";

const REPO = "qualisys/platform";
const runs: Record<string, StackRun> = {};
const models: Record<string, AccessModel> = {};
beforeAll(async () => {
  for (const stack of stacks) {
    runs[stack] = await runStack(stack);
    models[stack] = accessModel(runs[stack]);
  }
});

const expires = (stack: string) => readStackFile(stack).config["qualisys:expiresOn"] !== undefined;

describe.each(stacks)("stack %s", (stack) => {
  const role = (part: string) => models[stack].roles.get(`qualisys-${stack}-${part}`)!;

  it("its deploy role serves Pulumi Deployments' update, refresh and drift runs of this stack, never a preview", () => {
    expect(trustedOperations(role("deploy"), "qualisys", "qualisys", stack)).toEqual(deployOperations(expires(stack)));
    expect(trustedOperations(role("deploy"), "qualisys", "qualisys", stack)).not.toContain("preview");
    // Another stack, project or organisation gets nothing, whatever the operation.
    const other = stack === "prod" ? "staging" : "prod";
    for (const [org, project, s] of [
      ["qualisys", "qualisys", other],
      ["qualisys", "other", stack],
      ["attacker", "qualisys", stack],
    ])
      expect([org, project, s, trustedOperations(role("deploy"), org, project, s)]).toEqual([org, project, s, []]);
  });

  it("no role a GitHub pull_request token can assume may write (only the read-only ci-preview trusts it)", async () => {
    expect(await writeRolesTrustingPullRequests(models[stack], REPO)).toEqual([]);
  });

  it("the runner's instance role may assume no role", async () => {
    if (hostOf(stack) !== undefined) {
      expect(models[stack].roles.has(`qualisys-${stack}-runner`)).toBe(false);
      return;
    }
    expect(await rolesTheRunnerAssumes(models[stack], `qualisys-${stack}-runner`)).toEqual([]);
  });

  it("holds no agent pool and no pool token, not even as a secret, in its state or outputs", () => {
    expect(poolTokenExposures(runs[stack])).toEqual([]);
  });

  it("the pool token of its platform is readable by the runner and by administrators only", async () => {
    if (hostOf(stack) !== undefined) return;
    const prefix = `qualisys-${stack}`;
    const ACCOUNT = accountOf(stack)!;
    const account = { accountId: ACCOUNT, partition: "aws", region: "us-east-1" };
    const secret = tokenSecretArnPattern(account, prefix).replace("-??????", "-Ab12Cd");
    // The token key's policy as the organisation stack declares it (tests/organization.test.ts holds the two equal).
    const tokenKeyPolicy = keyPolicy({ account, domain: "secrets", adminRoleArns: [] });
    const key = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0b1c2d3e-0000-4000-8000-000000000000`;
    const throughSecretsManager = (secretArn: string) => ({
      "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com",
      "kms:CallerAccount": ACCOUNT,
      "kms:EncryptionContext:SecretARN": secretArn,
    });
    const readers: string[] = [];
    for (const r of models[stack].roles.values()) {
      const read = await simulate(r.policies, {
        principal: r.arn,
        action: "secretsmanager:GetSecretValue",
        resource: secret,
      });
      const decrypt = simulateTemplatedContext(
        r.policies,
        { principal: r.arn, action: "kms:Decrypt", resource: key, context: throughSecretsManager(secret) },
        tokenKeyPolicy,
      );
      if (read === "Allowed" && decrypt === "Allowed") readers.push(r.name.replace(`${prefix}-`, ""));
    }
    expect(readers.sort()).toEqual(["deploy", "devops", "runner"]);
    // The runner's decrypt is bound to that secret: the same call for another secret is refused.
    const runner = models[stack].roles.get(`${prefix}-runner`)!;
    const other = (arn: string) =>
      simulateTemplatedContext(
        runner.policies,
        { principal: runner.arn, action: "kms:Decrypt", resource: key, context: throughSecretsManager(arn) },
        tokenKeyPolicy,
      );
    expect(other(secret)).toBe("Allowed");
    expect(other(`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${prefix}/jwt-signing-key-Ab12Cd`)).toBe(
      "ImplicitlyDenied",
    );
  });
});

describe("the checks catch each planted widening", () => {
  const plant = (stack: string, part: string, trust: unknown): AccessModel => {
    const model = structuredClone(models[stack]);
    model.roles.get(`qualisys-${stack}-${part}`)!.trust = trust as never;
    return model;
  };

  it("a deploy role that trusts every operation of its stack (the trust before this change) serves previews", () => {
    const wide = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/api.pulumi.com/oidc` },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: { "api.pulumi.com/oidc:aud": "qualisys" },
            StringLike: { "api.pulumi.com/oidc:sub": "pulumi:deploy:org:qualisys:project:qualisys:stack:dev:*" },
          },
        },
      ],
    };
    const role = plant("dev", "deploy", wide).roles.get("qualisys-dev-deploy")!;
    expect(trustedOperations(role, "qualisys", "qualisys", "dev")).toEqual([...pulumiOperations]);
  });

  it("a pull_request subject on the CI role (which pushes images) is a write role trusting pull requests", async () => {
    const cicd = models.dev.roles.get("qualisys-dev-cicd")!;
    const trust = structuredClone(cicd.trust) as any;
    trust.Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"].push(
      `repo:${REPO}:pull_request`,
    );
    expect(await writeRolesTrustingPullRequests(plant("dev", "cicd", trust), REPO)).toEqual([
      "qualisys-dev-cicd: ecr:PutImage",
    ]);
  });

  it("a runner allowed to assume the deploy role, which trusts it back (before this change), is found", async () => {
    const model = structuredClone(models.dev);
    const runner = model.roles.get("qualisys-dev-runner")!;
    const deploy = model.roles.get("qualisys-dev-deploy")!;
    runner.policies.push({
      name: "planted",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: deploy.arn }],
      },
    });
    (deploy.trust.Statement as unknown[]).push({
      Effect: "Allow",
      Principal: { AWS: runner.arn },
      Action: "sts:AssumeRole",
    });
    expect(await rolesTheRunnerAssumes(model, "qualisys-dev-runner")).toEqual(["qualisys-dev-deploy"]);
  });

  it("a pool token in an application stack's outputs, even as a secret, is found", () => {
    const planted: StackRun = {
      ...runs.dev,
      outputs: { ...runs.dev.outputs, deploymentRunner: { agentPoolToken: "[secret]" } },
      secretOutputs: [...runs.dev.secretOutputs, "deploymentRunner.agentPoolToken"],
    };
    expect(poolTokenExposures(planted)).toEqual(["output deploymentRunner.agentPoolToken"]);
  });
});
