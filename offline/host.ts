/**
 * The host run: a stack on another's platform (`qualisys:platform`) reads the host stack's outputs through a
 * StackReference. Offline, the host's own run answers it, as its deployed stack would.
 */
import type { StackOutputs } from "./mocks";
import type { StackRun } from "./record";
import { platformHost } from "./stacks";

/** A run's outputs as a StackReference reads them; secret ones keep their "[secret]" stand-in and stay secret. */
export function referencedOutputs(run: StackRun): StackOutputs {
  return { outputs: run.outputs, secretOutputNames: run.secretOutputs.filter((path) => !/[.[]/.test(path)) };
}

/**
 * The run of the host `stack`'s config names, if any (`runHost` runs a stack, e.g. `runStack`), and the outputs its
 * StackReference answers with. A host whose run failed answers nothing: the program then reports "deploy the host
 * first", as it would against a host never deployed.
 */
export async function hostRun(
  stack: string,
  config: Record<string, unknown>,
  runHost: (host: string) => Promise<StackRun>,
): Promise<{ run?: StackRun; references: Record<string, StackOutputs> }> {
  const host = platformHost(config);
  if (host === undefined || host === stack) return { references: {} };
  const run = await runHost(host);
  return run.error ? { references: {} } : { run, references: { [host]: referencedOutputs(run) } };
}
