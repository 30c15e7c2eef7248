/**
 * The first deploy of a stack from an empty account (SPEC P3), as a plan: which `pulumi` commands run, in which
 * order, with which targets and temporary settings. Pure, so the tests read exactly what the CLI (./cli.ts) runs.
 *
 * The organisation stack comes first (organizationBootstrapPlan): it creates the long-lived application stacks in
 * Pulumi Cloud, then the agent pools (each pool's token kept in its platform's AWS account), every stack's
 * Deployments settings and schedules, the teams, the GitHub OIDC issuer and the policy group, and enables the pack
 * on the organisation's default policy group, which Pulumi Cloud adds every new stack to. Only an organisation
 * administrator runs it, from this machine; it is never deployed by Deployments or CI.
 *
 * Then each application stack. Phase 1 runs from the operator's machine with administrator credentials and creates
 * only what the runner needs and nothing that talks to Kubernetes: identity (roles, OIDC providers), keys, the
 * network and the runner component (instance role permissions, Auto Scaling group; the runner reads the pool token
 * the organisation stack keeps). Phase 2 hands the whole program to the runner inside the VPC through Pulumi
 * Deployments, where the private EKS endpoint is reachable. Nothing is widened: the API endpoint stays private
 * throughout, so there is nothing to close afterwards (the pack fails any stack that leaves it open to the internet).
 *
 * A stack on another's platform (`qualisys:platform`) has no network, cluster or runner to create: its host must be
 * deployed first (the plan checks its `platform` output), phase 1 creates its identity, keys and its access entries
 * on the host's cluster, and phase 2 hands the rest to the host's runner the same way (its settings, naming the
 * host's pool, are the organisation stack's).
 */

/** Top-level components phase 1 creates: the runner's dependency closure (tests/bootstrap.test.ts proves it). */
export const runnerComponents = [
  "qualisys:identity:Identity",
  "qualisys:keys:EncryptionKeys",
  "qualisys:network:Network",
  "qualisys:deployment:DeploymentRunner",
] as const;

/** What phase 1 creates for a stack on another's platform: identity, keys, and the AWS and Pulumi Cloud parts of its environment. */
export const hostedComponents = ["qualisys:identity:Identity", "qualisys:keys:EncryptionKeys"] as const;
const hostedEnvironment = "qualisys:platform:HostedEnvironment";
/** Resource types inside the hosted environment that phase 1 creates: none of them talks to Kubernetes. */
export const hostedPhase1Types = [
  "aws:eks/accessEntry:AccessEntry",
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
] as const;

/** The organisation stack's own name (Pulumi.organization.yaml). */
export const organizationStack = "organization";

export interface BootstrapInput {
  /** Pulumi Cloud organisation (`qualisys:identity.pulumiOrganization`). */
  organization: string;
  /** Pulumi project (`name` in Pulumi.yaml). */
  project: string;
  stack: string;
  /** Production stacks hand off through the approved `production` workflow, never a direct deployment run. */
  isProduction: boolean;
  /** `cluster.endpointPublicAccessCidrs` of the stack file: the bootstrap refuses to run while it is widened. */
  endpointPublicAccessCidrs: string[];
  /** The stack whose platform this one runs on (`qualisys:platform.stack`), if any. */
  host?: string;
}

export interface Step {
  /** What the step does, for the operator. */
  title: string;
  /** The command and its arguments (no shell). Absent for a step the operator does elsewhere. */
  command?: string[];
  /** A step the operator does by hand (GitHub UI); the CLI prints it and stops. */
  manual?: string;
}

export interface BootstrapPlan {
  stack: string;
  /** Fully qualified stack name (`org/project/stack`). */
  qualifiedStack: string;
  /** URN globs of phase 1 (`**` spans child resources; the engine's target globbing). */
  targets: string[];
  /** Temporary widenings and how they are closed: none, by design. */
  temporarySettings: { key: string; value: string; closedBy: string }[];
  steps: Step[];
}

/** The glob that targets a top-level component and every resource declared under it. */
export const componentGlob = (stack: string, project: string, type: string) =>
  `urn:pulumi:${stack}::${project}::${type}**`;

export class BootstrapRefused extends Error {}

export function bootstrapPlan(input: BootstrapInput): BootstrapPlan {
  const { organization, project, stack } = input;
  if (input.endpointPublicAccessCidrs.length > 0)
    throw new BootstrapRefused(
      `Pulumi.${stack}.yaml sets qualisys:cluster.endpointPublicAccessCidrs (${input.endpointPublicAccessCidrs.join(", ")}): ` +
        "the bootstrap needs no public API endpoint; remove the key, then run it again",
    );
  const qualifiedStack = `${organization}/${project}/${stack}`;
  const qualifiedHost = input.host && `${organization}/${project}/${input.host}`;
  const targets = qualifiedHost
    ? [
        ...hostedComponents.map((type) => componentGlob(stack, project, type)),
        // The read of the host's outputs, which the program needs before anything else.
        `urn:pulumi:${stack}::${project}::pulumi:pulumi:StackReference::*`,
        // The environment component itself, then only its AWS and Pulumi Cloud children.
        `urn:pulumi:${stack}::${project}::${hostedEnvironment}::*`,
        ...hostedPhase1Types.map((type) => `urn:pulumi:${stack}::${project}::${hostedEnvironment}$${type}::*`),
      ]
    : runnerComponents.map((type) => componentGlob(stack, project, type));
  const handOff: Step = input.isProduction
    ? {
        title: "Phase 2: deploy the rest through the approved route",
        manual:
          "Run the `production` workflow (Actions → production → Run workflow) with the commit to deploy; after the " +
          "environment's reviewers approve, it runs the deployment on the runner pool.",
      }
    : {
        title: "Phase 2: hand the whole program to the runner (queued until the agent has registered)",
        command: ["pulumi", "deployment", "run", "update", "--stack", qualifiedStack],
      };
  return {
    stack,
    qualifiedStack,
    targets,
    temporarySettings: [],
    steps: [
      { title: "Check the Pulumi login", command: ["pulumi", "whoami", "--verbose"] },
      {
        title: `Check that the organisation stack is deployed and names ${stack} (its pool, settings and permissions)`,
        command: ["pulumi", "stack", "output", "stacks", "--stack", `${organization}/${project}/${organizationStack}`],
      },
      ...(qualifiedHost
        ? [
            {
              title: `Check that the host ${qualifiedHost} is deployed (this stack reads its platform output)`,
              command: ["pulumi", "stack", "output", "platform", "--stack", qualifiedHost],
            },
          ]
        : []),
      { title: "Select (or create) the stack", command: ["pulumi", "stack", "select", "--create", qualifiedStack] },
      {
        title: qualifiedHost
          ? `Phase 1: identity, keys and access to ${qualifiedHost}'s cluster, from this machine`
          : "Phase 1: identity, keys, network and the deployment runner, from this machine",
        command: [
          "pulumi",
          "up",
          "--stack",
          qualifiedStack,
          "--yes",
          // The pack from this repository checks what phase 1 creates (the runner's own policies included).
          "--policy-pack",
          "policy",
          ...targets.flatMap((t) => ["--target", t]),
        ],
      },
      handOff,
    ],
  };
}

export interface OrganizationBootstrapInput {
  /** Pulumi Cloud organisation (`qualisys:organization.name`). */
  organization: string;
  project: string;
  /** The organisation stack's name. */
  stack: string;
  /** Application stacks that exist for good (no `qualisys:expiresOn`): created before their settings are attached. */
  longLivedStacks: string[];
  /** The pack the organisation stack publishes: its name and version (policy/package.json). */
  policyPack: { name: string; versionTag: string };
}

/**
 * The organisation stack's deploy, first and whenever it changes (SPEC P2): only an organisation administrator runs
 * it. Review stacks are created by the stack itself (their settings and TTL need them); the long-lived stacks are
 * created here, idempotently, so the stack never owns (and can never delete) them. The pack is enabled on the
 * organisation's default policy group too: Pulumi Cloud adds every new stack to it, so a stack not yet in a stack file
 * (someone's `pulumi stack init`) is guarded until the policy group of this stack takes it over.
 */
export function organizationBootstrapPlan(input: OrganizationBootstrapInput): BootstrapPlan {
  const qualified = (stack: string) => `${input.organization}/${input.project}/${stack}`;
  const qualifiedStack = qualified(input.stack);
  return {
    stack: input.stack,
    qualifiedStack,
    targets: [],
    temporarySettings: [],
    steps: [
      {
        title: "Check the Pulumi login (an administrator of the organisation)",
        command: ["pulumi", "whoami", "--verbose"],
      },
      ...input.longLivedStacks.map((stack) => ({
        title: `Make sure ${qualified(stack)} exists (its settings attach to it; this stack never owns it)`,
        command: ["pulumi", "stack", "select", "--create", qualified(stack)],
      })),
      {
        title: "Select (or create) the organisation stack",
        command: ["pulumi", "stack", "select", "--create", qualifiedStack],
      },
      {
        title:
          "Deploy the organisation: pools and their tokens, settings, schedules, teams, the OIDC issuer, the policy group",
        command: ["pulumi", "up", "--stack", qualifiedStack, "--yes", "--policy-pack", "policy"],
      },
      {
        title: "Enable the pack on the organisation's default policy group (every new stack joins it)",
        command: [
          "pulumi",
          "policy",
          "enable",
          `${input.organization}/${input.policyPack.name}`,
          input.policyPack.versionTag,
        ],
      },
    ],
  };
}

/** How a step reads in a terminal (arguments quoted when they hold shell metacharacters). */
export function describeStep(step: Step): string {
  if (step.manual) return `${step.title}\n    (by hand) ${step.manual}`;
  const quoted = (step.command ?? []).map((a) => (/[*\s$]/.test(a) ? `'${a}'` : a));
  return `${step.title}\n    $ ${quoted.join(" ")}`;
}
