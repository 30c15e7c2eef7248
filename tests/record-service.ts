/**
 * `node tools/run-ts.js tests/record-service.ts <dir> <socket> [stack…]`, started by tests/global-setup.ts: runs the
 * program once per stack and writes each record into <dir>, where `runStack` finds it (offline/record-cache); then
 * serves the test workers' other data-only runs on <socket> (offline/record-service) until jest closes its stdin
 * (`-`: records only).
 * Prints "READY" once the records are written and the socket listens. Running in a child process keeps Pulumi
 * runtime state out of jest's own process, where a test might share it.
 */
import { recordCacheVariable } from "../offline/record-cache";
import { serveRuns } from "../offline/record-service";
import { cacheRun, runStack } from "../offline/run";

async function main(dir: string, socket: string, stacks: string[]) {
  // A hosted stack's run reads its host's record from the cache when the host is already recorded.
  process.env[recordCacheVariable] = dir;
  for (const stack of stacks) cacheRun(dir, await runStack(stack, { cached: false }));
  const server = socket === "-" ? undefined : await serveRuns(socket, ({ stack, options }) => runStack(stack, options));
  process.stdout.write("READY\n");
  if (!server) return;
  // Jest's teardown closes stdin, and so does jest's end if it crashes: either way the service goes with it.
  process.stdin.resume();
  process.stdin.once("close", () => server.close(() => process.exit(0)));
}

main(process.argv[2], process.argv[3], process.argv.slice(4)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
