/**
 * `tsx tests/write-records.ts <dir> [stack…]`: runs the program once per stack (default every stack) and writes each
 * record into <dir>, where
 * `runStack` finds it (tests/global-setup.ts runs this in a child process so that jest's own process never holds
 * Pulumi runtime state a test might then share).
 */
import { allStacks, cacheRun, runStack } from "../offline/run";

async function main(dir: string, only: string[]) {
  for (const stack of only.length ? only : allStacks) cacheRun(dir, await runStack(stack, { cached: false }));
}

main(process.argv[2], process.argv.slice(3)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
