/**
 * The reach matrix computed (docs/access.md, "Reach matrix"): every principal the application stacks create or trust,
 * against every sensitive target of every stack, decided by the IAM simulator from the records. A principal is how
 * someone or something signs in (an IAM user of a group with a fresh MFA, a GitHub or Pulumi Deployments OIDC token,
 * a Kubernetes service account's token, an AWS service); the trust policies of every role of every stack decide which
 * roles it gets, then which further roles those may assume (sts:AssumeRole: identity policy and trust), and the
 * permissions of every role it can end up holding decide each target. The intended matrix (./reach-matrix.ts) is
 * compared with this one cell by cell.
 *
 * Each stack's record is read in the account its stack file names (aws:allowedAccountIds): dev and staging share one,
 * prod has its own, so a prod principal asking for a dev resource is a cross-account request, which needs the
 * resource's own policy too.
 */
import { pulumiDeploymentsSubject, pulumiOperations, type PulumiOperation } from "../components/identity/policies";
import { mockAccountId } from "../offline/mocks";
import { ofType, type StackRun } from "../offline/record";
import { hostOf, readStackFile } from "../offline/run";
import {
  accessModel,
  simulate,
  simulateWebIdentity,
  type AccessModel,
  type Decision,
  type RoleModel,
} from "./access-model";

export const REPOSITORY = "qualisys/platform";
export const ORGANIZATION = "qualisys";
const PROJECT = "qualisys";
type Document = RoleModel["trust"];

/** The GitHub subjects a token of this repository can carry that matter here (pull requests, a branch, each environment). */
export const githubSubjects = [
  "pull_request",
  "ref:refs/heads/feature",
  "ref:refs/heads/main",
  "environment:dev",
  "environment:staging",
  "environment:production",
] as const;

/** How a principal signs in (the matrix's rows). */
export type Entry =
  /** An IAM user of the group, with an MFA `mfaAge` seconds old. */
  | { kind: "user"; stack: string; group: string; mfaAge: number }
  /** A GitHub Actions token of this repository with that subject (any account's provider accepts it). */
  | { kind: "github"; subject: string }
  /** A Pulumi Deployments token of this organisation, project and stack, for that operation. */
  | { kind: "pulumi"; stack: string; operation: PulumiOperation }
  /** A Kubernetes service account's projected token, from the cluster whose OIDC issuer trusts it. */
  | { kind: "service-account"; stack: string; issuer: string; subject: string }
  /** An AWS service acting with the role its trust names (EC2 instance profiles, EKS, VPC flow logs). */
  | { kind: "service"; stack: string; service: string; role: string };

export interface Principal {
  /** The row's name in the matrix: `<stack>: <who>` (GitHub tokens are not a stack's: `github: <subject>`). */
  id: string;
  entry: Entry;
}

/** The sensitive targets (the matrix's columns). Each is decided by one or more simulated requests. */
export type Target =
  | { kind: "assume"; stack: string; role: "deploy" | "devops" }
  | { kind: "iam-write"; account: string }
  | { kind: "secrets"; stack: string }
  | { kind: "kms-decrypt"; stack: string }
  | { kind: "rds-master"; stack: string }
  | { kind: "eks-access"; stack: string }
  | { kind: "ecr-push"; stack: string }
  | { kind: "pool-token"; stack: string };

export function targetId(t: Target): string {
  switch (t.kind) {
    case "assume":
      return `assume ${t.stack} ${t.role}`;
    case "iam-write":
      return `iam write ${t.account}`;
    default:
      return `${t.kind} ${t.stack}`;
  }
}

export interface World {
  /** The application stacks, each with its account and access model (read in that account). */
  stacks: { stack: string; account: string; run: StackRun; model: AccessModel; tags: Record<string, string> }[];
  /** The organisation stack's record (it keeps each platform's pool token in that platform's account). */
  organization: StackRun;
}

/**
 * A record as it reads in `account`: the offline mocks answer with one fixed account (offline/mocks.ts), so a stack
 * configured for another has its ARNs (and account-root principals) rewritten to its own. Identity for a record
 * already made in its own account.
 */
export function inAccount(run: StackRun, account: string): StackRun {
  if (account === mockAccountId) return run;
  const { error, ...rest } = run;
  return { ...(JSON.parse(JSON.stringify(rest).split(mockAccountId).join(account)) as StackRun), error };
}

/** The account a stack deploys into: its stack file's single aws:allowedAccountIds entry. */
export function accountOf(stack: string): string {
  const ids = readStackFile(stack).config["aws:allowedAccountIds"];
  if (!Array.isArray(ids) || ids.length !== 1 || !/^\d{12}$/.test(String(ids[0])))
    throw new Error(`Pulumi.${stack}.yaml: aws:allowedAccountIds must name exactly one account`);
  return String(ids[0]);
}

/** What AWS tags a stack's resources with (its aws:defaultTags), as the condition keys tag-based conditions read. */
function resourceTags(stack: string): Record<string, string> {
  const tags = (readStackFile(stack).config["aws:defaultTags"] as { tags?: Record<string, string> } | undefined)?.tags;
  return Object.fromEntries(Object.entries(tags ?? {}).map(([k, v]) => [`aws:ResourceTag/${k}`, String(v)]));
}

export function makeWorld(runs: Record<string, StackRun>, organization: StackRun): World {
  return {
    stacks: Object.entries(runs).map(([stack, run]) => {
      const account = accountOf(stack);
      const inOwn = inAccount(run, account);
      return { stack, account, run: inOwn, model: accessModel(inOwn), tags: resourceTags(stack) };
    }),
    organization,
  };
}

const roleSuffix = (role: string, stack: string) => role.replace(`qualisys-${stack}-`, "");

/** Every principal of the records: the rows. */
export function principalsOf(world: World): Principal[] {
  const rows: Principal[] = [];
  for (const { stack, model } of world.stacks) {
    for (const group of model.groups.keys())
      rows.push({
        id: `${stack}: user in ${roleSuffix(group, stack)}, MFA 5 min old`,
        entry: { kind: "user", stack, group, mfaAge: 300 },
      });
    for (const operation of pulumiOperations)
      rows.push({ id: `${stack}: Pulumi Deployments ${operation}`, entry: { kind: "pulumi", stack, operation } });
    for (const role of model.roles.values())
      for (const statement of role.trust.Statement as TrustStatement[]) {
        const service = statement.Principal?.Service;
        for (const s of service === undefined ? [] : [service].flat())
          rows.push({
            id: `${stack}: ${s} as ${roleSuffix(role.name, stack)}`,
            entry: { kind: "service", stack, service: s, role: role.name },
          });
        const federated = statement.Principal?.Federated;
        const subject = Object.entries(statement.Condition?.StringEquals ?? {}).find(([k]) => k.endsWith(":sub"));
        if (typeof federated === "string" && /oidc\.eks\./.test(federated) && subject)
          for (const sub of [subject[1]].flat())
            rows.push({
              id: `${stack}: ${sub.replace("system:serviceaccount:", "service account ")}`,
              entry: { kind: "service-account", stack, issuer: subject[0].replace(/:sub$/, ""), subject: sub },
            });
      }
  }
  for (const subject of githubSubjects) rows.push({ id: `github: ${subject}`, entry: { kind: "github", subject } });
  return rows;
}

interface TrustStatement {
  Principal?: { Service?: string | string[]; Federated?: string; AWS?: string | string[] };
  Condition?: { StringEquals?: Record<string, string | string[]> };
}

/** Every role of every stack, with the stack it belongs to. */
function allRoles(world: World): (RoleModel & { stack: string; account: string })[] {
  return world.stacks.flatMap(({ stack, account, model }) =>
    [...model.roles.values()].map((r) => ({ ...r, stack, account })),
  );
}

/** One step of how a principal comes to hold a role: the role and the statement of its trust that let it in. */
export interface Hold {
  role: string;
  /** How: `<previous role> → ` chain, then the trust statement (Sid or index) that allowed the step. */
  via: string;
}

/** The request context a principal's sessions carry (a user's MFA; nothing for tokens and services). */
function contextOf(entry: Entry): Record<string, string> {
  return entry.kind === "user"
    ? { "aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": String(entry.mfaAge) }
    : {};
}

/** The name of the trust statement that lets a request in (the first statement that alone allows it). */
function allowingStatement(policy: Document, allows: (statement: Document) => boolean): string {
  const statements = policy.Statement as { Sid?: string }[];
  const i = statements.findIndex((s) => allows({ ...policy, Statement: [s] }));
  return i < 0 ? "(no single statement)" : (statements[i].Sid ?? `statement ${i + 1}`);
}

/** The roles a principal can hold: those whose trust lets its entry in, then every role those may assume. */
export async function holdsOf(
  world: World,
  entry: Entry,
  chains: Map<string, Promise<{ role: string; trust: string }[]>> = new Map(),
): Promise<Hold[]> {
  const roles = allRoles(world);
  const held: Hold[] = [];
  const context = contextOf(entry);
  for (const role of roles) {
    const provider = (issuer: string) => `arn:aws:iam::${role.account}:oidc-provider/${issuer}`;
    const asked = (trust: Document): Decision => {
      const r = { ...role, trust };
      switch (entry.kind) {
        case "github":
          return simulateWebIdentity(r, provider("token.actions.githubusercontent.com"), {
            "token.actions.githubusercontent.com:sub": `repo:${REPOSITORY}:${entry.subject}`,
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
          });
        case "pulumi":
          return simulateWebIdentity(r, provider("api.pulumi.com/oidc"), {
            "api.pulumi.com/oidc:aud": ORGANIZATION,
            "api.pulumi.com/oidc:sub": pulumiDeploymentsSubject(ORGANIZATION, PROJECT, entry.stack, entry.operation),
          });
        case "service-account":
          return simulateWebIdentity(r, provider(entry.issuer), {
            [`${entry.issuer}:sub`]: entry.subject,
            [`${entry.issuer}:aud`]: "sts.amazonaws.com",
          });
        case "service":
          // The service acts for its own resources of the role's stack only (the records' trusts say so by
          // aws:SourceAccount/SourceArn where AWS supports it): the role its trust names, nothing else.
          return role.name === entry.role &&
            (trust.Statement as TrustStatement[]).some((s) => [s.Principal?.Service].flat().includes(entry.service))
            ? "Allowed"
            : "ImplicitlyDenied";
        case "user":
          return "ImplicitlyDenied";
      }
    };
    if (entry.kind === "user") {
      const owner = world.stacks.find((s) => s.stack === entry.stack)!;
      const user = `arn:aws:iam::${owner.account}:user/alice`;
      const groupPolicies = owner.model.groups.get(entry.group)!;
      const ask = (trust: Document) =>
        simulate(groupPolicies, { principal: user, action: "sts:AssumeRole", resource: role.arn, context }, trust);
      if ((await ask(role.trust)) === "Allowed") {
        const sid = await firstAllowing(role.trust, async (t) => (await ask(t)) === "Allowed");
        held.push({ role: role.name, via: `trust ${sid}` });
      }
    } else if (asked(role.trust) === "Allowed")
      held.push({ role: role.name, via: `trust ${allowingStatement(role.trust, (t) => asked(t) === "Allowed")}` });
  }
  // The chain: a held role's session assumes another role (its identity policy and the other's trust), carrying the
  // first session's context (a user's MFA: counting it keeps the chain's reach an upper bound).
  for (let i = 0; i < held.length; i++)
    for (const { role, trust } of await assumable(roles, held[i].role, context, chains))
      if (!held.some((h) => h.role === role))
        held.push({ role, via: `${held[i].via} → ${held[i].role} assumes it (trust ${trust})` });
  return held;
}

/** The roles a role's session (with `context`) may assume, and the trust statement that lets it; memoized. */
function assumable(
  roles: (RoleModel & { account: string })[],
  name: string,
  context: Record<string, string>,
  memo: Map<string, Promise<{ role: string; trust: string }[]>>,
): Promise<{ role: string; trust: string }[]> {
  const key = `${name}|${JSON.stringify(context)}`;
  if (!memo.has(key))
    memo.set(
      key,
      (async () => {
        const from = roles.find((r) => r.name === name)!;
        const found: { role: string; trust: string }[] = [];
        for (const to of roles) {
          if (to.name === name) continue;
          const ask = (trust: Document) =>
            simulate(
              from.policies,
              { principal: from.arn, action: "sts:AssumeRole", resource: to.arn, context },
              trust,
              from.boundary,
            );
          if ((await ask(to.trust)) === "Allowed")
            found.push({
              role: to.name,
              trust: await firstAllowing(to.trust, async (t) => (await ask(t)) === "Allowed"),
            });
        }
        return found;
      })(),
    );
  return memo.get(key)!;
}

async function firstAllowing(policy: Document, allows: (statement: Document) => Promise<boolean>): Promise<string> {
  const statements = policy.Statement as { Sid?: string }[];
  for (const [i, s] of statements.entries())
    if (await allows({ ...policy, Statement: [s] })) return s.Sid ?? `statement ${i + 1}`;
  return "(no single statement)";
}

/** Every target of the world's stacks: the columns. */
export function targetsOf(world: World): Target[] {
  const out: Target[] = [];
  for (const { stack } of world.stacks)
    for (const role of ["deploy", "devops"] as const) out.push({ kind: "assume", stack, role });
  for (const account of [...new Set(world.stacks.map((s) => s.account))]) out.push({ kind: "iam-write", account });
  for (const kind of ["secrets", "kms-decrypt", "rds-master"] as const)
    for (const { stack } of world.stacks) out.push({ kind, stack });
  // A tenant has no registry of its own (it pulls its host's): no column.
  for (const { stack, run } of world.stacks)
    if (ofType(run, "aws:ecr/repository:Repository").length) out.push({ kind: "ecr-push", stack });
  for (const { stack, run } of world.stacks)
    if (ofType(run, "aws:eks/cluster:Cluster").length) out.push({ kind: "eks-access", stack });
  for (const { stack } of world.stacks) if (hostOf(stack) === undefined) out.push({ kind: "pool-token", stack });
  return out;
}

/** One simulated request of a target. A target is reached when every request of one of its alternatives is allowed. */
interface Probe {
  action: string;
  resource: string;
  resourcePolicy?: Document;
  context?: Record<string, string>;
}

/** A role's decision on a target, and when allowed, the requests and the statements that allowed them. */
export interface Reach {
  allowed: boolean;
  because?: string;
}

const secretArn = (r: { outputs: Record<string, unknown> }) => String(r.outputs.arn);

/**
 * The ways to reach a target, each a list of requests that must all be allowed. Reading a secret takes two layers,
 * each shown on its own so that widening either fails: the secret's (secretsmanager:GetSecretValue, with its resource
 * policy: the `secrets`, `rds-master` and `pool-token` columns) and its key's (kms:Decrypt: the `kms-decrypt` column,
 * any of the stack's keys, called directly or through any service its key policy lets use it).
 */
function alternatives(world: World, target: Target, caller: string): Probe[][] {
  const own = (stack: string) => world.stacks.find((s) => s.stack === stack)!;
  const secretPolicy = (run: StackRun, arn: string): Document | undefined => {
    const p = ofType(run, "aws:secretsmanager/secretPolicy:SecretPolicy").find((s) => s.inputs.secretArn === arn);
    return p ? (JSON.parse(String(p.inputs.policy)) as Document) : undefined;
  };
  const tagsOf = (stack: string) => own(stack).tags;
  const readSecret = (run: StackRun, arn: string, context?: Record<string, string>): Probe[] => [
    { action: "secretsmanager:GetSecretValue", resource: arn, resourcePolicy: secretPolicy(run, arn), context },
  ];
  switch (target.kind) {
    case "assume":
      return [];
    case "iam-write": {
      const admin = world.stacks.find((s) => s.account === target.account)!;
      const role = (name: string) => `arn:aws:iam::${target.account}:role/${name}`;
      return [
        [{ action: "iam:CreateRole", resource: role("qualisys-probe") }],
        [{ action: "iam:CreateUser", resource: `arn:aws:iam::${target.account}:user/probe` }],
        [{ action: "iam:PutRolePolicy", resource: role(`qualisys-${admin.stack}-deploy`) }],
        [{ action: "iam:AttachRolePolicy", resource: role(`qualisys-${admin.stack}-deploy`) }],
        [{ action: "iam:UpdateAssumeRolePolicy", resource: role(`qualisys-${admin.stack}-deploy`) }],
        // Passing an administrator role to a new instance or pod is holding it.
        [{ action: "iam:PassRole", resource: role(`qualisys-${admin.stack}-deploy`) }],
      ];
    }
    case "secrets": {
      const { run } = own(target.stack);
      return ofType(run, "aws:secretsmanager/secret:Secret").map((s) =>
        readSecret(run, secretArn(s), tagsOf(target.stack)),
      );
    }
    case "rds-master": {
      const { run } = own(target.stack);
      return ofType(run, "aws:rds/instance:Instance").flatMap((db) =>
        // RDS tags the secret it manages with its instance's ARN.
        ((db.outputs.masterUserSecrets as { secretArn: string }[] | undefined) ?? []).map((m) =>
          readSecret(run, m.secretArn, {
            ...tagsOf(target.stack),
            "aws:ResourceTag/aws:rds:primaryDBInstanceArn": String(db.outputs.arn),
          }),
        ),
      );
    }
    case "kms-decrypt": {
      const { run } = own(target.stack);
      return ofType(run, "aws:kms/key:Key").flatMap((k) => {
        const policy = JSON.parse(String(k.inputs.policy)) as Document;
        const services = [...JSON.stringify(policy).matchAll(/"kms:ViaService":"([^"]+)"/g)].map((m) => m[1]);
        return [undefined, ...new Set(services)].map((service) => [
          {
            action: "kms:Decrypt",
            resource: String(k.outputs.arn),
            resourcePolicy: policy,
            context: {
              ...tagsOf(target.stack),
              "kms:CallerAccount": caller,
              ...(service ? { "kms:ViaService": service } : {}),
            },
          },
        ]);
      });
    }
    case "eks-access": {
      const { run, account } = own(target.stack);
      return ofType(run, "aws:eks/cluster:Cluster").flatMap((c) => [
        [{ action: "eks:CreateAccessEntry", resource: String(c.outputs.arn) }],
        [
          {
            action: "eks:AssociateAccessPolicy",
            resource: String(c.outputs.arn).replace(
              `:cluster/${String(c.outputs.name)}`,
              `:access-entry/${String(c.outputs.name)}/role/${account}/probe/0ac8b1d2-0000-4000-8000-000000000000`,
            ),
          },
        ],
      ]);
    }
    case "ecr-push": {
      const { run } = own(target.stack);
      const policies = ofType(run, "aws:ecr/repositoryPolicy:RepositoryPolicy");
      return ofType(run, "aws:ecr/repository:Repository").map((repo) => {
        const policy = policies.find((p) => p.inputs.repository === repo.inputs.name);
        return [
          {
            action: "ecr:PutImage",
            resource: String(repo.outputs.arn),
            resourcePolicy: policy ? (JSON.parse(String(policy.inputs.policy)) as Document) : undefined,
          },
        ];
      });
    }
    case "pool-token": {
      // The organisation stack keeps the platform's token in the platform's account (its provider for that account).
      const { account } = own(target.stack);
      const organization = inAccount(world.organization, account);
      const secret = ofType(organization, "aws:secretsmanager/secret:Secret").find(
        (s) => s.inputs.name === `pulumi-deployments/qualisys-${target.stack}/agent-pool-token`,
      );
      if (!secret) throw new Error(`the organisation stack keeps no pool token for ${target.stack}`);
      return [readSecret(organization, secretArn(secret))];
    }
  }
}

/** Whether `role` reaches `target` (any alternative whose every request is allowed), and which statements allowed it. */
export async function roleReaches(world: World, role: RoleModel & { account: string }, target: Target): Promise<Reach> {
  const decide = async (probe: Probe, policies: RoleModel["policies"], resourcePolicy?: Document) => {
    const request = { principal: role.arn, action: probe.action, resource: probe.resource, context: probe.context };
    return simulate(policies, request, resourcePolicy, role.boundary);
  };
  for (const alternative of alternatives(world, target, role.account)) {
    let all = true;
    for (const probe of alternative)
      if ((await decide(probe, role.policies, probe.resourcePolicy)) !== "Allowed") {
        all = false;
        break;
      }
    if (!all) continue;
    const why: string[] = [];
    for (const probe of alternative) why.push(`${probe.action} ${probe.resource}: ${await explain(probe)}`);
    return { allowed: true, because: why.join("; ") };
  }
  return { allowed: false };

  /** The statements that alone allow the request: of the role's policies (with the resource's), else the resource's. */
  async function explain(probe: Probe): Promise<string> {
    const found: string[] = [];
    for (const p of role.policies)
      for (const [i, s] of (p.policy.Statement as { Sid?: string }[]).entries())
        if (
          (await decide(probe, [{ name: p.name, policy: { ...p.policy, Statement: [s] } }], probe.resourcePolicy)) ===
          "Allowed"
        )
          found.push(`${p.name} ${s.Sid ?? `statement ${i + 1}`}`);
    if (found.length === 0 && probe.resourcePolicy)
      for (const [i, s] of (probe.resourcePolicy.Statement as { Sid?: string }[]).entries())
        if ((await decide(probe, [], { ...probe.resourcePolicy, Statement: [s] })) === "Allowed")
          found.push(`resource policy ${s.Sid ?? `statement ${i + 1}`}`);
    return found.length ? `allowed by ${found.join(", ")}` : "allowed only by several statements together";
  }
}

/** One cell: the principal's decision on a target, and when allowed, how (the held role, its chain, the statements). */
export interface Cell {
  allowed: boolean;
  because?: string;
}

/** The whole matrix: per principal, the roles it can hold and each target's cell. */
export interface ComputedRow {
  principal: Principal;
  holds: Hold[];
  cells: Map<string, Cell>;
}

export async function computeMatrix(world: World, principals: Principal[], targets: Target[]): Promise<ComputedRow[]> {
  const roles = new Map(allRoles(world).map((r) => [r.name, r]));
  // A role's reach is the same whoever holds it: simulate each (role, target) once.
  const memo = new Map<string, Promise<Reach>>();
  const reach = (role: string, target: Target) => {
    const key = `${role}|${targetId(target)}`;
    if (!memo.has(key)) memo.set(key, roleReaches(world, roles.get(role)!, target));
    return memo.get(key)!;
  };
  const chains = new Map<string, Promise<{ role: string; trust: string }[]>>();
  const rows: ComputedRow[] = [];
  for (const principal of principals) {
    const holds = await holdsOf(world, principal.entry, chains);
    const cells = new Map<string, Cell>();
    for (const target of targets) {
      let cell: Cell = { allowed: false };
      if (target.kind === "assume") {
        const name = `qualisys-${target.stack}-${target.role}`;
        const hold = holds.find((h) => h.role === name);
        if (hold) cell = { allowed: true, because: `holds ${name} (${hold.via})` };
      } else
        for (const hold of holds) {
          const r = await reach(hold.role, target);
          if (r.allowed) {
            cell = { allowed: true, because: `as ${hold.role} (${hold.via}): ${r.because}` };
            break;
          }
        }
      cells.set(targetId(target), cell);
    }
    rows.push({ principal, holds, cells });
  }
  return rows;
}
