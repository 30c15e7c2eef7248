/** The scripted first deploy (SPEC P3): its plan, proven against the record, and the CLI's fail-fast. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hostOf, runStack, stacks, type StackRun } from "../../offline/run";
import { packName } from "../../policy/policies";
import { runPolicies } from "../../policy/runner";
import { planFor, preflight, readInput, readOrganizationInput } from "./cli";
import { bootstrapPlan, BootstrapRefused, describeStep, hostedComponents, runnerComponents } from "./plan";

const globMatch = (glob: string, urn: string) => {
  // The engine's target globbing: `**` spans anything, `*` stays within one `:`-separated segment.
  const source = glob
    .split("**")
    .map((part) =>
      part
        .split("*")
        .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
        .join("[^:]*"),
    )
    .join(".*");
  return new RegExp(`^${source}$`).test(urn);
};

const input = (stack: string, extra: Partial<Parameters<typeof bootstrapPlan>[0]> = {}) => ({
  organization: "qualisys",
  project: "qualisys",
  stack,
  isProduction: stack === "prod",
  endpointPublicAccessCidrs: [],
  ...(hostOf(stack) ? { host: hostOf(stack) } : {}),
  ...extra,
});

describe("the bootstrap plan", () => {
  it("runs phase 1 from the operator's machine with the runner's closure as targets, then hands off", () => {
    const plan = bootstrapPlan(input("dev"));
    expect(plan.qualifiedStack).toBe("qualisys/qualisys/dev");
    expect(plan.targets).toEqual([
      "urn:pulumi:dev::qualisys::qualisys:identity:Identity**",
      "urn:pulumi:dev::qualisys::qualisys:keys:EncryptionKeys**",
      "urn:pulumi:dev::qualisys::qualisys:network:Network**",
      "urn:pulumi:dev::qualisys::qualisys:deployment:DeploymentRunner**",
    ]);
    expect(plan.temporarySettings).toEqual([]);
    expect(plan.steps.map((s) => s.command?.slice(0, 3))).toEqual([
      ["pulumi", "whoami", "--verbose"],
      ["pulumi", "stack", "output"],
      ["pulumi", "stack", "select"],
      ["pulumi", "up", "--stack"],
      ["pulumi", "deployment", "run"],
    ]);
    // The organisation stack comes first: it holds the pool whose token the runner reads at boot.
    expect(plan.steps[1].command).toEqual([
      "pulumi",
      "stack",
      "output",
      "stacks",
      "--stack",
      "qualisys/qualisys/organization",
    ]);
    const up = plan.steps[3].command!;
    expect(up).toEqual(expect.arrayContaining(["--yes", "--policy-pack", "policy"]));
    expect(up.filter((_, i) => up[i - 1] === "--target")).toEqual(plan.targets);
    expect(plan.steps[4].command).toEqual([
      "pulumi",
      "deployment",
      "run",
      "update",
      "--stack",
      "qualisys/qualisys/dev",
    ]);
    expect(describeStep(plan.steps[3])).toContain("'urn:pulumi:dev::qualisys::qualisys:identity:Identity**'");
  });

  it("runs a stack on another's platform after its host: its access first, the rest on the host's runner", () => {
    const plan = bootstrapPlan(input("staging"));
    expect(plan.steps[2]).toEqual({
      title: expect.stringMatching(/host qualisys\/qualisys\/dev is deployed/),
      command: ["pulumi", "stack", "output", "platform", "--stack", "qualisys/qualisys/dev"],
    });
    expect(plan.targets).toEqual([
      "urn:pulumi:staging::qualisys::qualisys:identity:Identity**",
      "urn:pulumi:staging::qualisys::qualisys:keys:EncryptionKeys**",
      "urn:pulumi:staging::qualisys::pulumi:pulumi:StackReference::*",
      "urn:pulumi:staging::qualisys::qualisys:platform:HostedEnvironment::*",
      "urn:pulumi:staging::qualisys::qualisys:platform:HostedEnvironment$aws:eks/accessEntry:AccessEntry::*",
      "urn:pulumi:staging::qualisys::qualisys:platform:HostedEnvironment$aws:eks/accessPolicyAssociation:AccessPolicyAssociation::*",
    ]);
    expect(plan.steps.at(-1)?.command).toEqual([
      "pulumi",
      "deployment",
      "run",
      "update",
      "--stack",
      "qualisys/qualisys/staging",
    ]);
  });

  it("hands prod off to the approved production workflow, never a direct deployment run", () => {
    const plan = bootstrapPlan(input("prod"));
    expect(plan.steps.at(-1)).toEqual({ title: expect.any(String), manual: expect.stringMatching(/production/) });
    expect(plan.steps.flatMap((s) => s.command ?? []).join(" ")).not.toContain("deployment run");
  });

  it("refuses a stack whose API endpoint is widened (nothing is opened, so nothing can be left open)", () => {
    expect(() => bootstrapPlan(input("dev", { endpointPublicAccessCidrs: ["203.0.113.7/32"] }))).toThrow(
      BootstrapRefused,
    );
    expect(() => bootstrapPlan(input("dev", { endpointPublicAccessCidrs: ["203.0.113.7/32"] }))).toThrow(
      /endpointPublicAccessCidrs \(203\.0\.113\.7\/32\)/,
    );
  });

  it("deploys the organisation stack as an administrator: the long-lived stacks first, then it, then the default group's pack", () => {
    const plan = planFor("organization");
    expect(plan.qualifiedStack).toBe("qualisys/qualisys/organization");
    expect(plan.steps.map((s) => s.command)).toEqual([
      ["pulumi", "whoami", "--verbose"],
      ...stacks.map((s) => ["pulumi", "stack", "select", "--create", `qualisys/qualisys/${s}`]),
      ["pulumi", "stack", "select", "--create", "qualisys/qualisys/organization"],
      ["pulumi", "up", "--stack", "qualisys/qualisys/organization", "--yes", "--policy-pack", "policy"],
      // No --policy-group: the organisation's default group (pulumi policy enable's documented default).
      [
        "pulumi",
        "policy",
        "enable",
        "qualisys/qualisys-guardrails",
        readOrganizationInput("organization").policyPack.versionTag,
      ],
    ]);
    expect(plan.steps.flatMap((s) => s.command ?? []).join(" ")).not.toContain("deployment run");
  });

  it("names the pack the organisation stack publishes as the pack itself does", () => {
    expect(readOrganizationInput("organization").policyPack).toEqual({
      name: packName,
      versionTag: JSON.parse(readFileSync(join(__dirname, "..", "..", "policy", "package.json"), "utf8")).version,
    });
  });

  it("reads organisation, project and environment from the stack files", () => {
    expect(stacks.map((s) => readInput(s))).toEqual(stacks.map((s) => input(s)));
    expect(() => readInput("nope")).toThrow(/no stack file Pulumi\.nope\.yaml/);
  });

  describe.each(stacks)("against the record of %s", (stack) => {
    let run: StackRun;
    beforeAll(async () => {
      run = await runStack(stack);
    });

    it("targets the runner (or, on another's platform, its access) and everything it depends on, and nothing that talks to Kubernetes", () => {
      const { targets } = bootstrapPlan(input(stack));
      const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
      const targeted = run.resources.filter((r) => targets.some((t) => globMatch(t, r.urn)));
      const hosted = hostOf(stack) !== undefined;
      expect(targeted.map((r) => r.type)).toEqual(
        expect.arrayContaining(
          hosted
            ? ["aws:eks/accessEntry:AccessEntry", "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"]
            : ["aws:iam/rolePolicy:RolePolicy", "aws:autoscaling/group:Group"],
        ),
      );
      // Closed under dependencies and parents: the engine never has to create an untargeted resource first.
      for (const r of targeted)
        for (const dep of [...r.dependencies, ...(r.parent && byUrn.has(r.parent) ? [r.parent] : [])])
          expect([r.name, dep, targets.some((t) => globMatch(t, dep))]).toEqual([r.name, dep, true]);
      expect(
        targeted.filter(
          (r) =>
            r.type.startsWith("kubernetes:") ||
            r.type.startsWith("eks:") ||
            r.type.startsWith("pulumi:providers:kubernetes"),
        ),
      ).toEqual([]);
      // Every top-level component it names exists.
      for (const type of hosted ? hostedComponents : runnerComponents)
        expect(targeted.some((r) => r.type === type)).toBe(true);
    });

    it("passes the policy pack on what phase 1 creates (it runs with --policy-pack policy)", async () => {
      const { targets } = bootstrapPlan(input(stack));
      const phase1 = run.resources.filter((r) => targets.some((t) => globMatch(t, r.urn)));
      const { violations } = await runPolicies(phase1, {});
      expect(violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
    });

    it("leaves the cluster and every Kubernetes object to the runner", () => {
      const { targets } = bootstrapPlan(input(stack));
      const inCluster = run.resources.filter(
        (r) => r.type === "qualisys:cluster:Cluster" || r.type.startsWith("kubernetes:"),
      );
      expect(inCluster.length).toBeGreaterThan(0);
      expect(inCluster.filter((r) => targets.some((t) => globMatch(t, r.urn)))).toEqual([]);
    });
  });
});

describe("the bootstrap CLI", () => {
  it("finds neither the Pulumi CLI nor AWS credentials here, and says what to do", () => {
    const problems = preflight({ PATH: "/nonexistent" }, mkdtempSync(join(tmpdir(), "no-aws-")));
    expect(problems).toEqual([
      expect.stringMatching(/the Pulumi CLI is not on PATH/),
      expect.stringMatching(/no AWS credentials/),
    ]);
  });

  it("fails fast with a clear message and a non-zero exit, after printing the plan", () => {
    const home = mkdtempSync(join(tmpdir(), "no-aws-"));
    const env = {
      PATH: process.env
        .PATH!.split(":")
        .filter((p) => !/pulumi/i.test(p))
        .join(":"),
      HOME: home,
    };
    const started = Date.now();
    const result = spawnSync(process.execPath, ["tools/run-ts.js", "tools/bootstrap/cli.ts", "dev"], {
      env,
      encoding: "utf8",
    });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("Phase 1: identity, keys, network and the deployment runner");
    expect(result.stderr).toMatch(/cannot run here:[\s\S]*Pulumi CLI is not on PATH[\s\S]*no AWS credentials/);
  });

  it("prints the plan without running anything on --dry-run, and refuses an unknown stack", () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, ["tools/run-ts.js", "tools/bootstrap/cli.ts", ...args], { encoding: "utf8" });
    const dry = run(["prod", "--dry-run"]);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain("(by hand) Run the `production` workflow");
    const unknown = run(["nope"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("bootstrap: no stack file Pulumi.nope.yaml");
  });
});
