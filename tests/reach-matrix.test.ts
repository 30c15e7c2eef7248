/**
 * The reach matrix (issue 20 item 1, SPEC P4, P5, I4): every principal the application stacks create or trust
 * against every sensitive target, simulated from the records (./reach-world.ts) and held, cell by cell, to the
 * intended matrix written by hand (./reach-matrix.ts). A cell the simulation allows that the intended matrix denies
 * fails naming the principal, the target, the role it held and the statements that allowed it; a cell intended
 * allowed that the simulation denies fails too. docs/access.md's reach matrix is written by this test.
 */
import { organizationStacks, runStack, shippedStacks, type StackRun } from "../offline/run";
import { generatedSection } from "../tools/docs/generated";
import { intendedMatrix } from "./reach-matrix";
import {
  computeMatrix,
  makeWorld,
  principalsOf,
  targetId,
  targetsOf,
  type ComputedRow,
  type Principal,
  type Target,
  type World,
} from "./reach-world";

let world: World;
let principals: Principal[];
let targets: Target[];
let matrix: ComputedRow[];

beforeAll(async () => {
  const runs: Record<string, StackRun> = {};
  // The shipped stacks: the intended matrix is written for them (a personal stack file would add principals it
  // does not list; tests/personal-stacks.test.ts checks such stacks by what their own config implies).
  for (const stack of shippedStacks) runs[stack] = await runStack(stack);
  world = makeWorld(runs, await runStack(organizationStacks[0]));
  principals = principalsOf(world);
  targets = targetsOf(world);
  matrix = await computeMatrix(world, principals, targets);
});

/** Where a computed matrix differs from the intended one, one line per cell or held role. */
function differences(rows: ComputedRow[]): string[] {
  const found: string[] = [];
  for (const { principal, holds, cells } of rows) {
    const intended = intendedMatrix[principal.id];
    if (!intended) {
      found.push(`${principal.id}: no intended row (add it to tests/reach-matrix.ts)`);
      continue;
    }
    const held = holds.map((h) => h.role);
    for (const h of holds)
      if (!intended.holds.includes(h.role)) found.push(`${principal.id} holds ${h.role}, not intended: ${h.via}`);
    for (const role of intended.holds)
      if (!held.includes(role)) found.push(`${principal.id} cannot hold ${role}, intended to`);
    for (const [target, cell] of cells) {
      const allowed = intended.allowed.includes(target);
      if (cell.allowed && !allowed)
        found.push(`${principal.id} → ${target}: allowed, intended denied: ${cell.because}`);
      if (!cell.allowed && allowed) found.push(`${principal.id} → ${target}: denied, intended allowed`);
    }
  }
  return found;
}

it("the intended matrix has a row for every principal of the records, and no other", () => {
  expect(principals.length).toBeGreaterThan(40);
  expect(principals.map((p) => p.id).sort()).toEqual(Object.keys(intendedMatrix).sort());
});

it("the intended matrix names only targets of the records", () => {
  const ids = new Set(targets.map(targetId));
  expect(targets.length).toBeGreaterThan(20);
  expect(Object.values(intendedMatrix).flatMap((row) => row.allowed.filter((t) => !ids.has(t)))).toEqual([]);
});

it("every role of every stack is held by some principal (none is left out of the matrix)", () => {
  const held = new Set(matrix.flatMap((row) => row.holds.map((h) => h.role)));
  const roles = world.stacks.flatMap((s) => [...s.model.roles.keys()]);
  expect(roles.length).toBeGreaterThan(30);
  expect(roles.filter((r) => !held.has(r))).toEqual([]);
});

it("the simulated matrix is exactly the intended one (roles held and every cell)", () => {
  expect(differences(matrix)).toEqual([]);
});

describe("a widening planted into a copy of a record fails the matrix", () => {
  const role = (w: World, name: string) =>
    w.stacks.flatMap((s) => [...s.model.roles.values()]).find((r) => r.name === name)!;
  const rows = (w: World, ids: string[]) =>
    computeMatrix(
      w,
      principals.filter((p) => ids.includes(p.id)),
      targets,
    );

  it("dev's deploy role trusting the preview operation gives previews the non-production account", async () => {
    const w = structuredClone(world);
    const trust = role(w, "qualisys-dev-deploy").trust.Statement[0] as {
      Condition: { StringEquals: Record<string, string[]> };
    };
    trust.Condition.StringEquals["api.pulumi.com/oidc:sub"].push(
      "pulumi:deploy:org:qualisys:project:qualisys:stack:dev:operation:preview:scope:write",
    );
    const found = differences(await rows(w, ["dev: Pulumi Deployments preview"]));
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^dev: Pulumi Deployments preview holds qualisys-dev-deploy, not intended: trust PulumiDeploymentsOidc$/,
        ),
        expect.stringMatching(
          /^dev: Pulumi Deployments preview → iam write 123456789012: allowed, intended denied: as qualisys-dev-deploy .*AdministratorAccess/,
        ),
      ]),
    );
  });

  it("a pull_request subject on dev's CI role lets pull requests push images", async () => {
    const w = structuredClone(world);
    const trust = role(w, "qualisys-dev-cicd").trust.Statement[0] as {
      Condition: { StringEquals: Record<string, string[]> };
    };
    trust.Condition.StringEquals["token.actions.githubusercontent.com:sub"].push("repo:qualisys/platform:pull_request");
    expect(differences(await rows(w, ["github: pull_request"]))).toEqual([
      "github: pull_request holds qualisys-dev-cicd, not intended: trust GithubActionsOidc",
      expect.stringMatching(
        /^github: pull_request → ecr-push dev: allowed, intended denied: as qualisys-dev-cicd .*ecr:PutImage/,
      ),
    ]);
  });

  it("a developer role allowed secretsmanager:GetSecretValue on * reads its stack's secrets and the neighbour's", async () => {
    const w = structuredClone(world);
    role(w, "qualisys-dev-developer").policies.push({
      name: "planted",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Sid: "Planted", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }],
      },
    });
    expect(differences(await rows(w, ["dev: user in developer-users, MFA 5 min old"]))).toEqual([
      expect.stringMatching(
        /^dev: user in developer-users, MFA 5 min old → secrets dev: allowed, intended denied: as qualisys-dev-developer \(trust AssumeWithRecentMfa\): secretsmanager:GetSecretValue arn:aws:secretsmanager:us-east-1:123456789012:secret:qualisys-dev\/.*allowed by planted Planted$/,
      ),
      expect.stringMatching(/→ secrets staging: allowed, intended denied/),
      expect.stringMatching(/→ rds-master dev: allowed, intended denied/),
      expect.stringMatching(/→ rds-master staging: allowed, intended denied/),
      expect.stringMatching(/→ pool-token dev: allowed, intended denied/),
    ]);
  });

  it("an IRSA role allowed iam:PassRole on * can hand the deploy role to a new workload", async () => {
    const w = structuredClone(world);
    role(w, "qualisys-dev-cluster-autoscaler").policies.push({
      name: "planted",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Sid: "Planted", Effect: "Allow", Action: "iam:PassRole", Resource: "*" }],
      },
    });
    expect(differences(await rows(w, ["dev: service account kube-system:cluster-autoscaler"]))).toEqual([
      expect.stringMatching(
        /^dev: service account kube-system:cluster-autoscaler → iam write 123456789012: allowed, intended denied: as qualisys-dev-cluster-autoscaler \(trust ThisServiceAccountOnly\): iam:PassRole arn:aws:iam::123456789012:role\/qualisys-dev-deploy: allowed by planted Planted$/,
      ),
    ]);
  });
});

/** The matrix as docs/access.md shows it: one row per principal, per kind of target the stacks (or account) reached. */
function rendered(): string {
  const columns: [string, (t: Target) => boolean, (t: Target) => string][] = [
    ["Assumes admin role of", (t) => t.kind === "assume", (t) => (t.kind === "assume" ? `${t.stack} ${t.role}` : "")],
    ["IAM writes in", (t) => t.kind === "iam-write", (t) => (t.kind === "iam-write" ? accountName(t.account) : "")],
    ["Reads secrets of", (t) => t.kind === "secrets", stackOf],
    ["Decrypts with keys of", (t) => t.kind === "kms-decrypt", stackOf],
    ["RDS master secret of", (t) => t.kind === "rds-master", stackOf],
    ["EKS access entries of", (t) => t.kind === "eks-access", stackOf],
    ["Pushes images to", (t) => t.kind === "ecr-push", stackOf],
    ["Pool token of", (t) => t.kind === "pool-token", stackOf],
  ];
  const short = (role: string) => role.replace(/^qualisys-/, "");
  const lines = [
    `| Principal | Can hold | ${columns.map(([c]) => c).join(" | ")} |`,
    `| --- | --- | ${columns.map(() => "---").join(" | ")} |`,
  ];
  for (const row of matrix) {
    const cells = columns.map(([, is, label]) => {
      const reached = targets.filter((t) => is(t) && row.cells.get(targetId(t))!.allowed).map(label);
      return reached.length ? reached.join(", ") : "—";
    });
    const holds = row.holds.map((h) => short(h.role)).join(", ") || "nothing";
    lines.push(`| ${row.principal.id} | ${holds} | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}
const stackOf = (t: Target) => ("stack" in t ? t.stack : "");
const accountName = (account: string) =>
  world.stacks
    .filter((s) => s.account === account)
    .map((s) => s.stack)
    .join("+") + ` (${account})`;

it("docs/access.md's reach matrix is the simulated one (UPDATE_DOCS=1 rewrites it)", () => {
  const { current, expected } = generatedSection(
    "docs/access.md",
    "reach-matrix",
    "tests/reach-matrix.test.ts",
    rendered(),
  );
  expect(current).toEqual(expected);
});
