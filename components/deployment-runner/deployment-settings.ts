/**
 * The one declaration of a stack's `pulumiservice.DeploymentSettings` (arguments from ./settings.ts), used by the
 * stack's own runner and by a stack hosted on another's platform, which deploys through the host's pool.
 */
import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";
import { deploymentSettings, type SettingsInput } from "./settings";

export type DeploymentSettingsArgs = Omit<SettingsInput, "deployRoleArn" | "agentPoolId"> & {
  deployRoleArn: pulumi.Input<string>;
  agentPoolId: pulumi.Input<string>;
};

export function declareDeploymentSettings(
  name: string,
  args: DeploymentSettingsArgs,
  opts: pulumi.CustomResourceOptions,
): pulumiservice.DeploymentSettings {
  const settings = pulumi
    .all([args.deployRoleArn, args.agentPoolId])
    .apply(([deployRoleArn, agentPoolId]) => deploymentSettings({ ...args, deployRoleArn, agentPoolId }));
  return new pulumiservice.DeploymentSettings(
    name,
    {
      organization: args.organization,
      project: args.project,
      stack: args.stack,
      agentPoolId: settings.agentPoolId,
      sourceContext: settings.sourceContext,
      github: settings.github,
      operationContext: settings.operationContext,
    },
    opts,
  );
}
