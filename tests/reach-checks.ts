/**
 * The checks behind SPEC P4's "planted widenings fail a test": each is a function of a record (or of the access
 * model the IAM simulator reads), so a test runs it on the real records (nothing found) and on a record with one
 * widening planted (exactly that found). The reach matrix reuses them.
 */
import { pulumiDeploymentsSubject, pulumiOperations, type PulumiOperation } from "../components/identity/policies";
import { ofType } from "../offline/record";
import type { StackRun } from "../offline/run";
import { SECRET } from "../offline/run";
import { ACCOUNT, accountOfArn, simulate, simulateWebIdentity, type AccessModel, type RoleModel } from "./access-model";

/** The OIDC providers of the account a role lives in (each stack's own: aws:allowedAccountIds). */
export const githubProvider = (account = ACCOUNT) =>
  `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`;
export const pulumiProvider = (account = ACCOUNT) => `arn:aws:iam::${account}:oidc-provider/api.pulumi.com/oidc`;

/** The Pulumi Deployments operations a role's trust accepts for one organisation, project and stack. */
export function trustedOperations(
  role: RoleModel,
  organization: string,
  project: string,
  stack: string,
): PulumiOperation[] {
  return pulumiOperations.filter(
    (operation) =>
      simulateWebIdentity(role, pulumiProvider(accountOfArn(role.arn)), {
        "api.pulumi.com/oidc:aud": organization,
        "api.pulumi.com/oidc:sub": pulumiDeploymentsSubject(organization, project, stack, operation),
      }) === "Allowed",
  );
}

/**
 * Actions that change something, one per kind of damage, that a role trusted by pull-request code must be refused:
 * permissions (IAM), compute, storage and data writes, secrets, images, cluster access, and assuming another role,
 * in the role's own account.
 */
export const writeProbes = (account: string): { action: string; resource: string }[] => [
  { action: "iam:CreateRole", resource: `arn:aws:iam::${account}:role/planted` },
  { action: "iam:AttachRolePolicy", resource: `arn:aws:iam::${account}:role/qualisys-dev-deploy` },
  { action: "ec2:RunInstances", resource: `arn:aws:ec2:us-east-1:${account}:instance/*` },
  { action: "s3:PutObject", resource: "arn:aws:s3:::any-bucket/key" },
  {
    action: "secretsmanager:PutSecretValue",
    resource: `arn:aws:secretsmanager:us-east-1:${account}:secret:any-AbCdEf`,
  },
  { action: "ecr:PutImage", resource: `arn:aws:ecr:us-east-1:${account}:repository/qualisys-api` },
  { action: "eks:CreateAccessEntry", resource: `arn:aws:eks:us-east-1:${account}:cluster/qualisys-dev` },
  { action: "sts:AssumeRole", resource: `arn:aws:iam::${account}:role/qualisys-dev-deploy` },
];

/** Roles a GitHub `pull_request` token of `repository` can assume that are allowed any write probe. */
export async function writeRolesTrustingPullRequests(model: AccessModel, repository: string): Promise<string[]> {
  const found: string[] = [];
  for (const role of model.roles.values()) {
    const trusted =
      simulateWebIdentity(role, githubProvider(accountOfArn(role.arn)), {
        "token.actions.githubusercontent.com:sub": `repo:${repository}:pull_request`,
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
      }) === "Allowed";
    if (!trusted) continue;
    for (const probe of writeProbes(accountOfArn(role.arn)))
      if ((await simulate(role.policies, { principal: role.arn, ...probe })) === "Allowed") {
        found.push(`${role.name}: ${probe.action}`);
        break;
      }
  }
  return found;
}

/** Roles the runner's instance role may assume (its identity policy and the target's trust, simulated). */
export async function rolesTheRunnerAssumes(model: AccessModel, runnerRole: string): Promise<string[]> {
  const runner = model.roles.get(runnerRole);
  if (!runner) throw new Error(`no role ${runnerRole} in the model`);
  const found: string[] = [];
  for (const target of model.roles.values()) {
    if (target.name === runnerRole) continue;
    const decision = await simulate(
      runner.policies,
      { principal: runner.arn, action: "sts:AssumeRole", resource: target.arn },
      target.trust as never,
    );
    if (decision === "Allowed") found.push(target.name);
  }
  return found;
}

/**
 * Where an application stack's record holds a deployment-runner pool or its token, even as a secret: a pool resource,
 * a secret version whose value is a pool's token, an output that names one, or the token itself in plain text (the
 * mocks' token shape).
 */
export function poolTokenExposures(run: StackRun): string[] {
  const found: string[] = [];
  for (const r of ofType(run, "pulumiservice:index:AgentPool")) found.push(`resource ${r.urn}`);
  for (const r of ofType(run, "aws:secretsmanager/secretVersion:SecretVersion"))
    if (JSON.stringify(r.inputs).includes("agentPool") || /runner-token/.test(r.name)) found.push(`secret ${r.urn}`);
  const paths = (value: unknown, path: string): string[] =>
    value !== null && typeof value === "object"
      ? Object.entries(value).flatMap(([k, v]) => paths(v, path ? `${path}.${k}` : k))
      : [path];
  for (const path of [...paths(run.outputs, ""), ...run.secretOutputs])
    if (/agentPool|poolToken|tokenValue/i.test(path)) found.push(`output ${path}`);
  if (/pul-[0-9a-f]{40}/.test(JSON.stringify(run))) found.push("a pool token in plain text");
  return [...new Set(found)];
}

/** Stacks (by name) the organisation stack's policy group does not enforce the pack on. */
export function uncoveredStacks(organization: StackRun, stacks: readonly string[]): string[] {
  const groups = ofType(organization, "pulumiservice:index:PolicyGroup").filter(
    (g) => g.inputs.mode === "preventative" && Array.isArray(g.inputs.policyPacks) && g.inputs.policyPacks.length > 0,
  );
  const covered = new Set(
    groups.flatMap((g) => (g.inputs.stacks as { name: string }[] | undefined)?.map((s) => s.name) ?? []),
  );
  return stacks.filter((s) => !covered.has(s));
}

export { SECRET };
