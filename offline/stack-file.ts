/**
 * Reading a stack's `Pulumi.<stack>.yaml` for the offline run: the file's `config:` map as YAML values, or one
 * error naming the file (and each key) when it cannot be used. Loads no Pulumi SDK.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseStackFile } from "../config/stack-file";
import { stackNames } from "./stacks";

/** The repository root: where the stack files are. */
export const projectRoot = join(__dirname, "..");

export interface StackConfigFile {
  /** The `config:` map of Pulumi.<stack>.yaml, as YAML values. */
  config: Record<string, unknown>;
  /** Likely mistakes that do not stop the run (e.g. an unquoted 1.30 read as 1.3), naming the file and key. */
  warnings: string[];
}

/** Why a stack file cannot be used: missing, not YAML, or holding values no config can (names file and key). */
export class StackFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackFileError";
  }
}

/** What to say for a stack without a stack file: the ones there are, and how to make one. */
export function unknownStackMessage(stack: string, root = projectRoot): string {
  const known = stackNames(root);
  return [
    `No stack file Pulumi.${stack}.yaml. Stack files here: ${known.map((s) => `Pulumi.${s}.yaml`).join(", ") || "none"}.`,
    `To make a personal or review stack on dev's platform: npm run stack:new -- ${stack} (docs/shared-platform.md).`,
  ].join("\n");
}

/** Reads Pulumi.<stack>.yaml; throws a {@link StackFileError} naming the file (and key) when it cannot be used. */
export function readStackFile(stack: string, root = projectRoot): StackConfigFile {
  const file = `Pulumi.${stack}.yaml`;
  if (!existsSync(join(root, file))) throw new StackFileError(unknownStackMessage(stack, root));
  const { config, errors, warnings } = parseStackFile(readFileSync(join(root, file), "utf8"), file);
  if (errors.length > 0) {
    throw new StackFileError(
      `Invalid stack file ${file}, ${errors.length} problem${errors.length === 1 ? "" : "s"}; nothing was created:\n${errors.map((e) => `  - ${e}`).join("\n")}`,
    );
  }
  return { config, warnings };
}
