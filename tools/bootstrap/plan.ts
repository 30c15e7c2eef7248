/**
 * The first deploy of a stack from an empty account (SPEC P3), as a plan: which `pulumi` commands run, in which
 * order, with which targets and temporary settings. Pure, so the tests read exactly what the CLI (./cli.ts) runs.
 *
 * Phase 1 runs from the operator's machine with administrator credentials and creates only what the runner
 * needs and nothing that talks to Kubernetes: identity (roles, OIDC providers), keys, the network and the runner
 * component (agent pool, token secret, instance role permissions, Auto Scaling group, Deployments settings).
 * Phase 2 hands the whole program to the runner inside the VPC through Pulumi Deployments, where the private EKS
 * endpoint is reachable. Nothing is widened: the API endpoint stays private throughout, so there is nothing to
 * close afterwards (the pack fails any stack that leaves it open to the internet).
 *
 * A stack on another's platform (`qualisys:platform`) has no network, cluster or runner to create: its host must be
 * deployed first (the plan checks its `platform` output), phase 1 creates its identity, keys, its access entries on
 * the host's cluster and its Deployments settings (naming the host's pool), and phase 2 hands the rest to the
 * host's runner the same way.
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
  "pulumiservice:index:DeploymentSettings",
] as const;

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
          ? `Phase 1: identity, keys, access to ${qualifiedHost}'s cluster and the Deployments settings, from this machine`
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

/** How a step reads in a terminal (arguments quoted when they hold shell metacharacters). */
export function describeStep(step: Step): string {
  if (step.manual) return `${step.title}\n    (by hand) ${step.manual}`;
  const quoted = (step.command ?? []).map((a) => (/[*\s$]/.test(a) ? `'${a}'` : a));
  return `${step.title}\n    $ ${quoted.join(" ")}`;
}
