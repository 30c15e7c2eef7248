import { ofType } from "../../offline/record";
import { runStack } from "../../offline/run";
import { updateState, type UpdateInfo } from "./history";
import { deployPaths, stacks, triggersOf, wouldDeploy } from "./settings";
import { smokeCheck } from "./smoke";

describe("Pulumi Deployments settings (declared by the organisation stack, one DeploymentSettings per stack)", () => {
  const settings: Record<string, any> = {};
  beforeAll(async () => {
    const run = await runStack("organization");
    for (const declared of ofType(run, "pulumiservice:index:DeploymentSettings"))
      settings[String(declared.inputs.stack)] = declared.inputs;
  });

  it("deploys on push only staging, from main of this repository; Deployments previews no pull request", () => {
    const trigger = (s: string) => [settings[s].vcs.deployCommits, settings[s].vcs.previewPullRequests];
    expect(stacks.map(trigger)).toEqual([
      [false, false],
      [true, false],
      [false, false],
    ]);
    for (const stack of stacks) {
      expect(settings[stack]).toMatchObject({ organization: "qualisys", project: "qualisys", stack });
      // The provider's non-deprecated form: the repository in `vcs` only (no `github` block, no repoUrl beside it).
      expect(settings[stack].sourceContext.git).toEqual({ branch: "refs/heads/main" });
      expect(settings[stack].vcs).toMatchObject({ provider: "github", repository: "qualisys/platform" });
      expect(settings[stack].github).toBeUndefined();
      expect(settings[stack].vcs.pullRequestTemplate).toBe(false);
    }
  });

  it("a stack that is not dev, staging or prod (personal, review) deploys only on request", () => {
    expect(triggersOf("alice-dev")).toEqual({ deployCommits: false, previewPullRequests: false });
  });

  it("assumes the stack's own deploy role through Pulumi OIDC", () => {
    for (const stack of stacks)
      expect(settings[stack].operationContext.oidc.aws.roleARN).toMatch(
        new RegExp(`^arn:aws:iam::\\d{12}:role/qualisys-${stack}-deploy$`),
      );
  });

  it("path filters: doc, test, tool, policy and other-stack changes do not deploy; program and config changes do", () => {
    expect(settings.staging.vcs.paths).toEqual(deployPaths("staging"));
    for (const files of [
      ["README.md"],
      ["docs/runbook.md"],
      ["components/network/README.md"],
      ["core/subnets.test.ts"],
      ["tools/preview/cost.ts"],
      ["tools/bootstrap/plan.ts"],
      ["policy/policies.ts"],
      [".github/workflows/pr-checks.yml"],
      ["Pulumi.prod.yaml"],
    ])
      expect([files, wouldDeploy("staging", files)]).toEqual([files, false]);
    for (const files of [
      ["index.ts"],
      ["components/network/index.ts"],
      ["components/deployment-runner/plan.ts"],
      ["components/database/bootstrap.sql"],
      ["config/data.ts"],
      ["core/instances.ts"],
      ["Pulumi.staging.yaml"],
      ["package-lock.json"],
      ["README.md", "config/cluster.ts"],
    ])
      expect([files, wouldDeploy("staging", files)]).toEqual([files, true]);
  });
});

describe("smoke check of stack outputs", () => {
  const outputs: Record<string, Record<string, unknown>> = {};
  beforeAll(async () => {
    for (const stack of ["staging", "prod"]) outputs[stack] = (await runStack(stack)).outputs;
  });

  it.each(["staging", "prod"])("passes on the outputs %s exports (mock values shaped like AWS's)", (stack) => {
    expect(smokeCheck(stack, outputs[stack])).toEqual([]);
  });

  it("fails on a missing output, a wrong stack's role, a malformed id and a second account", () => {
    const broken = structuredClone(outputs.prod) as any;
    delete broken.vpcId;
    broken.roleArns.deploy = broken.roleArns.deploy.replace("-prod-", "-staging-");
    broken.privateSubnetIds = ["subnet-0abc"];
    broken.keyArns.sns = broken.keyArns.sns.replace(/:\d{12}:/, ":999999999999:");
    const problems = smokeCheck("prod", broken);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^vpcId: undefined does not match/),
        expect.stringMatching(/^roleArns\.deploy: .*qualisys-staging-deploy/),
        expect.stringMatching(/^privateSubnetIds: expected at least 2 values/),
        expect.stringMatching(/more than one AWS account/),
      ]),
    );
    expect(problems).toHaveLength(4);
  });

  it("holds a stack on another's platform to its own shape: which host, which namespace", () => {
    const broken = structuredClone(outputs.staging) as any;
    broken.platformStack = "dev";
    delete broken.namespace;
    expect(smokeCheck("staging", broken)).toEqual([
      expect.stringMatching(/^platformStack: "dev" does not match/),
      expect.stringMatching(/^namespace: undefined does not match/),
    ]);
  });
});

describe("following a Deployments update in stack history", () => {
  const sha = "a".repeat(40);
  const entry = (result: string, head = sha, kind = "update"): UpdateInfo => ({
    kind,
    result,
    environment: { "git.head": head },
  });

  it("reports the newest update of the commit, ignoring previews and other commits", () => {
    expect(updateState([], sha)).toBe("none");
    expect(updateState([entry("succeeded", "b".repeat(40)), entry("succeeded", sha, "preview")], sha)).toBe("none");
    expect(updateState([entry("in-progress"), entry("failed")], sha)).toBe("running");
    expect(updateState([entry("failed"), entry("succeeded")], sha)).toBe("failed");
    expect(updateState([entry("succeeded")], sha)).toBe("succeeded");
  });
});
