/**
 * What watches every stack (SPEC X4, P5): the policy pack published to Pulumi Cloud and a preventative policy group
 * that enforces it on every stack of the repository, this one included, so Deployments and anyone's `pulumi up` run
 * it, not only `pr-checks`; and, when a Slack webhook is configured, the organisation's drift notifications.
 */
import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";
import type { PolicyPackSource } from "../../config";

/** The pack's name as policy/index.ts publishes it (policy/policies.ts `packName`; a test holds the two together). */
export const guardrailsPackName = "qualisys-guardrails";

/** The one policy group of the repository's stacks. */
export const policyGroupName = "qualisys-stacks";

/** The drift events the organisation's webhook reports (the provider's `WebhookFilters`). */
export const driftEvents = ["drift_detected", "drift_detection_failed"] as const;

export interface GuardrailsArgs {
  organization: string;
  project: string;
  policyPack: PolicyPackSource;
  /** Every stack the group covers. */
  stacks: string[];
  /** Stacks created by this stack (review stacks): the group waits for them. */
  created: pulumi.Resource[];
  /** Slack incoming webhook for drift events, a secret; none: drift shows in Pulumi Cloud's Drift tab only. */
  slackWebhookUrl?: pulumi.Output<string>;
}

export class Guardrails extends pulumi.ComponentResource {
  constructor(name: string, args: GuardrailsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:organization:Guardrails", name, {}, opts);
    const pack = new pulumiservice.PolicyPack(
      `${name}-pack`,
      {
        organization: args.organization,
        name: guardrailsPackName,
        displayName: "qualisys guardrails",
        sourcePath: args.policyPack.directory,
        // Pulumi Cloud keeps each version immutable: a change to policy/ is published by bumping its version.
        versionTag: args.policyPack.versionTag,
      },
      { parent: this },
    );
    new pulumiservice.PolicyGroup(
      `${name}-group`,
      {
        organizationName: args.organization,
        name: policyGroupName,
        entityType: "stacks",
        mode: "preventative",
        policyPacks: [{ name: pack.name, versionTag: pack.versionTag }],
        stacks: args.stacks.map((stack) => ({ name: stack, routingProject: args.project })),
      },
      { parent: this, dependsOn: args.created },
    );
    if (args.slackWebhookUrl)
      new pulumiservice.Webhook(
        `${name}-drift-notifications`,
        {
          organizationName: args.organization,
          displayName: "Drift of any stack",
          active: true,
          format: "slack",
          payloadUrl: args.slackWebhookUrl,
          filters: [...driftEvents],
        },
        { parent: this },
      );
    this.registerOutputs({});
  }
}
