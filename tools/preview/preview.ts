/**
 * The offline preview: run the program for a stack under Pulumi's mock runtime with the stack's real config,
 * print the report and write the record under out/<stack>/. Returns the process exit code.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runStack, type RunOptions } from "../../tests/harness";
import { formatInventory, inventory } from "./inventory";

export interface PreviewOptions {
  /** Where out/<stack>/ goes. */
  outDir: string;
  /** Passed to the harness (tests use it to feed a broken config). */
  run?: RunOptions;
  log?: (line: string) => void;
  error?: (line: string) => void;
}

export async function preview(stack: string, options: PreviewOptions): Promise<number> {
  const log = options.log ?? console.log;
  const error = options.error ?? console.error;
  const started = Date.now();
  const run = await runStack(stack, options.run);
  if (run.error) {
    error(run.error.message);
    return 1;
  }
  const dir = join(options.outDir, stack);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "resources.json"), `${JSON.stringify(run.resources, null, 2)}\n`);
  writeFileSync(
    join(dir, "outputs.json"),
    `${JSON.stringify({ outputs: run.outputs, secretOutputs: run.secretOutputs }, null, 2)}\n`,
  );
  log(formatInventory(stack, inventory(run.resources)));
  log(`\nWrote out/${stack}/resources.json and outputs.json in ${Date.now() - started} ms.`);
  return 0;
}
