/**
 * Runs the real program (index.ts) for a stack under Pulumi's mock runtime, fed that stack's real
 * Pulumi.<stack>.yaml, and records every resource it registers: type, name, parent, provider, dependencies,
 * inputs, outputs, options, and which inputs and outputs are secret (their values are replaced by "[secret]").
 * Every test of the program, the offline preview and the policy self-check read this record. No cloud, no CLI.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type * as Pulumi from "@pulumi/pulumi";
import { parseStackFile } from "../config/stack-file";
import { platformHost, stackAccount, stackNames } from "./stacks";
import { createMocks, mockAccountId, type StackOutputs } from "./mocks";
import {
  aliasUrns,
  childUrn,
  noOptions,
  SECRET,
  UNKNOWN,
  type RecordedResource,
  type StackRun,
  type WireAlias,
} from "./record";
import { recordCacheVariable } from "./record-cache";

export type { RecordedResource, StackRun } from "./record";
export type { StackOutputs } from "./mocks";
export { SECRET, UNKNOWN } from "./record";

export const projectRoot = join(__dirname, "..");
export { accountOf, hostedStacks, hostOf, platformStacks, shippedStacks, stackNames, stacks } from "./stacks";

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

/** Placeholder values for secret keys the stack file holds encrypted (`secure:`), which only the CLI can decrypt. */
const secretPlaceholders: Record<string, string> = {
  "qualisys:slackWebhookUrl": "https://hooks.slack.com/services/T00000000/B00000000/offline-preview-placeholder",
};

/**
 * Turns a stack file's YAML values into what the CLI hands the program: strings as they are, everything else
 * JSON-encoded; `secure:` values become secrets.
 */
export function engineConfig(config: Record<string, unknown>, secrets: Record<string, string> = {}) {
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const isSecure = typeof value === "object" && value !== null && "secure" in value;
    if (isSecure) {
      values[key] = secretPlaceholders[key] ?? `offline-preview-secret-for-${key}`;
      secretKeys.push(key);
    } else values[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  for (const [key, value] of Object.entries(secrets)) {
    values[key] = value;
    if (!secretKeys.includes(key)) secretKeys.push(key);
  }
  return { values, secretKeys };
}

const sig = {
  key: "4dabf18193072939515e22adb298388d",
  secret: "1b47061264138c4ac30d75fd1eb44270",
  resource: "5cf8f73096256a8f31e491e813e4eb8e",
  asset: "c44067f5952c0a294b673a41bacd8c17",
  archive: "0def7320c3a5731c473e5ecbe6d01bc7",
  unknown: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
};

/** Replaces the wire encoding of secrets, unknowns and resource references with readable marks. */
function unwire(value: unknown, path: string, secrets: string[], mask: Set<string>): unknown {
  if (value === sig.unknown) return UNKNOWN;
  if (Array.isArray(value)) return value.map((v, i) => unwire(v, `${path}[${i}]`, secrets, mask));
  if (value === null || typeof value !== "object") {
    if (mask.has(path)) {
      secrets.push(path);
      return SECRET;
    }
    return value;
  }
  const object = value as Record<string, unknown>;
  switch (object[sig.key]) {
    case sig.secret:
      secrets.push(path);
      return SECRET;
    case sig.resource:
      return { $resource: object.urn };
    case sig.asset:
    case sig.archive:
      return "[asset]";
  }
  if (mask.has(path)) {
    secrets.push(path);
    return SECRET;
  }
  return Object.fromEntries(
    Object.keys(object)
      .sort()
      .map((key) => [key, unwire(object[key], path ? `${path}.${key}` : key, secrets, mask)]),
  );
}

function clean(wire: unknown, mask: Set<string> = new Set()) {
  const secrets: string[] = [];
  const value = (unwire(wire ?? {}, "", secrets, mask) ?? {}) as Record<string, unknown>;
  return { value, secrets: secrets.sort() };
}

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

/**
 * tests/global-setup.ts leaves one record per stack in the folder `recordCacheVariable` names, made once per `jest`
 * invocation, so the many test files that read a stack's plain record do not each run the whole program again.
 */

function cachedRun(stack: string, options: RunOptions): StackRun | undefined {
  const dir = process.env[recordCacheVariable];
  const plain = !options.config && !options.secrets && !options.program && !options.deployed && !options.hostOutputs;
  if (!dir || !plain || options.cached === false || !existsSync(join(dir, `${stack}.json`))) return undefined;
  const { error, ...run } = JSON.parse(readFileSync(join(dir, `${stack}.json`), "utf8")) as StackRun & {
    error?: string;
  };
  return { ...run, ...(error === undefined ? {} : { error: new Error(error) }) };
}

/** Writes a stack's record where {@link cachedRun} finds it. */
export function cacheRun(dir: string, run: StackRun): void {
  writeFileSync(join(dir, `${run.stack}.json`), JSON.stringify({ ...run, error: run.error?.message }));
}

/** A run's outputs as a StackReference reads them; secret ones keep their "[secret]" stand-in and stay secret. */
export function referencedOutputs(run: StackRun): StackOutputs {
  return { outputs: run.outputs, secretOutputNames: run.secretOutputs.filter((path) => !/[.[]/.test(path)) };
}

/** Runs the program for `stack` under mocks and returns the record. Never throws for program errors. */
export async function runStack(stack: string, options: RunOptions = {}): Promise<StackRun> {
  const cached = cachedRun(stack, options);
  if (cached) return cached;
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
  const accountId = stackAccount(config) ?? mockAccountId;

  // A stack on another's platform reads that stack's outputs: its offline run answers the StackReference.
  const references: Record<string, StackOutputs> = {};
  const host = platformHost(config);
  const hostRun = host !== undefined && host !== stack ? (options.hostRun ?? (await runStack(host))) : undefined;
  if (host && hostRun && !hostRun.error)
    references[host] = (options.hostOutputs ?? ((o) => o))(referencedOutputs(hostRun));
  if (options.deployed) references[stack] = options.deployed;

  // Loaded here, not at the top: a test that only reads a cached record never pays for the SDK.
  const pulumi: typeof Pulumi = await import("@pulumi/pulumi");
  await pulumi.runtime.setMocks(createMocks(region, references, accountId), "qualisys", stack, true);
  pulumi.runtime.setAllConfig(values, secretKeys);

  const resources = new Map<string, RecordedResource>();
  let stackOutputs: StackRun["outputs"] = {};
  let secretOutputs: string[] = [];
  const monitor = pulumi.runtime.getMonitor() as any;
  monitor.newUrn = (parent: string, type: string, name: string) =>
    parent ? childUrn(parent, type, name) : `urn:pulumi:${stack}::${pulumi.getProject()}::${type}::${name}`;
  /** Records a registration or a read from its request, its response's URN and id, and both sides' properties. */
  const record = (
    req: any,
    urn: string,
    wire: { inputs: unknown; outputs: unknown },
    entry: Pick<RecordedResource, "id" | "custom" | "remote"> & {
      options?: Partial<RecordedResource["options"]>;
      read?: true;
    },
  ) => {
    const additionalSecretOutputs: string[] = req.getAdditionalsecretoutputsList();
    const inputs = clean(wire.inputs);
    const outputs = clean(wire.outputs, new Set([...additionalSecretOutputs, ...inputs.secrets]));
    const { options, ...rest } = entry;
    resources.set(urn, {
      urn,
      type: req.getType(),
      name: req.getName(),
      ...rest,
      parent: req.getParent() || null,
      provider: req.getProvider() || null,
      dependencies: [...new Set<string>(req.getDependenciesList())].sort(),
      inputs: inputs.value,
      secretInputs: inputs.secrets,
      outputs: outputs.value,
      secretOutputs: outputs.secrets,
      options: { ...noOptions, additionalSecretOutputs, ...options },
    });
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: (err: unknown, res: any) => void) =>
    register(req, (err: unknown, res: any) => {
      if (!err && req.getType() !== "pulumi:pulumi:Stack") {
        const parent: string | null = req.getParent() || null;
        const identity = { type: req.getType(), name: req.getName(), parent };
        record(
          req,
          res.getUrn(),
          { inputs: req.getObject()?.toJavaScript(), outputs: res.getObject()?.toJavaScript() },
          {
            id: res.getId(),
            custom: req.getCustom(),
            remote: req.getRemote(),
            options: {
              protect: req.getProtect() ?? false,
              ignoreChanges: req.getIgnorechangesList(),
              aliases: aliasUrns(
                identity,
                req.getAliasesList().map((alias: any) => alias.toObject() as WireAlias),
                (parent && resources.get(parent)?.options.aliases) || [],
              ),
              deleteBeforeReplace: req.getDeletebeforereplace(),
              retainOnDelete: req.getRetainondelete() ?? false,
              replaceOnChanges: req.getReplaceonchangesList(),
            },
          },
        );
      }
      callback(err, res);
    });
  // Reads (a StackReference to the host's outputs) are recorded too: they are what the program wires to.
  const read = monitor.readResource.bind(monitor);
  monitor.readResource = (req: any, callback: (err: unknown, res: any) => void) =>
    read(req, (err: unknown, res: any) => {
      if (!err) {
        const wire = { inputs: req.getProperties()?.toJavaScript(), outputs: res.getProperties()?.toJavaScript() };
        record(req, res.getUrn(), wire, { id: req.getId(), custom: true, remote: false, read: true });
      }
      callback(err, res);
    });
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req: any, callback: (err: unknown, res: any) => void) => {
    if (req.getUrn().includes("::pulumi:pulumi:Stack::")) {
      const outputs = clean(req.getOutputs()?.toJavaScript());
      stackOutputs = outputs.value;
      secretOutputs = outputs.secrets;
    }
    return registerOutputs(req, callback);
  };

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
    await (pulumi.runtime as any).waitForRPCs();
    await new Promise((resolve) => setImmediate(resolve));
    process.off("unhandledRejection", onRejection);
  }
  if (!error && failures.length > 0) {
    const first = failures[0];
    error = first instanceof Error ? first : new Error(String(first));
  }
  return {
    stack,
    resources: [...resources.values()].sort((a, b) => a.urn.localeCompare(b.urn)),
    outputs: stackOutputs,
    secretOutputs,
    warnings,
    error,
    ...(host && hostRun && !hostRun.error ? { host: { stack: host, resources: hostRun.resources } } : {}),
  };
}
