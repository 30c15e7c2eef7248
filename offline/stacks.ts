/**
 * Which stacks the project has: any Pulumi.<stack>.yaml (personal and review stacks too). Kept apart from run.ts so
 * jest's global setup can list them without loading the Pulumi SDK.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { environments } from "../core/environments";
import { parseStackFile } from "../config/stack-file";

/** The stacks this repository ships a Pulumi.<stack>.yaml for: one per environment, named for it. */
export const shippedStacks = environments;

/**
 * The stack names with a `Pulumi.<stack>.yaml` in `root` (personal and review stacks too): the shipped ones in
 * environment order, then the others sorted.
 */
export function stackNames(root = join(__dirname, "..")): string[] {
  const names = readdirSync(root)
    .map((file) => /^Pulumi\.([A-Za-z0-9_.-]+)\.yaml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined && !stack.endsWith(".deploy"));
  const shipped: readonly string[] = shippedStacks;
  return [...shipped.filter((s) => names.includes(s)), ...names.filter((s) => !shipped.includes(s)).sort()];
}

/** Every stack of the project (the shipped three and any other stack file): what the tests and the preview accept. */
export const stacks: readonly string[] = stackNames();

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
