import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { runStack } from "../../offline/run";
import { updateState, type UpdateInfo } from "./history";
import { accountOf, check, deployPaths, placeholderAccounts, settingsFile, stacks, wouldDeploy } from "./settings";
import { smokeCheck } from "./smoke";

describe("Pulumi Deployments settings (Pulumi.<stack>.deploy.yaml)", () => {
  const settings = Object.fromEntries(stacks.map((s) => [s, parse(readFileSync(settingsFile(s), "utf8")).settings]));

  it.each(stacks)("%s: the committed file is exactly what tools/delivery/settings.ts defines", (stack) => {
    expect(check(stack, readFileSync(settingsFile(stack), "utf8"))).toEqual([]);
  });

  it("deploys on push only staging, from main of this repository; PR previews on dev and staging", () => {
    const trigger = (s: string) => [settings[s].gitHub.deployCommits, settings[s].gitHub.previewPullRequests];
    expect(stacks.map(trigger)).toEqual([
      [false, true],
      [true, true],
      [false, false],
    ]);
    for (const stack of stacks) {
      expect(settings[stack].sourceContext.git).toEqual({
        repoUrl: "https://github.com/qualisys/platform.git",
        branch: "refs/heads/main",
      });
      expect(settings[stack].gitHub.repository).toBe("qualisys/platform");
    }
  });

  it("assumes the stack's own deploy role through Pulumi OIDC", () => {
    for (const stack of stacks)
      expect(settings[stack].operationContext.oidc.aws.roleArn).toMatch(
        new RegExp(`^arn:aws:iam::\\d{12}:role/qualisys-${stack}-deploy$`),
      );
    // The trust the identity component gives that role names the same organisation, project and stack.
    const policies = readFileSync("components/identity/policies.ts", "utf8");
    expect(policies).toContain("pulumi:deploy:org:${organization}:project:${project}:stack:${stack}:*");
  });

  it("path filters: doc, test, tool, policy and other-stack changes do not deploy; program and config changes do", () => {
    expect(settings.staging.gitHub.paths).toEqual(deployPaths("staging"));
    for (const files of [
      ["README.md"],
      ["docs/runbook.md"],
      ["components/network/README.md"],
      ["core/subnets.test.ts"],
      ["tools/preview/cost.ts"],
      ["policy/policies.ts"],
      [".github/workflows/pr-checks.yml"],
      ["Pulumi.prod.yaml"],
      ["Pulumi.staging.deploy.yaml"],
    ])
      expect([files, wouldDeploy("staging", files)]).toEqual([files, false]);
    for (const files of [
      ["index.ts"],
      ["components/network/index.ts"],
      ["components/database/bootstrap.sql"],
      ["config/data.ts"],
      ["core/instances.ts"],
      ["Pulumi.staging.yaml"],
      ["package-lock.json"],
      ["README.md", "config/cluster.ts"],
    ])
      expect([files, wouldDeploy("staging", files)]).toEqual([files, true]);
  });

  it("flags a drifted file and, for the push workflow, a placeholder account", () => {
    const text = readFileSync(settingsFile("staging"), "utf8");
    expect(check("staging", text.replace("deployCommits: true", "deployCommits: false"))).toEqual([
      expect.stringMatching(/differs from tools\/delivery\/settings\.ts/),
    ]);
    expect(check("staging", text.replace("role/qualisys-staging-deploy", "role/qualisys-prod-deploy"))).toHaveLength(1);
    expect(accountOf(parse(text))).toBe(placeholderAccounts.staging);
    expect(check("staging", text, true)).toEqual([expect.stringMatching(/is the placeholder/)]);
    expect(check("staging", text.replaceAll(placeholderAccounts.staging, "210987654321"), true)).toEqual([]);
  });
});

describe("smoke check of stack outputs", () => {
  let outputs: Record<string, unknown>;
  beforeAll(async () => {
    outputs = (await runStack("staging")).outputs;
  });

  it("passes on the outputs the program exports (mock values shaped like AWS's)", () => {
    expect(smokeCheck("staging", outputs)).toEqual([]);
  });

  it("fails on a missing output, a wrong stack's role, a malformed id and a second account", () => {
    const broken = structuredClone(outputs) as any;
    delete broken.vpcId;
    broken.roleArns.deploy = broken.roleArns.deploy.replace("-staging-", "-prod-");
    broken.privateSubnetIds = ["subnet-0abc"];
    broken.keyArns.sns = broken.keyArns.sns.replace(/:\d{12}:/, ":999999999999:");
    const problems = smokeCheck("staging", broken);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^vpcId: undefined does not match/),
        expect.stringMatching(/^roleArns\.deploy: .*qualisys-prod-deploy/),
        expect.stringMatching(/^privateSubnetIds: expected at least 2 values/),
        expect.stringMatching(/more than one AWS account/),
      ]),
    );
    expect(problems).toHaveLength(4);
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
