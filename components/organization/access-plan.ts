/**
 * Who may do what in Pulumi Cloud (SPEC P4), as data: the teams, what each may do on each stack, which GitHub
 * workflow runs get which team's token, and the custom role for those who must see stacks without decrypting them.
 * Pure: ./access.ts declares it, the tests and docs/pulumi-cloud.md read it.
 *
 * What a permission lets a member decrypt. Pulumi's stack permissions (https://www.pulumi.com/docs/pulumi-cloud/
 * access-management/stack-permissions/ and .../rbac/scopes/stacks/, read 2026-12-06): Stack Read grants
 * `stack:read`, `stack:decrypt`, `stack:encrypt` and `stack:export`, and "allows running previews"; Stack Write adds
 * updating, destroying and importing. A preview needs decrypt and export: the CLI's cloud backend builds a preview's
 * target from the exported checkpoint and decrypts its secrets (pulumi/pulumi, pkg/backend/httpstate/backend.go,
 * `getSnapshot` → `exportDeployment` + `DeserializeUntypedDeployment` with the stack's secrets provider). So no role
 * can let a team preview a stack without letting it decrypt that stack's state: where a team needs less (to watch a
 * stack's history), the custom role `stack-observer` grants `stack:read` alone.
 */
import type { ApplicationStack } from "../../config";

/** What a team may do on one stack. `read` and `write` decrypt the stack's secrets; `observe` does not. */
export type StackAccess = "none" | "observe" | "read" | "write";

/** How a team's members get a token: people signed in to Pulumi Cloud, or a GitHub Actions OIDC subject. */
export type TeamMembers =
  | { kind: "people"; list: "developers" | "observers" }
  | { kind: "github"; subject: "pull_request" | "ref:refs/heads/main" | "environment:production" };

export interface TeamSpec {
  name: string;
  displayName: string;
  description: string;
  members: TeamMembers;
  /** What the team may do on an application stack; the organisation stack gives no team anything. */
  access: (stack: ApplicationStack) => StackAccess;
  /** Why, in one line (docs/pulumi-cloud.md). */
  why: string;
}

const nonProduction = (s: ApplicationStack) => !s.isProduction;

export const teams: TeamSpec[] = [
  {
    name: "developers",
    displayName: "Developers",
    description: "Deploy dev and review stacks; read staging; nothing on prod",
    members: { kind: "people", list: "developers" },
    access: (s) =>
      s.isProduction
        ? "none"
        : s.environment === "dev" || s.lifetime.kind === "expires"
          ? "write"
          : s.environment === "staging"
            ? "read"
            : "none",
    why: "SPEC I1: developers deploy to dev (and their review stacks); staging is deployed by merges, prod by the approved workflow",
  },
  {
    name: "observers",
    displayName: "Observers",
    description: "See every stack's configuration and details; decrypt nothing (custom role stack-observer)",
    members: { kind: "people", list: "observers" },
    access: () => "observe",
    why: "follow deployments and drift (prod included) without the right to decrypt any state",
  },
  {
    name: "ci-preview",
    displayName: "CI: pull-request previews",
    description: "GitHub Actions pull_request runs of the repository: preview non-production stacks",
    members: { kind: "github", subject: "pull_request" },
    access: (s) => (nonProduction(s) ? "read" : "none"),
    why: "pr-checks previews dev, staging and review stacks; prod only offline (its state holds what PR code must not read)",
  },
  {
    name: "main-preview",
    displayName: "CI: main branch",
    description: "GitHub Actions runs on main (reviewed code): preview every stack, follow staging's deployments",
    members: { kind: "github", subject: "ref:refs/heads/main" },
    access: () => "read",
    why: "prod is previewed in the cloud only by reviewed code; the staging workflow follows its deployment and reads its outputs",
  },
  {
    name: "prod-deployers",
    displayName: "CI: production deploys",
    description: "The production workflow's approved job (GitHub Environment production): run prod's deployments",
    members: { kind: "github", subject: "environment:production" },
    access: (s) => (s.isProduction ? "write" : "none"),
    why: "a prod deployment starts only after the production environment's required reviewers approve (GitHub)",
  },
];

/** Pulumi's built-in stack permission levels (the provider's `TeamStackPermissionScope`: 101 read, 102 write). */
export const stackPermissionLevel = { read: 101, write: 102 } as const;

/** Every team's built-in permission on every application stack (observers hold theirs through a role). */
export function stackPermissions(
  stacks: ApplicationStack[],
): { team: string; stack: string; access: "read" | "write" }[] {
  return teams.flatMap((team) =>
    stacks.flatMap((s) => {
      const access = team.access(s);
      return access === "read" || access === "write" ? [{ team: team.name, stack: s.stack, access }] : [];
    }),
  );
}

/** The custom organisation role of the observers: `stack:read` on every stack, nothing that decrypts or exports. */
export const observerRole = {
  name: "stack-observer",
  description: "Configuration and details of every stack (stack:read); no decrypt, no export, no changes",
  scopes: ["stack:read"],
};

/**
 * The role's permission descriptor in Pulumi Cloud's wire grammar (a `PermissionDescriptorAllow` of the scopes, as
 * provider 1.3.0's `buildAllowPermissions` builds it: provider/pkg/functions/role_permissions.go).
 */
export function allowDescriptor(scopes: string[]) {
  return { __type: "PermissionDescriptorAllow", permissions: scopes };
}

/** GitHub Actions' OIDC issuer, as Pulumi Cloud's OIDC issuer registration names it. */
export const githubIssuerUrl = "https://token.actions.githubusercontent.com";

/**
 * The authorisation policies of the GitHub issuer: each GitHub subject of this repository may exchange its OIDC
 * token for its one team's token, and nothing else (a subject no policy names gets no token). The audience is the
 * one pulumi/auth-actions requests, `urn:pulumi:org:<org>` (the provider's own example, examples/ts-oidc-issuer).
 */
export function githubIssuerPolicies(organization: string, repository: string) {
  return teams.flatMap((team) =>
    team.members.kind === "github"
      ? [
          {
            decision: "allow" as const,
            tokenType: "team" as const,
            teamName: team.name,
            rules: { aud: `urn:pulumi:org:${organization}`, sub: `repo:${repository}:${team.members.subject}` },
          },
        ]
      : [],
  );
}

/** What a level lets a team do with a stack's secrets, for the docs. */
export const decrypts: Record<StackAccess, string> = {
  none: "nothing",
  observe: "nothing (`stack:read` alone: configuration and details; no decrypt, no export)",
  read: "the whole state and secret config (preview needs it)",
  write: "the whole state and secret config, and deploys",
};
