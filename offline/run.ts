/**
 * Runs the real program (index.ts) for a stack under Pulumi's mock runtime, fed that stack's real
 * Pulumi.<stack>.yaml, and records every resource it registers: type, name, parent, provider, dependencies,
 * inputs, outputs, options, and which inputs and outputs are secret (their values are replaced by "[secret]"); then
 * adds the children a real preview shows under the remote awsx and eks components (./children). Every test of the
 * program, the offline preview and the policy self-check read this record. No cloud, no CLI.
 *
 * The jobs live in their own modules: ./stack-file (reading Pulumi.<stack>.yaml), config/stack-file's engineConfig
 * (encoding its config as the CLI does; the organisation program reads other stack files with it too), ./monitor
 * (patching the mock monitor through private SDK hooks), ./record-cache (the records jest's global setup makes once),
 * ./record-service (the processes that made them, running other data-only runs for tests), ./host (the run of a platform host a stack references) and ./children.
 */
import type * as Pulumi from "@pulumi/pulumi";
import { modelledChildren } from "./children";
import { engineConfig } from "../config/stack-file";
import { hostRun } from "./host";
import { createMocks, mockAccountId, type StackOutputs } from "./mocks";
import { drainRegistrations, recordRegistrations } from "./monitor";
import type { StackRun } from "./record";
import { cachedRun } from "./record-cache";
import { requestRun } from "./record-service";
import { readStackFile, StackFileError, type StackConfigFile } from "./stack-file";
import { stackAccount } from "./stacks";

export type { RecordedResource, StackRun } from "./record";
export type { StackOutputs } from "./mocks";
export { referencedOutputs } from "./host";
export { SECRET, UNKNOWN } from "./record";
export { engineConfig } from "../config/stack-file";
export { cacheRun } from "./record-cache";
export { projectRoot, readStackFile, StackFileError, unknownStackMessage, type StackConfigFile } from "./stack-file";
export {
  accountOf,
  allStacks,
  hostedStacks,
  hostOf,
  organizationStacks,
  platformStacks,
  shippedStacks,
  stackNames,
  stacks,
} from "./stacks";

type Program = () => Promise<Record<string, unknown> | void>;

export interface RunOptions {
  /** Replace the stack file's `config:` map (for testing bad configs). */
  config?: Record<string, unknown>;
  /** Extra secret config values, `namespace:key` → value. */
  secrets?: Record<string, string>;
  /** The program to run; default index.ts. */
  program?: Program;
  /** Use the record jest's global setup made for this stack, when the run is a plain one. Default true. */
  cached?: boolean;
  /** What this stack's last deployment exported, as a reference to itself reads it. Default: never deployed. */
  deployed?: StackOutputs;
  /** The host's record, when the caller already has it (saves running the host's program again). */
  hostRun?: StackRun;
  /** Replace the outputs the host's offline run answers its StackReference with (a host of another version). */
  hostOutputs?: (outputs: StackOutputs) => StackOutputs;
}

/** Runs the program for `stack` under mocks and returns the record. Never throws for program errors. */
export async function runStack(stack: string, options: RunOptions = {}): Promise<StackRun> {
  const plain = !options.config && !options.secrets && !options.program && !options.deployed && !options.hostOutputs;
  const cached = plain && options.cached !== false ? cachedRun(stack) : undefined;
  if (cached) return cached;
  if (!options.program && !options.hostOutputs) {
    const { config, secrets, deployed, hostRun, cached: useCache } = options;
    const served = await requestRun({ stack, options: { config, secrets, deployed, hostRun, cached: useCache } });
    // A failed run is run again here, so the caller sees the error as the program threw it (its class too).
    if (served && !served.error) return served;
  }
  let file: StackConfigFile;
  try {
    file = options.config ? { config: options.config, warnings: [] } : readStackFile(stack);
  } catch (e) {
    if (!(e instanceof StackFileError)) throw e;
    return { stack, resources: [], outputs: {}, secretOutputs: [], warnings: [], error: e };
  }
  const { config, warnings } = file;
  const { values, secretKeys } = engineConfig(config, options.secrets);
  const region = values["aws:region"] ?? "us-east-1";
  // The mocks answer in the stack's own account (its aws:allowedAccountIds), as the provider would deploy there.
  const accountId = stackAccount(config) ?? mockAccountId;

  // A stack on another's platform reads that stack's outputs: its offline run answers the StackReference.
  const host = await hostRun(stack, config, async (name) => options.hostRun ?? runStack(name));
  const references: Record<string, StackOutputs> = Object.fromEntries(
    Object.entries(host.references).map(([name, outputs]) => [name, (options.hostOutputs ?? ((o) => o))(outputs)]),
  );
  // A host reads its own last deployment (what its tenants run on) through a reference to itself.
  if (options.deployed) references[stack] = options.deployed;

  // Loaded here, not at the top: a test that only reads a cached record never pays for the SDK.
  const pulumi: typeof Pulumi = await import("@pulumi/pulumi");
  await pulumi.runtime.setMocks(createMocks(region, references, accountId), "qualisys", stack, true);
  pulumi.runtime.setAllConfig(values, secretKeys);
  const recording = recordRegistrations(pulumi, stack);

  let error: Error | undefined;
  const failures: unknown[] = [];
  const onRejection = (reason: unknown) => failures.push(reason);
  process.on("unhandledRejection", onRejection);
  try {
    const program: Program = options.program ?? (await import("../index")).default;
    // The program's own failure is caught inside the stack so the stack still completes; otherwise each of its
    // outputs' promises would reject unhandled.
    await pulumi.runtime.runInPulumiStack(async () => {
      try {
        return (await program()) ?? {};
      } catch (e) {
        error = e instanceof Error ? e : new Error(String(e));
        return {};
      }
    });
  } catch (e) {
    error = e instanceof Error ? e : new Error(String(e));
  } finally {
    // A failed program leaves rejected promises behind (the stack's outputs, pending registrations); let them
    // surface while we are still listening, so they are reported here rather than crashing the caller.
    await drainRegistrations(pulumi);
    await new Promise((resolve) => setImmediate(resolve));
    process.off("unhandledRejection", onRejection);
  }
  if (!error && failures.length > 0) {
    const first = failures[0];
    error = first instanceof Error ? first : new Error(String(first));
  }
  const registered = [...recording.resources.values()];
  let children: StackRun["resources"] = [];
  if (!error) {
    try {
      children = modelledChildren(registered, region, accountId);
    } catch (e) {
      error = e instanceof Error ? e : new Error(String(e));
    }
  }
  return {
    stack,
    resources: [...registered, ...children].sort((a, b) => a.urn.localeCompare(b.urn)),
    outputs: recording.stack.outputs,
    secretOutputs: recording.stack.secretOutputs,
    warnings,
    error,
    ...(host.run ? { host: { stack: host.run.stack, resources: host.run.resources } } : {}),
  };
}
