/**
 * The children a real preview shows under the remote components (awsx, eks), which Pulumi's mock runtime never
 * creates: modelled from the pinned versions' source (./sources) by one pure function per component type, and
 * turned into record entries marked `modelled`. They carry the options the engine would give them (`protect`
 * inherited from the parent, aliases derived from the parent's aliases) and the mocks' outputs, so the inventory,
 * the cost estimate, the policy verdict and the readiness checks read them like any other resource.
 */
import { callResults, mockAccountId, mockId, mockResource } from "../mocks";
import { aliasUrns, noOptions, type RecordedResource } from "../record";
import { clusterChildren, managedNodeGroupChildren } from "./eks";
import { secretPaths, type Child, type ModelContext } from "./model";
import { awsxSource, eksSource, type ModelSource } from "./sources";
import { vpcChildren } from "./vpc";

export { UnmodelledInput } from "./model";
export { modelSources } from "./sources";

/** The children model of each remote component type, and the source it was derived from. */
export const childModels: Record<
  string,
  { model: (component: RecordedResource, context: ModelContext) => Child[]; source: ModelSource }
> = {
  "awsx:ec2:Vpc": { model: vpcChildren, source: awsxSource },
  "eks:index:Cluster": { model: clusterChildren, source: eksSource },
  "eks:index:ManagedNodeGroup": { model: managedNodeGroupChildren, source: eksSource },
};

/** The context the models read, answered the way the mocks answer the data sources the components call. */
export function modelContext(
  region: string,
  resources: RecordedResource[],
  accountId: string = mockAccountId,
): ModelContext {
  const zones = callResults["aws:index/getAvailabilityZones:getAvailabilityZones"]({}, region).names as string[];
  const partition = callResults["aws:index/getPartition:getPartition"]({}, region).partition as string;
  return {
    region,
    partition,
    availabilityZones: zones,
    byUrn: new Map(resources.map((r) => [r.urn, r])),
    mock: (type, name, inputs) => mockResource(region, type, name, inputs, accountId),
    mockId,
  };
}

/** The record entries of a component's modelled children (parents before their children). */
export function recordChildren(
  component: RecordedResource,
  children: Child[],
  source: ModelSource,
  region: string,
  accountId: string = mockAccountId,
): RecordedResource[] {
  const parents = new Map<string, RecordedResource>([[component.urn, component]]);
  const recorded: RecordedResource[] = [];
  for (const c of children) {
    const parent = parents.get(c.parent);
    if (!parent) throw new Error(`modelled child ${c.urn} names a parent declared after it: ${c.parent}`);
    const mock = mockResource(region, c.type, c.name, c.inputs, accountId);
    const outputs = { ...mock.state, ...c.outputs };
    const entry: RecordedResource = {
      urn: c.urn,
      type: c.type,
      name: c.name,
      id: c.id ?? mock.id,
      custom: c.custom,
      remote: false,
      parent: c.parent,
      provider: null,
      dependencies: c.dependencies,
      inputs: c.inputs,
      secretInputs: secretPaths(c.inputs).sort(),
      outputs,
      secretOutputs: secretPaths(outputs).sort(),
      options: {
        ...noOptions,
        // The SDK gives a child its parent's protect unless told otherwise, and the engine derives a child's
        // aliases from its parent's, as it does for the program's own resources.
        protect: parent.options.protect,
        ignoreChanges: c.ignoreChanges,
        aliases: aliasUrns({ type: c.type, name: c.name, parent: c.parent }, [], parent.options.aliases),
      },
      modelled: `${source.package} ${source.version}`,
    };
    parents.set(c.urn, entry);
    recorded.push(entry);
  }
  return recorded;
}

/** Every modelled child of the remote components in `resources` (those of a modelled type). */
export function modelledChildren(
  resources: RecordedResource[],
  region: string,
  accountId: string = mockAccountId,
): RecordedResource[] {
  const context = modelContext(region, resources, accountId);
  return resources.flatMap((component) => {
    const entry = component.remote ? childModels[component.type] : undefined;
    return entry ? recordChildren(component, entry.model(component, context), entry.source, region, accountId) : [];
  });
}

/**
 * `resources` with its modelled children modelled again from its components as they are now: for tests that plant
 * a fault in a component's inputs and check what its children (which a real preview shows) make of it.
 */
export function remodel(
  resources: RecordedResource[],
  region: string,
  accountId: string = mockAccountId,
): RecordedResource[] {
  const registered = resources.filter((r) => !r.modelled);
  return [...registered, ...modelledChildren(registered, region, accountId)].sort((a, b) => a.urn.localeCompare(b.urn));
}
