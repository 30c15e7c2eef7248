/** Test fixtures of the children models: a remote component as the record holds it, registered under `parent`. */
import { noOptions, type RecordedResource } from "../record";

export function remoteComponent(
  type: string,
  urn: string,
  parent: string,
  inputs: Record<string, unknown>,
  extra: Partial<RecordedResource> = {},
): RecordedResource {
  const name = urn.split("::").pop()!;
  return {
    urn,
    type,
    name,
    id: `${name}-id`,
    custom: false,
    remote: true,
    parent,
    provider: null,
    dependencies: [],
    inputs,
    secretInputs: [],
    outputs: {},
    secretOutputs: [],
    options: { ...noOptions },
    ...extra,
  };
}
