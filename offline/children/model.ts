/**
 * What a children model is: a pure function from a remote component's record (its inputs, the resources each input
 * came from, its mock outputs) to the resources the component's provider creates under it, as `pulumi preview`
 * would list them — type, name, parent, the URN the engine composes, inputs and dependencies. ./index.ts turns them
 * into record entries (options inherited from the parent, outputs from the mocks).
 */
import { childUrn, SECRET, type RecordedResource } from "../record";

/** What a model reads besides the component's own record: the answers of the data sources the component calls. */
export interface ModelContext {
  region: string;
  /** `aws.getPartition()`'s answer. */
  partition: string;
  /** `aws.getAvailabilityZones()`'s names, in order. */
  availabilityZones: string[];
  /** Every resource of the run, by URN (a node group reads its cluster's record). */
  byUrn: ReadonlyMap<string, RecordedResource>;
  /** What the mock provider answers for a child (offline/mocks.ts): its id and outputs. */
  mock(type: string, name: string, inputs: Record<string, unknown>): { id: string; state: Record<string, unknown> };
  /** The id the mock provider gives a resource of `type` named `name` (it does not depend on the inputs). */
  mockId(type: string, name: string): string;
}

/** One child resource as the component's provider declares it. */
export interface Child {
  urn: string;
  type: string;
  name: string;
  /** URN of its parent: the component, or a child declared before it. */
  parent: string;
  /** A custom (provider-managed) resource, or a component the provider composes (eks:index:ServiceRole). */
  custom: boolean;
  /** The inputs it is registered with (undefined values dropped, as the SDK drops them). */
  inputs: Record<string, unknown>;
  /** URNs of the resources whose outputs feed its inputs, and of its explicit `dependsOn`. */
  dependencies: string[];
  ignoreChanges: string[];
  /** The provider id, where the component's (mock) outputs already name it (a subnet id the program wired on). */
  id?: string;
  /** Outputs the component's (mock) outputs fix; the mocks answer the rest. */
  outputs?: Record<string, unknown>;
}

/** Declares a child of `parent` (a URN); its URN is the engine's, from the parent's. */
export function child(
  parent: string,
  type: string,
  name: string,
  fields: {
    custom?: boolean;
    inputs: Record<string, unknown>;
    dependencies?: (string | undefined)[];
    ignoreChanges?: string[];
    id?: string;
    outputs?: Record<string, unknown>;
  },
): Child {
  return {
    urn: childUrn(parent, type, name),
    type,
    name,
    parent,
    custom: fields.custom ?? true,
    inputs: defined(fields.inputs) as Record<string, unknown>,
    dependencies: [...new Set(fields.dependencies?.filter((d): d is string => d !== undefined) ?? [])].sort(),
    ignoreChanges: fields.ignoreChanges ?? [],
    ...(fields.id === undefined ? {} : { id: fields.id }),
    ...(fields.outputs === undefined ? {} : { outputs: defined(fields.outputs) as Record<string, unknown> }),
  };
}

/** `value` without undefined properties at any depth (the SDK never sends them). */
export function defined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(defined);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, defined(v)]),
  );
}

/** The resources the component's inputs `keys` came from: what a child built from those inputs depends on. */
export function inputDependencies(component: RecordedResource, ...keys: string[]): string[] {
  return keys.flatMap((key) => component.propertyDependencies?.[key] ?? []);
}

/** Dotted paths of the "[secret]" values in `value`, in the record's notation (`a.b[0].c`). */
export function secretPaths(value: unknown, path = ""): string[] {
  if (value === SECRET) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => secretPaths(v, `${path}[${i}]`));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
    secretPaths(v, path ? `${path}.${k}` : k),
  );
}

/**
 * A component input the model does not cover: the provider would create children (or other children) the model does
 * not know, so the record would be silently incomplete. Names the input, the component and the source to read.
 */
export class UnmodelledInput extends Error {
  constructor(component: RecordedResource, input: string, source: string) {
    super(
      `${component.type} ${component.name}: input ${input} makes the component create resources offline/children does ` +
        `not model (read ${source} at the pinned version and extend the model before using it)`,
    );
    this.name = "UnmodelledInput";
  }
}

/** A value of a map or list input: object or array, else empty. */
export const asMap = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
export const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
