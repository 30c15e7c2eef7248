/**
 * Resources that moved into a new component keep their state. A resource's URN names its parent's type, so
 * declaring an existing resource under a new component would make `pulumi up` delete it and create a new one;
 * an alias to its former parent tells the engine it is the same resource. The engine applies a parent's aliases to
 * that parent's children as well (e.g. the node groups eks.ManagedNodeGroup creates), so one alias per moved
 * resource is enough. tests/urns.test.ts checks that every URN a stack held before still resolves.
 */
import type * as pulumi from "@pulumi/pulumi";

/** Options for a child of `component` that was declared under `formerParent` before it moved there. */
export function movedChild(
  component: pulumi.Resource,
  formerParent: pulumi.Resource | undefined,
): { parent: pulumi.Resource; aliases?: pulumi.Alias[] } {
  return formerParent ? { parent: component, aliases: [{ parent: formerParent }] } : { parent: component };
}
