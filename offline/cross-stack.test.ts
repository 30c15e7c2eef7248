/**
 * The cross-stack readiness check on the shipped stacks (no collision) and on planted ones: a second platform in
 * dev's account (a copy of Pulumi.dev.yaml: repositories, OIDC providers, password policy, account budget), a
 * namespace two stacks claim, a second tenant copied from Pulumi.staging.yaml, a tenant whose prefix covers
 * another stack's names; and `npm start` failing on a collision, naming both stack files.
 */
import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkCrossStack, crossStackFindings, physicalNames, placeOf, type StackPlace } from "./cross-stack";
import { projectRoot, readStackFile, runStack, type StackRun } from "./run";
import { preview } from "../tools/preview/preview";

const runs: Record<string, StackRun> = {};
const places: Record<string, StackPlace> = {};
beforeAll(async () => {
  for (const stack of ["dev", "staging", "prod"]) {
    runs[stack] = await runStack(stack);
    places[stack] = placeOf(stack)!;
  }
});
const claimsOf = (stack: string, run = runs[stack], place = places[stack]) => physicalNames(run, place);

it("finds no collision between the shipped stacks, and compares stacks of one account and region only", async () => {
  const claims = ["dev", "staging", "prod"].flatMap((s) => claimsOf(s));
  expect(claims.length).toBeGreaterThan(300);
  expect(crossStackFindings(claims, Object.values(places))).toEqual([]);
  // Against the shipped stack files alone (a personal stack file in the project would be compared too).
  const root = mkdtempSync(join(tmpdir(), "cross-stack-shipped-"));
  try {
    for (const name of ["Pulumi.yaml", ...["dev", "staging", "prod", "organization"].map((s) => `Pulumi.${s}.yaml`)])
      copyFileSync(join(projectRoot, name), join(root, name));
    const staging = await checkCrossStack("staging", runs.staging, { root });
    expect(staging).toMatchObject({ compared: ["dev"], blocking: 0, passed: true });
    expect((await checkCrossStack("prod", runs.prod, { root })).compared).toEqual([]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

it("claims every kind of name the issue lists, in the scope AWS or Kubernetes makes it unique", () => {
  const kinds = new Set(claimsOf("dev").map((c) => `${c.kind} @ ${c.scope.replace(/\d{12}/, "<account>")}`));
  for (const kind of [
    "ECR repository @ account <account> us-east-1",
    "IAM role @ account <account>",
    "CloudWatch log group @ account <account> us-east-1",
    "Secrets Manager secret @ account <account> us-east-1",
    "KMS alias @ account <account> us-east-1",
    "account-wide budget (counts the whole account) @ account <account>",
    "RDS instance @ account <account> us-east-1",
    "ElastiCache replication group @ account <account> us-east-1",
    "IAM OIDC provider (one per issuer URL) @ account <account>",
    "account password policy (one per account) @ account <account>",
    "Namespace (core) @ cluster qualisys-dev",
    "ClusterRole (rbac.authorization.k8s.io) @ cluster qualisys-dev",
  ])
    expect([kind, kinds.has(kind)]).toEqual([kind, true]);
  // A tenant's Kubernetes objects land on its host's cluster.
  expect(
    claimsOf("staging")
      .filter((c) => c.kind === "Namespace (core)")
      .map((c) => [c.scope, c.name]),
  ).toEqual([
    ["cluster qualisys-dev", "staging"],
    ["cluster qualisys-dev", "staging-db-bootstrap"],
    ["cluster qualisys-dev", "staging-secrets"],
  ]);
});

it("catches a second platform in dev's account: its repositories and dev's account-wide singletons, naming both files", async () => {
  const copy = await runStack("dev-alice", { config: structuredClone(readStackFile("dev").config) });
  expect(copy.error).toBeUndefined();
  const alice = { ...places.dev, stack: "dev-alice", prefix: "qualisys-dev-alice" };
  const findings = crossStackFindings([...claimsOf("dev"), ...physicalNames(copy, alice)], [places.dev, alice]);
  const about = (text: string) => findings.filter((f) => f.message.includes(text));
  for (const text of [
    "ECR repository qualisys-api",
    "IAM OIDC provider (one per issuer URL) https://token.actions.githubusercontent.com",
    "account password policy",
    "account-wide budget",
  ]) {
    expect([text, about(text).length]).toEqual([text, 1]);
    expect(about(text)[0].message).toMatch(
      /claimed by dev \(Pulumi\.dev\.yaml, .*\) and dev-alice \(Pulumi\.dev-alice\.yaml, .*\)/,
    );
  }
  // Its own cluster and VPC name nothing of dev's: what collides is exactly the account's.
  expect(findings.every((f) => f.stacks.includes("dev") && f.stacks.includes("dev-alice"))).toBe(true);
});

it("catches a namespace two stacks claim on one cluster (a host listing its tenant's namespace as its own)", () => {
  const dev = structuredClone(runs.dev);
  const namespace = dev.resources.find(
    (r) => r.inputs.kind === "Namespace" && (r.inputs.metadata as any).name === "dev",
  )!;
  dev.resources.push({ ...namespace, name: "planted", inputs: { ...namespace.inputs, metadata: { name: "staging" } } });
  const findings = crossStackFindings([...claimsOf("dev", dev), ...claimsOf("staging")], [places.dev, places.staging]);
  expect(findings.map((f) => f.message)).toEqual([
    expect.stringMatching(
      /^Namespace \(core\) staging in cluster qualisys-dev is claimed by dev \(Pulumi\.dev\.yaml, planted\) and staging \(Pulumi\.staging\.yaml, .*\)/,
    ),
  ]);
});

it("catches a second tenant copied from Pulumi.staging.yaml (same environment tag) and a tenant whose prefix covers another stack's", () => {
  const copy = { ...places.staging, stack: "staging2", prefix: "qualisys-staging2" };
  expect(crossStackFindings([], [places.dev, places.staging, copy]).map((f) => f.message)).toEqual([
    expect.stringMatching(
      /^staging \(Pulumi\.staging\.yaml\) and staging2 \(Pulumi\.staging2\.yaml\) both tag their resources environment=staging/,
    ),
  ]);
  const nested = {
    ...places.staging,
    stack: "staging-eu",
    prefix: "qualisys-staging-eu",
    environmentTag: "staging-eu",
  };
  expect(crossStackFindings([], [places.staging, nested]).map((f) => f.message)).toEqual([
    expect.stringMatching(
      /^staging \(Pulumi\.staging\.yaml\) is a tenant whose permissions boundary allows qualisys-staging-\*/,
    ),
  ]);
});

describe("stack files the check cannot compare", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "qualisys-cross-stack-"));
    copyFileSync(join(projectRoot, "Pulumi.prod.yaml"), join(dir, "Pulumi.prod.yaml"));
    writeFileSync(
      join(dir, "Pulumi.organization.yaml"),
      'config:\n  qualisys:organization:\n    platformAccounts: ["210987654321"]\n',
    );
    writeFileSync(join(dir, "Pulumi.organization-other.yaml"), "config:\n  qualisys:organization: {}\n");
    writeFileSync(join(dir, "Pulumi.scratch.yaml"), "config:\n  aws:region: us-east-1\n");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("are skipped with the reason: a file naming no account; an organisation stack whose program fails, or that names nothing in the account", async () => {
    const report = await checkCrossStack("prod", runs.prod, { root: dir });
    expect(report.skipped).toEqual([
      { stack: "scratch", reason: "its stack file names no single account and region" },
      {
        stack: "organization",
        reason: expect.stringMatching(/^the organisation stack, whose program fails \(Invalid configuration/),
      },
      { stack: "organization-other", reason: "the organisation stack names nothing in account 210987654321" },
    ]);
    expect(report.passed).toBe(true);
  });
});

it("npm start fails on a collision, naming both stacks and the resource", async () => {
  const out = mkdtempSync(join(tmpdir(), "qualisys-cross-stack-out-"));
  const config = structuredClone(readStackFile("dev").config) as Record<string, any>;
  config["qualisys:cluster"] = { ...config["qualisys:cluster"], namespaces: ["dev", "staging"] };
  const lines: string[] = [];
  try {
    const code = await preview("dev", {
      outDir: out,
      run: { config },
      log: (l) => lines.push(l),
      error: (l) => lines.push(l),
    });
    expect(code).toBe(1);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const text = lines.join("\n");
  expect(text).toMatch(/Cross-stack: FAIL — \d+ blocking/);
  expect(text).toMatch(
    /Namespace \(core\) staging in cluster qualisys-dev is claimed by dev \(Pulumi\.dev\.yaml, .*\) and staging \(Pulumi\.staging\.yaml/,
  );
  expect(text).toMatch(/FAILED: .*blocking cross-stack finding/);
});

it("places a resource in the account and region its explicit AWS provider names (how the organisation stack writes into a platform's account)", () => {
  const base = runs.dev.resources.find((r) => r.type === "aws:secretsmanager/secret:Secret")!;
  const provider = {
    ...base,
    urn: "urn:pulumi:organization::qualisys::pulumi:providers:aws::prod-account",
    type: "pulumi:providers:aws",
    name: "prod-account",
    inputs: { allowedAccountIds: '["210987654321"]', region: "eu-west-1" },
  };
  const secret = {
    ...base,
    name: "pool-token",
    provider: `${provider.urn}::0a1b`,
    inputs: { name: "qualisys-prod/runner/pool-token" },
  };
  const claims = physicalNames(
    { stack: "organization", resources: [provider, secret], outputs: {}, secretOutputs: [] },
    { stack: "organization" },
  );
  expect(claims).toEqual([
    {
      scope: "account 210987654321 eu-west-1",
      kind: "Secrets Manager secret",
      name: "qualisys-prod/runner/pool-token",
      stack: "organization",
      resource: "pool-token",
    },
  ]);
});
