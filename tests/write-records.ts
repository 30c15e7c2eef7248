/**
 * `tsx tests/write-records.ts <dir>`: runs the program once per stack and writes each record into <dir>, where
 * `runStack` finds it (tests/global-setup.ts runs this in a child process so that jest's own process never holds
 * Pulumi runtime state a test might then share).
 */
import { cacheRun, runStack, stacks } from "../offline/run";

async function main(dir: string) {
  for (const stack of stacks) cacheRun(dir, await runStack(stack, { cached: false }));
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
