/**
 * One application stack's life in Pulumi Cloud (SPEC P2, P5): its Deployments settings (on its platform's pool, with
 * its deploy role through Pulumi OIDC), and its schedule: drift detection for a long-lived stack, or the TTL that
 * destroys a review stack on its expiry day (the stack itself created here, so the TTL has something to attach to).
 */
import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";
import type { StackPlan } from "./plan";

export interface StackDeploymentArgs {
  organization: string;
  project: string;
  plan: StackPlan;
  /** The pool of the stack's platform. */
  agentPoolId: pulumi.Input<string>;
}

export class StackDeployment extends pulumi.ComponentResource {
  constructor(name: string, args: StackDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:organization:StackDeployment", name, {}, opts);
    const { plan } = args;
    const ids = { organization: args.organization, project: args.project, stack: plan.stack };
    const stack = plan.createsStack
      ? new pulumiservice.Stack(
          `${name}-stack`,
          {
            organizationName: args.organization,
            projectName: args.project,
            stackName: plan.stack,
            forceDestroy: false,
          },
          { parent: this },
        )
      : undefined;
    const after = { parent: this, dependsOn: stack ? [stack] : [] };

    // Moved here from the stack's own state (`pulumi state move`, docs/deploying.md): one settings object per stack,
    // so it must be moved, never recreated (a create here and a delete there would leave the stack without any).
    const settings = new pulumiservice.DeploymentSettings(
      `${plan.prefix}-runner-settings`,
      // On its platform's runner in the VPC: the EKS endpoint is private, Pulumi's hosted runners cannot reach it.
      { ...plan.settings, agentPoolId: args.agentPoolId },
      { ...after, aliases: [{ parent: pulumi.rootStackResource }] },
    );
    // A schedule runs a deployment, which needs the settings first.
    const scheduled = { parent: this, dependsOn: [settings] };

    if (plan.schedule.kind === "drift")
      new pulumiservice.DriftSchedule(
        `${name}-drift`,
        { ...ids, scheduleCron: plan.schedule.cron, autoRemediate: plan.schedule.autoRemediate },
        scheduled,
      );
    else
      new pulumiservice.TtlSchedule(
        `${name}-ttl`,
        { ...ids, timestamp: plan.schedule.timestamp, deleteAfterDestroy: plan.schedule.deleteAfterDestroy },
        scheduled,
      );
    this.registerOutputs({});
  }
}
