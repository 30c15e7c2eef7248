/**
 * Which stacks the project has: any Pulumi.<stack>.yaml (personal and review stacks too). Kept apart from run.ts so
 * jest's global setup can list them without loading the Pulumi SDK.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { environments } from "../core/environments";

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
