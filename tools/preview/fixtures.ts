/** Synthetic records for the preview's unit tests: the cluster and data-tier types arrive with other branches. */
import { noOptions } from "../../offline/record";
import type { RecordedResource } from "../../offline/run";

const stackUrn = "urn:pulumi:dev::qualisys::pulumi:pulumi:Stack";

/** A URN the way the engine builds it (parent type chain omitted: tests only need uniqueness). */
export const urnOf = (type: string, name: string) => `${stackUrn}$${type}::${name}`;

export function resource(
  type: string,
  name: string,
  inputs: Record<string, unknown> = {},
  links: { parent?: string; dependencies?: string[] } = {},
): RecordedResource {
  return {
    urn: urnOf(type, name),
    type,
    name,
    id: type.startsWith("qualisys:") ? "" : `${name}-id`,
    custom: !type.startsWith("qualisys:") && !type.startsWith("awsx:") && !type.startsWith("eks:"),
    remote: type.startsWith("awsx:") || type.startsWith("eks:"),
    parent: links.parent ?? null,
    provider: null,
    dependencies: links.dependencies ?? [],
    inputs,
    secretInputs: [],
    outputs: {},
    secretOutputs: [],
    options: { ...noOptions },
  };
}
