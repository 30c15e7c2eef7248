/**
 * What the organisation stack declares, as plain data (SPEC P2, P3, P5): one runner pool per platform, and per
 * application stack its Deployments settings and its schedule (drift detection for a long-lived stack, a TTL for one
 * that expires). Pure: the component (./index.ts) only turns this into resources, so the tests read the plan.
 */
import type { ApplicationStack, OrganizationConfig } from "../../config";
import { runnerNames } from "../deployment-runner/plan";
import { deploymentSettings } from "./settings";

/** A platform's agent pool and where its token is kept (the platform's own account). */
export interface PoolPlan {
  /** The platform stack (the one whose runner joins the pool). */
  platform: string;
  prefix: string;
  accountId: string;
  region: string;
  /** The role this stack assumes in that account to keep the token there. */
  roleArn: string;
  /** Stacks that run on this platform besides its own (their deployments use this pool). */
  tenants: string[];
  /**
   * Never deleted by a change of this stack: a pool a production stack or other stacks' deployments rely on is
   * protected (deleting it strands their deployments, and a new pool means a new token on the runner).
   */
  protect: boolean;
  names: ReturnType<typeof runnerNames>;
}

/** When a stack is looked at by itself: drift detection (long-lived) or its end (a review or personal stack). */
export type SchedulePlan =
  | {
      kind: "drift";
      cron: string;
      /** Never: drift is detected and reported; remediation is a reviewed `pulumi up` (SPEC P5). */
      autoRemediate: false;
    }
  | {
      kind: "ttl";
      /** ISO 8601, 00:00 UTC of the stack's `qualisys:expiresOn`. */
      timestamp: string;
      /** Keep the emptied stack and its history: it is deleted with its stack file (this stack then removes it). */
      deleteAfterDestroy: false;
    };

export interface StackPlan {
  stack: string;
  prefix: string;
  /** The platform whose pool runs its deployments (itself, or its host). */
  platform: string;
  /** The role Pulumi Deployments assumes through OIDC (`<prefix>-deploy` in the stack's account). */
  deployRoleArn: string;
  /** The settings, without the pool id (known once the pool exists). */
  settings: ReturnType<typeof deploymentSettings>;
  schedule: SchedulePlan;
  /**
   * Whether this stack creates the stack in Pulumi Cloud: a review or personal stack that expires is born here, so
   * its settings and TTL have a stack to attach to; a long-lived stack exists before (the bootstrap creates it) and is
   * never deleted by this stack.
   */
  createsStack: boolean;
}

export interface OrganizationPlan {
  pools: PoolPlan[];
  stacks: StackPlan[];
  /** Every stack the policy group enforces the pack on: each application stack and this one. */
  policyGroupStacks: string[];
}

const deployRoleArn = (s: ApplicationStack) => `arn:aws:iam::${s.accountId}:role/${s.prefix}-deploy`;

export function organizationPlan(config: OrganizationConfig): OrganizationPlan {
  const platforms = config.stacks.filter((s) => s.host === undefined);
  const pools = platforms.map((p): PoolPlan => {
    const tenants = config.stacks.filter((s) => s.host === p.stack).map((s) => s.stack);
    return {
      platform: p.stack,
      prefix: p.prefix,
      accountId: p.accountId,
      region: p.region,
      roleArn: config.accountRoles[p.accountId],
      tenants,
      protect: p.isProduction || tenants.length > 0,
      names: runnerNames(p.prefix),
    };
  });
  const stacks = config.stacks.map((s): StackPlan => {
    // The pool id is the pool's output; the component adds it.
    const settings: StackPlan["settings"] = deploymentSettings({
      organization: config.name,
      project: config.project,
      stack: s.stack,
      repository: config.githubRepository,
      region: s.region,
      deployRoleArn: deployRoleArn(s),
    });
    return {
      stack: s.stack,
      prefix: s.prefix,
      platform: s.host ?? s.stack,
      deployRoleArn: deployRoleArn(s),
      settings,
      schedule:
        s.lifetime.kind === "expires"
          ? { kind: "ttl", timestamp: `${s.lifetime.on}T00:00:00Z`, deleteAfterDestroy: false }
          : { kind: "drift", cron: config.driftSchedule, autoRemediate: false },
      createsStack: s.lifetime.kind === "expires",
    };
  });
  return { pools, stacks, policyGroupStacks: [...config.stacks.map((s) => s.stack), config.stack] };
}
