/**
 * The Pulumi Cloud organisation as code (SPEC P2, P3, P4, P5), the organisation stack's one component: an agent pool
 * per platform with its token kept in the platform's account, every application stack's Deployments settings and
 * schedule, the teams and their stack permissions, the GitHub OIDC issuer, and the policy group that enforces the pack
 * on every stack. Application stacks declare none of this and never read this stack (Stack Read on it would decrypt
 * every pool token); only organisation administrators deploy it (docs/pulumi-cloud.md).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { OrganizationStackConfig } from "../../config";
import { Access } from "./access";
import { Guardrails } from "./guardrails";
import { organizationPlan } from "./plan";
import { RunnerPool } from "./runner-pool";
import { StackDeployment } from "./stack-deployment";

/** The longest a GitHub workflow's Pulumi token lives: the production deploy job's 180-minute timeout. */
export const maxTokenSeconds = 3 * 60 * 60;

export class Organization extends pulumi.ComponentResource {
  /** Stack outputs: ids and names, never a token. */
  public readonly outputs: Record<string, unknown>;

  constructor(name: string, config: OrganizationStackConfig, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:organization:Organization", name, {}, opts);
    const parent = { parent: this };
    const plan = organizationPlan(config);
    const base = { organization: config.name, project: config.project };

    // One provider per platform account, pinned to it, through the role this stack assumes there.
    const providers = new Map<string, aws.Provider>();
    for (const pool of plan.pools)
      if (!providers.has(pool.accountId))
        providers.set(
          pool.accountId,
          new aws.Provider(
            `${name}-account-${pool.accountId}`,
            {
              region: pool.region as aws.Region,
              allowedAccountIds: [pool.accountId],
              assumeRoles: [{ roleArn: pool.roleArn, sessionName: `pulumi-${config.stack}` }],
            },
            parent,
          ),
        );
    const pools = Object.fromEntries(
      plan.pools.map((pool) => [
        pool.platform,
        new RunnerPool(pool.names.pool, { ...base, pool, provider: providers.get(pool.accountId)! }, parent),
      ]),
    );

    const created: Record<string, pulumi.Resource> = {};
    for (const stack of plan.stacks) {
      const deployment = new StackDeployment(
        stack.prefix,
        { ...base, plan: stack, agentPoolId: pools[stack.platform].agentPoolId },
        parent,
      );
      if (stack.createsStack) created[stack.stack] = deployment;
    }

    new Access(
      `${name}-access`,
      {
        ...base,
        repository: config.githubRepository,
        stacks: config.stacks,
        members: config.members,
        created,
        maxTokenSeconds,
      },
      parent,
    );
    new Guardrails(
      `${name}-guardrails`,
      {
        ...base,
        policyPack: config.policyPack,
        stacks: plan.policyGroupStacks,
        created: Object.values(created),
        slackWebhookUrl: config.secrets.slackWebhookUrl,
      },
      parent,
    );

    this.outputs = {
      agentPools: Object.fromEntries(
        Object.entries(pools).map(([platform, pool]) => [
          platform,
          { agentPoolId: pool.agentPoolId, tokenSecretName: pool.tokenSecretName },
        ]),
      ),
      stacks: plan.stacks.map((s) => s.stack),
      policyGroupStacks: plan.policyGroupStacks,
    };
    this.registerOutputs(this.outputs);
  }
}
