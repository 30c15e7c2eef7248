/**
 * Which stacks the project has: any Pulumi.<stack>.yaml (personal and review stacks too), of two kinds: application
 * stacks (an environment) and the organisation stack (`qualisys:organization`, config/organization.ts). Kept apart
 * from run.ts so jest's global setup can list them without loading the Pulumi SDK.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { environments } from "../core/environments";
import { isOrganizationStackFile } from "../config/organization";
import { parseStackFile, stackNames } from "../config/stack-file";

export { stackNames } from "../config/stack-file";

/** The stacks this repository ships a Pulumi.<stack>.yaml for: one per environment, named for it. */
export const shippedStacks = environments;

/** Whether `stack`'s file is of the organisation kind (a file that cannot be read counts as an application stack). */
export function isOrganizationStack(stack: string, root = join(__dirname, "..")): boolean {
  const file = `Pulumi.${stack}.yaml`;
  try {
    return isOrganizationStackFile(parseStackFile(readFileSync(join(root, file), "utf8"), file).config);
  } catch {
    return false;
  }
}

/** Every stack file of the project, both kinds: what the preview accepts and jest's global setup records. */
export const allStacks: readonly string[] = stackNames();

/** The organisation stack(s): the Pulumi Cloud organisation as code (normally one, `organization`). */
export const organizationStacks: readonly string[] = allStacks.filter((stack) => isOrganizationStack(stack));

/** Every application stack (the shipped three and any other environment's stack file): what the program tests cover. */
export const stacks: readonly string[] = allStacks.filter((stack) => !organizationStacks.includes(stack));

/** The stack a stack file's config names as its platform's host (`qualisys:platform.stack`), if any. */
export function platformHost(config: Record<string, unknown>): string | undefined {
  const platform = config["qualisys:platform"];
  const host = typeof platform === "object" && platform !== null ? (platform as { stack?: unknown }).stack : undefined;
  return typeof host === "string" ? host : undefined;
}

/** The one AWS account a stack file's `aws:allowedAccountIds` names, if it names exactly one well-formed id. */
export function stackAccount(config: Record<string, unknown>): string | undefined {
  const ids = config["aws:allowedAccountIds"];
  return Array.isArray(ids) && ids.length === 1 && /^\d{12}$/.test(String(ids[0])) ? String(ids[0]) : undefined;
}

/** The account `stack` deploys into, as its stack file says (undefined: none, or no readable file). */
export function accountOf(stack: string, root = join(__dirname, "..")): string | undefined {
  const file = `Pulumi.${stack}.yaml`;
  try {
    return stackAccount(parseStackFile(readFileSync(join(root, file), "utf8"), file).config);
  } catch {
    return undefined;
  }
}

/** The host of `stack` as its stack file says (undefined: the stack has its own platform, or no readable file). */
export function hostOf(stack: string, root = join(__dirname, "..")): string | undefined {
  const file = `Pulumi.${stack}.yaml`;
  try {
    return platformHost(parseStackFile(readFileSync(join(root, file), "utf8"), file).config);
  } catch {
    return undefined;
  }
}

/** Stacks with a platform of their own (network, cluster, deployment runner): what the platform tests cover. */
export const platformStacks: readonly string[] = stacks.filter((stack) => hostOf(stack) === undefined);

/** Stacks that run on another stack's platform (`qualisys:platform`). */
export const hostedStacks: readonly string[] = stacks.filter((stack) => hostOf(stack) !== undefined);
