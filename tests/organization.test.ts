/**
 * The organisation stack (SPEC P2, P3, P4, P5) from its record: the pools and where their tokens go, every stack's
 * Deployments settings and schedule, the policy group's reach, the teams and the GitHub token exchange. Expectations
 * come from the stack files themselves (which stacks have a platform, which account each names), not from the plan
 * the component is built from.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { keyPolicy } from "../components/keys/policy";
import { Organization } from "../components/organization";
import { decrypts, teams } from "../components/organization/access-plan";
import { Identity } from "../components/identity";
import type { OrganizationStackConfig } from "../config";
import { jsonInput, ofType, parseUrn, type RecordedResource } from "../offline/record";
import {
  allStacks,
  engineConfig,
  hostOf,
  platformStacks,
  readStackFile,
  runStack,
  SECRET,
  shippedStacks,
  stacks,
  type StackRun,
} from "../offline/run";
import { parseOrganizationConfig } from "../config/organization";
import { packName } from "../policy/policies";
import { runPolicies } from "../policy/runner";
import { estimateCost } from "../tools/preview/cost";
import { generatedSection } from "../tools/docs/generated";
import { accessModel } from "./access-model";
import { trustedOperations, uncoveredStacks } from "./reach-checks";

const root = join(__dirname, "..");
let org: StackRun;
beforeAll(async () => {
  org = await runStack("organization");
});

const accountOf = (stack: string) => (readStackFile(stack).config["aws:allowedAccountIds"] as string[])[0];
const organizationSection = () =>
  readStackFile("organization").config["qualisys:organization"] as { accountRoles: Record<string, string> };
const byName = (type: string, run = org) => new Map(ofType(run, type).map((r) => [r.name, r]));
const providerOf = (r: RecordedResource) => org.resources.find((p) => r.provider?.startsWith(`${p.urn}::`));

it("passes the policy pack with no mandatory violation (the pack guards this stack too)", async () => {
  const { violations } = await runPolicies(org.resources, {});
  expect(violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
});

it("runs without error and outputs ids and names, never a token (not even as a secret)", () => {
  expect(org.error).toBeUndefined();
  expect(org.secretOutputs).toEqual([]);
  expect(JSON.stringify(org.outputs)).not.toMatch(/tokenValue|pul-[0-9a-f]{40}|\[secret\]/);
});

describe.each(platformStacks)("the platform of %s", (platform) => {
  const prefix = `qualisys-${platform}`;

  it("has an agent pool here, protected (a production stack, or stacks on its platform depend on it)", () => {
    const pool = byName("pulumiservice:index:AgentPool").get(`${prefix}-runner-pool`)!;
    expect(pool.inputs).toMatchObject({ organizationName: "qualisys", name: `${prefix}-runner`, forceDestroy: false });
    expect(pool.outputs.tokenValue).toBe(SECRET);
    const tenants = stacks.filter((s) => hostOf(s) === platform);
    expect(platform === "prod" || tenants.length > 0).toBe(true);
    expect(pool.options.protect).toBe(true);
  });

  it("keeps the pool's token in the platform's own account: a secret under a key of its own, by the role named for that account", () => {
    const secret = byName("aws:secretsmanager/secret:Secret").get(`${prefix}-runner-token`)!;
    const version = byName("aws:secretsmanager/secretVersion:SecretVersion").get(`${prefix}-runner-token`)!;
    const key = byName("aws:kms/key:Key").get(`${prefix}-runner-token-key`)!;
    expect(secret.inputs.name).toBe(`pulumi-deployments/${prefix}/agent-pool-token`);
    expect(secret.dependencies).toContain(key.urn);
    expect(version.inputs.secretString).toBe(SECRET);
    expect(version.secretInputs).toContain("secretString");
    expect(key.inputs.enableKeyRotation).toBe(true);
    const account = accountOf(platform);
    expect(jsonInput(key, "policy")).toEqual(
      keyPolicy({
        account: { accountId: account, partition: "aws", region: "us-east-1" },
        domain: "secrets",
        adminRoleArns: [],
      }),
    );
    for (const r of [secret, version, key]) {
      const provider = providerOf(r)!;
      expect(JSON.parse(String(provider.inputs.allowedAccountIds))).toEqual([account]);
      expect(JSON.parse(String(provider.inputs.assumeRoles))[0].roleArn).toBe(
        organizationSection().accountRoles[account],
      );
    }
  });
});

it("declares every application stack's Deployments settings on its platform's pool, with its own deploy role", () => {
  const settings = ofType(org, "pulumiservice:index:DeploymentSettings");
  expect(settings.map((s) => s.inputs.stack).sort()).toEqual([...stacks].sort());
  const pools = byName("pulumiservice:index:AgentPool");
  for (const s of settings) {
    const stack = String(s.inputs.stack);
    const platform = hostOf(stack) ?? stack;
    expect([stack, s.inputs.agentPoolId]).toEqual([
      stack,
      pools.get(`qualisys-${platform}-runner-pool`)!.outputs.agentPoolId,
    ]);
    expect((s.inputs.operationContext as any).oidc.aws.roleARN).toBe(
      `arn:aws:iam::${accountOf(stack)}:role/qualisys-${stack}-deploy`,
    );
  }
});

it("receives what `pulumi state move` takes out of the application stacks: each moved URN is an alias of a resource here", () => {
  const moved = shippedStacks.flatMap((stack) => {
    const file = join(__dirname, "urns", `${stack}.retired.txt`);
    return readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line.startsWith("urn:") && line.includes("$pulumiservice:"));
  });
  expect(moved.length).toBeGreaterThan(0);
  const aliases = new Set(org.resources.flatMap((r) => r.options.aliases));
  for (const urn of moved) {
    const { qualifiedType, name } = parseUrn(urn);
    // The move lands a resource whose parent stays behind at the root of the destination stack.
    expect([urn, aliases.has(`urn:pulumi:organization::qualisys::${qualifiedType.split("$").pop()}::${name}`)]).toEqual(
      [urn, true],
    );
  }
});

it("docs/deploying.md's state-move runbook moves exactly those URNs, each from its own stack", () => {
  const runbook = readFileSync(join(root, "docs", "deploying.md"), "utf8");
  const commands = [
    ...runbook.matchAll(
      /pulumi state move --source qualisys\/qualisys\/(\S+) --dest qualisys\/qualisys\/organization --yes((?: \\\n\s+'[^']+')+)/g,
    ),
  ];
  const listed = commands.flatMap(([, source, urns]) =>
    [...urns.matchAll(/'([^']+)'/g)].map(([, urn]) => [source, urn]),
  );
  const retired = shippedStacks.flatMap((stack) =>
    readFileSync(join(__dirname, "urns", `${stack}.retired.txt`), "utf8")
      .split("\n")
      .filter((line) => line.startsWith("urn:") && line.includes("$pulumiservice:"))
      .map((urn) => [stack, urn]),
  );
  expect(listed.length).toBeGreaterThan(0);
  expect(listed.sort()).toEqual(retired.sort());
  for (const [source, urn] of listed) expect(parseUrn(urn).stack).toBe(source);
});

it("detects drift daily on every long-lived stack and remediates none; no stack of the repository expires", () => {
  const drift = ofType(org, "pulumiservice:index:DriftSchedule");
  expect(drift.map((d) => d.inputs.stack).sort()).toEqual([...stacks].sort());
  for (const d of drift) expect(d.inputs).toMatchObject({ scheduleCron: "0 6 * * *", autoRemediate: false });
  expect(ofType(org, "pulumiservice:index:TtlSchedule")).toEqual([]);
});

describe("the policy group", () => {
  it("enforces the pack, preventatively, on every stack file's stack, this one included", () => {
    expect(uncoveredStacks(org, allStacks)).toEqual([]);
    expect(allStacks).toContain("organization");
    const [pack] = ofType(org, "pulumiservice:index:PolicyPack");
    const { version } = JSON.parse(readFileSync(join(root, "policy", "package.json"), "utf8"));
    expect(pack.inputs).toMatchObject({ name: packName, sourcePath: "policy", versionTag: version });
  });

  it("a stack it leaves out is found", () => {
    const planted = structuredClone(org);
    const group = planted.resources.find((r) => r.type === "pulumiservice:index:PolicyGroup")!;
    group.inputs.stacks = (group.inputs.stacks as { name: string }[]).filter((s) => s.name !== "prod");
    expect(uncoveredStacks(planted, allStacks)).toEqual(["prod"]);
  });
});

describe("teams and tokens", () => {
  const permissions = () =>
    ofType(org, "pulumiservice:index:TeamStackPermission").map((p) => ({
      team: String(p.inputs.team),
      stack: String(p.inputs.stack),
      level: p.inputs.permission,
    }));

  it("give no team anything on the organisation stack (it holds every pool token)", () => {
    expect(permissions().filter((p) => p.stack === "organization")).toEqual([]);
  });

  it("hand a pull_request run only the ci-preview team's token, which can read no production stack", () => {
    const [issuer] = ofType(org, "pulumiservice:index:OidcIssuer");
    expect(issuer.inputs.url).toBe("https://token.actions.githubusercontent.com");
    const policies = issuer.inputs.policies as {
      rules: { sub: string; aud: string };
      teamName: string;
      decision: string;
    }[];
    expect(policies.map((p) => [p.decision, p.rules.sub, p.teamName])).toEqual([
      ["allow", "repo:qualisys/platform:pull_request", "ci-preview"],
      ["allow", "repo:qualisys/platform:ref:refs/heads/main", "main-preview"],
      ["allow", "repo:qualisys/platform:environment:production", "prod-deployers"],
    ]);
    for (const p of policies) expect(p.rules.aud).toBe("urn:pulumi:org:qualisys");
    const prodStacks = stacks.filter((s) => (readStackFile(s).config["qualisys:environment"] ?? s) === "prod");
    expect(prodStacks).toEqual(["prod"]);
    expect(permissions().filter((p) => p.team === "ci-preview" && prodStacks.includes(p.stack))).toEqual([]);
    // Only the approved production job may change prod.
    expect(permissions().filter((p) => prodStacks.includes(p.stack) && p.level === 102)).toEqual([
      { team: "prod-deployers", stack: "prod", level: 102 },
    ]);
  });

  it("let observers see every stack through a custom role that decrypts nothing", () => {
    const [role] = ofType(org, "pulumiservice:index:OrganizationRole");
    expect(role.inputs.permissions).toEqual({ __type: "PermissionDescriptorAllow", permissions: ["stack:read"] });
    const [assignment] = ofType(org, "pulumiservice:index:TeamRoleAssignment");
    expect(assignment.inputs).toMatchObject({ teamName: "observers", roleId: role.outputs.roleId });
  });

  it("docs/pulumi-cloud.md's table of what each team can decrypt per stack is the record's (UPDATE_DOCS=1 rewrites it)", () => {
    const level = new Map(permissions().map((p) => [`${p.team}/${p.stack}`, p.level === 102 ? "write" : "read"]));
    const observers = ofType(org, "pulumiservice:index:TeamRoleAssignment").map((a) => String(a.inputs.teamName));
    const cell = (team: string, stack: string) => {
      const access = level.get(`${team}/${stack}`) ?? (observers.includes(team) ? "observe" : "none");
      return `${access}: ${decrypts[access as keyof typeof decrypts]}`;
    };
    const all = [...shippedStacks, "organization"];
    const body = [
      `| Team (token from) | ${all.join(" | ")} | Why |`,
      `| --- | ${all.map(() => "---").join(" | ")} | --- |`,
      ...teams.map(
        (t) =>
          `| ${t.name} (${t.members.kind === "github" ? `GitHub \`${t.members.subject}\`` : "people"}) | ${all.map((s) => cell(t.name, s)).join(" | ")} | ${t.why} |`,
      ),
    ].join("\n");
    const { current, expected } = generatedSection(
      "docs/pulumi-cloud.md",
      "team-access",
      "tests/organization.test.ts",
      body,
    );
    expect(current).toEqual(expected);
  });
});

describe("a review stack (qualisys:expiresOn)", () => {
  // The repository's own configuration plus one review stack on dev's platform, run through the component itself.
  const reviewConfig = (): OrganizationStackConfig => {
    const review = {
      ...readStackFile("staging").config,
      "qualisys:expiresOn": "2099-01-31",
      "qualisys:platform": { stack: "dev" },
      "aws:defaultTags": { tags: { app: "qualisys", environment: "pr-42", "managed-by": "pulumi" } },
    };
    const files = [...stacks, "pr-42"].map((stack) => ({
      stack,
      ...engineConfig(stack === "pr-42" ? review : readStackFile(stack).config),
      errors: [],
    }));
    const config = parseOrganizationConfig(
      { project: "qualisys", stack: "organization", ...engineConfig(readStackFile("organization").config) },
      { files, policyPack: { directory: "policy", versionTag: "0.1.0" }, today: "2026-12-06" },
    );
    return { ...config, secrets: {} };
  };
  let run: StackRun;
  beforeAll(async () => {
    run = await runStack("organization", {
      program: async () => new Organization("organization", reviewConfig()).outputs,
    });
  });

  it("is created here, then expires on its day (TTL destroy, history kept), with no drift schedule", () => {
    expect(run.error).toBeUndefined();
    const [stack] = ofType(run, "pulumiservice:index:Stack");
    expect(stack.inputs).toMatchObject({ organizationName: "qualisys", projectName: "qualisys", stackName: "pr-42" });
    const [ttl] = ofType(run, "pulumiservice:index:TtlSchedule");
    expect(ttl.inputs).toMatchObject({ stack: "pr-42", timestamp: "2099-01-31T00:00:00Z", deleteAfterDestroy: false });
    expect(ofType(run, "pulumiservice:index:DriftSchedule").map((d) => d.inputs.stack)).not.toContain("pr-42");
    const settings = ofType(run, "pulumiservice:index:DeploymentSettings").find((s) => s.inputs.stack === "pr-42")!;
    expect(settings.dependencies).toContain(stack.urn);
    const pool = byName("pulumiservice:index:AgentPool", run).get("qualisys-dev-runner-pool")!;
    expect(settings.inputs.agentPoolId).toBe(pool.outputs.agentPoolId);
  });

  it("is covered by the policy group and previewed by pull requests; developers deploy it", () => {
    expect(uncoveredStacks(run, [...allStacks, "pr-42"])).toEqual([]);
    const review = ofType(run, "pulumiservice:index:TeamStackPermission")
      .filter((p) => p.inputs.stack === "pr-42")
      .map((p) => `${p.inputs.team}: ${p.inputs.permission}`);
    expect(review.sort()).toEqual(["ci-preview: 101", "developers: 102", "main-preview: 101"]);
  });

  it("its deploy role also serves the TTL's destroy, still never a preview", async () => {
    const identity = await runStack("pr-42", {
      config: {},
      program: async () => {
        new Identity("qualisys-pr-42", {
          account: { accountId: "123456789012", partition: "aws", region: "us-east-1" },
          prefix: "qualisys-pr-42",
          project: "qualisys",
          stack: "pr-42",
          isProduction: false,
          expires: true,
          githubRepository: "qualisys/platform",
          githubSubjects: ["environment:staging"],
          pulumiOrganization: "qualisys",
          createGithubOidcProvider: false,
          createPulumiOidcProvider: false,
          manageAccountPasswordPolicy: false,
          mfaMaxAgeSeconds: 3600,
          deploymentRunner: false,
          clusterName: "qualisys-dev",
          repositories: [],
          logGroupPrefixes: ["/qualisys/pr-42/"],
        });
      },
    });
    const deploy = accessModel(identity).roles.get("qualisys-pr-42-deploy")!;
    expect(trustedOperations(deploy, "qualisys", "qualisys", "pr-42")).toEqual([
      "update",
      "refresh",
      "destroy",
      "detect-drift",
      "remediate-drift",
    ]);
  });
});

it("the non-production account (dev, staging and this stack's share) stays under the seed's $500 a month; one interface endpoint in two AZs would not", async () => {
  const estimate = async (stack: string) => estimateCost((await runStack(stack)).resources, 0).total;
  const nonProduction = accountOf("dev");
  expect(accountOf("staging")).toBe(nonProduction);
  const share = estimateCost(
    org.resources.filter(
      (r) => providerOf(r) && JSON.parse(String(providerOf(r)!.inputs.allowedAccountIds))[0] === nonProduction,
    ),
    0,
  );
  expect(share.lines.map((l) => l.type).sort()).toEqual(["aws:kms/key:Key", "aws:secretsmanager/secret:Secret"]);
  const [dev, staging] = [await estimate("dev"), await estimate("staging")];
  const total = dev + staging + share.total;
  expect(total).toBeLessThan(500);
  const usd = (n: number) => `$${n.toFixed(2)}`;
  const { current, expected } = generatedSection(
    "docs/cost.md",
    "non-production-account",
    "tests/organization.test.ts",
    [
      "| Account " + nonProduction + " (monthly) | USD |",
      "| --- | --- |",
      `| dev | ${usd(dev)} |`,
      `| staging | ${usd(staging)} |`,
      `| organisation stack (${share.lines.map((l) => l.name).join(", ")}) | ${usd(share.total)} |`,
      `| **Total** (target $500) | **${usd(total)}** |`,
    ].join("\n"),
  );
  expect(current).toEqual(expected);
  const endpoint = estimateCost(
    [
      {
        ...org.resources[0],
        custom: true,
        urn: "urn:pulumi:dev::qualisys::aws:ec2/vpcEndpoint:VpcEndpoint::sts",
        type: "aws:ec2/vpcEndpoint:VpcEndpoint",
        name: "sts",
        inputs: { vpcEndpointType: "Interface", subnetIds: ["subnet-a", "subnet-b"] },
      },
    ],
    0,
  );
  expect(endpoint.total).toBeCloseTo(2 * 0.01 * 730, 6);
  expect(total + endpoint.total).toBeGreaterThan(500);
});
