/**
 * Who can do what, asked of a policy simulator (@cloud-copilot/iam-simulate) instead of read off the documents'
 * shape. The principals come from a harness record: every role with its trust policy, its inline policies and its
 * attached managed policies (AWS-managed ones from their published contents, tests/fixtures/aws-managed-policies.json),
 * and every group with its inline policies.
 */
import { createValidatedPolicy, validateResourcePolicy, validateTrustPolicy } from "@cloud-copilot/iam-policy";
import { runSimulation, runUnsafeSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import managed from "./fixtures/aws-managed-policies.json";
import type { StackRun } from "../offline/run";
import { ofType } from "../offline/record";

export const ACCOUNT = "123456789012";
export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

type Document = { Version: string; Statement: unknown[] };
export interface RoleModel {
  name: string;
  arn: string;
  trust: Document;
  /** Inline and attached policies, each named as IAM names it. */
  policies: { name: string; policy: Document }[];
  /** Its permissions boundary (a stack hosted on another's platform), from the record's policy of that ARN. */
  boundary?: { name: string; policy: Document };
}

const managedByArn = new Map(
  Object.entries(managed.policies).map(([name, p]) => [p.arn, { name, policy: p.document as Document }]),
);

export interface AccessModel {
  roles: Map<string, RoleModel>;
  groups: Map<string, { name: string; policy: Document }[]>;
  /** Attached managed policies the fixture does not model (the add-ons' AWS-maintained policies). */
  unmodelled: string[];
}

export function accessModel(run: StackRun): AccessModel {
  const roles = new Map<string, RoleModel>();
  // A policy names its role by name, or by id when the role is auto-named (pulumi-eks's cluster service role).
  const byId = new Map<string, RoleModel>();
  for (const r of ofType(run, "aws:iam/role:Role")) {
    const name = String(r.inputs.name ?? r.outputs.name);
    const role: RoleModel = {
      name,
      // The record's ARN names the stack's own account (aws:allowedAccountIds).
      arn: typeof r.outputs.arn === "string" ? r.outputs.arn : `arn:aws:iam::${ACCOUNT}:role/${name}`,
      trust: JSON.parse(String(r.inputs.assumeRolePolicy)),
      policies: [],
    };
    roles.set(name, role);
    if (r.id) byId.set(r.id, role);
  }
  const roleOf = (ref: unknown): RoleModel => {
    const role = roles.get(String(ref)) ?? byId.get(String(ref));
    if (!role) throw new Error(`a policy names role ${String(ref)}, which is not in the record`);
    return role;
  };
  const managedPolicies = new Map(
    ofType(run, "aws:iam/policy:Policy").map((p) => [
      String(p.outputs.arn),
      { name: String(p.inputs.name), policy: JSON.parse(String(p.inputs.policy)) as Document },
    ]),
  );
  for (const r of ofType(run, "aws:iam/role:Role")) {
    if (r.inputs.permissionsBoundary === undefined) continue;
    const boundary = managedPolicies.get(String(r.inputs.permissionsBoundary));
    if (!boundary)
      throw new Error(`${r.name}'s permissions boundary ${r.inputs.permissionsBoundary} is not in the record`);
    roleOf(r.inputs.name ?? r.id).boundary = boundary;
  }
  const unmodelled: string[] = [];
  for (const p of ofType(run, "aws:iam/rolePolicy:RolePolicy"))
    roleOf(p.inputs.role).policies.push({ name: p.name, policy: JSON.parse(String(p.inputs.policy)) });
  for (const a of ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")) {
    const policy = managedByArn.get(String(a.inputs.policyArn));
    if (policy) roleOf(a.inputs.role).policies.push(policy);
    else unmodelled.push(`${a.inputs.role}: ${a.inputs.policyArn}`);
  }
  const groups = new Map<string, { name: string; policy: Document }[]>();
  for (const p of ofType(run, "aws:iam/groupPolicy:GroupPolicy")) {
    const list = groups.get(String(p.inputs.group)) ?? [];
    list.push({ name: p.name, policy: JSON.parse(String(p.inputs.policy)) });
    groups.set(String(p.inputs.group), list);
  }
  return { roles, groups, unmodelled };
}

export interface Request {
  /** Who asks: a role, user or OIDC provider ARN. */
  principal: string;
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

function decisionOf(result: Awaited<ReturnType<typeof runSimulation>>): Decision {
  if (result.resultType === "error")
    throw new Error(`simulation rejected the request: ${JSON.stringify(result.errors)}`);
  return result.overallResult as Decision;
}

/** A request by a role (or a user) under its identity policies, against a resource policy if there is one. */
export async function simulate(
  identityPolicies: { name: string; policy: Document }[],
  request: Request,
  resourcePolicy?: Document,
  permissionsBoundary?: { name: string; policy: Document },
): Promise<Decision> {
  const simulation: Simulation = {
    identityPolicies: identityPolicies as Simulation["identityPolicies"],
    ...(permissionsBoundary ? { permissionBoundaryPolicies: [permissionsBoundary] } : {}),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: resourcePolicy as Simulation["resourcePolicy"],
    request: {
      principal: request.principal,
      action: request.action,
      // A request for "*" (or an ARN without an account) is about the principal's own account.
      resource: {
        resource: request.resource,
        accountId: accountOfArn(request.resource, accountOfArn(request.principal)),
      },
      contextVariables: request.context ?? {},
    },
  };
  return decisionOf(await runSimulation(simulation, {}));
}

/** The account an ARN names (its fifth field), or `otherwise` when it names none (`*`, S3 buckets). */
export function accountOfArn(resource: string, otherwise = ACCOUNT): string {
  const account = resource.split(":")[4];
  return account && /^\d{12}$/.test(account) ? account : otherwise;
}

/**
 * A request by a role under its identity policies whose context keys the IAM catalogue lists only as a template
 * (`kms:EncryptionContext:${EncryptionContextKey}`): the validating entry point drops such keys (so a condition on
 * them can never match), the same engine without validation evaluates them.
 */
export function simulateTemplatedContext(
  identityPolicies: { name: string; policy: Document }[],
  request: Request,
  resourcePolicy?: Document,
  permissionsBoundary?: { name: string; policy: Document },
): Decision {
  // The engine takes a resource policy only validated and named (as the trust policy below).
  const validated =
    resourcePolicy && createValidatedPolicy(resourcePolicy, validateResourcePolicy, { name: "resource policy" });
  if (validated?.errors.length) throw new Error(`invalid resource policy: ${JSON.stringify(validated.errors)}`);
  return runUnsafeSimulation(
    {
      identityPolicies: identityPolicies as Simulation["identityPolicies"],
      ...(permissionsBoundary ? { permissionBoundaryPolicies: [permissionsBoundary] } : {}),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: validated as unknown as Simulation["resourcePolicy"],
      request: {
        principal: request.principal,
        action: request.action,
        resource: {
          resource: request.resource,
          accountId: accountOfArn(request.resource, accountOfArn(request.principal)),
        },
        contextVariables: request.context ?? {},
      },
    },
    {},
  ) as Decision;
}

/**
 * sts:AssumeRoleWithWebIdentity against a role's trust policy, with the token's claims as context. The validating
 * entry point keeps only the context keys the catalogue lists for the action, and an OIDC provider's claims
 * (`<issuer>:sub`, `<issuer>:aud`) are the provider's, not the catalogue's, so it would drop them; the same engine
 * without that filter evaluates them. The trust policy is validated as a trust policy first (and handed over
 * validated, with a name: the unvalidated path names nothing and fails on a matching statement).
 */
export function simulateWebIdentity(role: RoleModel, provider: string, claims: Record<string, string>): Decision {
  const trust = createValidatedPolicy(role.trust, validateTrustPolicy, { name: `${role.name} trust policy` });
  if (trust.errors.length) throw new Error(`${role.name}'s trust policy is invalid: ${JSON.stringify(trust.errors)}`);
  const result = runUnsafeSimulation(
    {
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: trust as unknown as Simulation["resourcePolicy"],
      request: {
        principal: provider,
        action: "sts:AssumeRoleWithWebIdentity",
        resource: { resource: role.arn, accountId: accountOfArn(role.arn) },
        contextVariables: claims,
      },
    },
    {},
  );
  return result as Decision;
}

/** A sample ARN of a catalogue resource type (`${Partition}` → aws, `${Account}` → ours, other variables named). */
export function sampleArn(template: string): string {
  return template
    .replace("${Partition}", "aws")
    .replace("${Region}", "us-east-1")
    .replace("${Account}", ACCOUNT)
    .replace(/\$\{([A-Za-z]+)\}/g, (_, v: string) => `sample-${v.toLowerCase()}`);
}
