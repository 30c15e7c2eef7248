/**
 * Patching Pulumi's mock monitor so a run leaves a record. This is the one place that reaches into SDK internals,
 * all of them private to @pulumi/pulumi and free to change in any release:
 *
 * - `runtime.getMonitor()` returns the `MockMonitor` that `runtime.setMocks` installed;
 * - its `newUrn(parent, type, name)` composes every URN (the SDK's names only the parent's own type; replaced here by
 *   the engine's rule, ./record `childUrn`);
 * - its `registerResource`, `readResource` and `registerResourceOutputs(req, callback)` receive the SDK's gRPC
 *   requests, whose getters (`getType`, `getParent`, `getDependenciesList`, `getPropertydependenciesMap`,
 *   `getObject`, `getAliasesList`, …) and wire encoding (the signature keys below) are the SDK's protocol;
 * - `runtime.waitForRPCs()` drains outstanding registrations.
 *
 * offline/sdk-pin.test.ts runs a small fixed program through this file and compares the whole record with one
 * written out literally, so an SDK upgrade that changes any of these fails there first.
 */
import type * as Pulumi from "@pulumi/pulumi";
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

/** The SDK's wire signatures (`@pulumi/pulumi/runtime/rpc.ts`): the key that marks a special value, and its kinds. */
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
  // A masked path (an additional secret output, or an output whose input was secret) is secret whatever its shape.
  if (mask.has(path) && (Array.isArray(value) || value === null || typeof value !== "object")) {
    secrets.push(path);
    return SECRET;
  }
  if (Array.isArray(value)) return value.map((v, i) => unwire(v, `${path}[${i}]`, secrets, mask));
  if (value === null || typeof value !== "object") return value;
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

/** A wire property map as the record holds it, with the dotted paths of its secret values. */
function clean(wire: unknown, mask: Set<string> = new Set()) {
  const secrets: string[] = [];
  const value = (unwire(wire ?? {}, "", secrets, mask) ?? {}) as Record<string, unknown>;
  return { value, secrets: secrets.sort() };
}

/** What a patched monitor has recorded so far. */
export interface Recording {
  /** Every registration and read but the stack's own, by URN. */
  resources: Map<string, RecordedResource>;
  /** The stack's outputs, once the program has registered them. */
  stack: Pick<StackRun, "outputs" | "secretOutputs">;
}

/**
 * Makes the mock monitor of the current mock runtime compose URNs as the engine does and record every registration,
 * read and the stack's outputs, after the mocks have answered. Call after `runtime.setMocks`.
 */
export function recordRegistrations(pulumi: typeof Pulumi, stack: string): Recording {
  const recording: Recording = { resources: new Map(), stack: { outputs: {}, secretOutputs: [] } };
  const { resources } = recording;
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

  /** Which resources each input came from, as the SDK tells a provider that constructs a remote component. */
  const propertyDependencies = (req: any): Record<string, string[]> => {
    const byInput: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
      const urns = [...new Set<string>(deps.getUrnsList())].sort();
      if (urns.length) byInput[key] = urns;
    });
    return Object.fromEntries(Object.entries(byInput).sort(([a], [b]) => a.localeCompare(b)));
  };

  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: (err: unknown, res: any) => void) =>
    register(req, (err: unknown, res: any) => {
      if (!err && req.getType() !== "pulumi:pulumi:Stack") {
        const parent: string | null = req.getParent() || null;
        const identity = { type: req.getType(), name: req.getName(), parent };
        const remote: boolean = req.getRemote();
        record(
          req,
          res.getUrn(),
          { inputs: req.getObject()?.toJavaScript(), outputs: res.getObject()?.toJavaScript() },
          {
            id: res.getId(),
            custom: req.getCustom(),
            remote,
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
        // A remote component's children depend on the resources its inputs came from (offline/children).
        if (remote) resources.get(res.getUrn())!.propertyDependencies = propertyDependencies(req);
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
      recording.stack = { outputs: outputs.value, secretOutputs: outputs.secrets };
    }
    return registerOutputs(req, callback);
  };
  return recording;
}

/** Waits until every registration the program started has been answered (a private SDK function). */
export async function drainRegistrations(pulumi: typeof Pulumi): Promise<void> {
  await (pulumi.runtime as any).waitForRPCs();
}
