/** Queries over a harness record, shared by the tests. */
import type { RecordedResource, StackRun } from "./harness";

export function ofType(run: StackRun, type: string): RecordedResource[] {
  return run.resources.filter((r) => r.type === type);
}

export function named(run: StackRun, type: string, name: string): RecordedResource {
  const found = run.resources.find((r) => r.type === type && r.name === name);
  if (!found)
    throw new Error(
      `no ${type} named ${name}; have: ${ofType(run, type)
        .map((r) => r.name)
        .join(", ")}`,
    );
  return found;
}

/** The resource whose provider id is `id`. */
export function byId(run: StackRun, id: unknown): RecordedResource | undefined {
  return run.resources.find((r) => r.id === id);
}

/** An input that holds a JSON document (IAM and key policies), parsed. */
export function jsonInput<T = any>(resource: RecordedResource, key: string): T {
  const value = resource.inputs[key];
  if (typeof value !== "string")
    throw new Error(`${resource.name}.${key} is not a JSON string: ${JSON.stringify(value)}`);
  return JSON.parse(value) as T;
}

/** The resources declared inside the component of type `componentType` (at any depth). */
export function within(run: StackRun, componentType: string): RecordedResource[] {
  const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
  const inside = (r: RecordedResource): boolean => {
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    return parent !== undefined && (parent.type === componentType || inside(parent));
  };
  return run.resources.filter(inside);
}
