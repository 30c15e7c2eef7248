/**
 * The record of one offline run: what every registered resource looked like to the engine, and queries over it.
 * `npm start` writes it to out/<stack>/resources.json; every test of the program, the preview report and the
 * policy self-check read it.
 */

/** Marks that replace values in the record. */
export const SECRET = "[secret]";
export const UNKNOWN = "[unknown]";

export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  /** The provider-assigned id (from the mocks); empty for components. */
  id: string;
  /** A custom (provider-managed) resource rather than a component. */
  custom: boolean;
  /** A component implemented by a provider plugin (awsx, eks), whose children a real deploy would add. */
  remote: boolean;
  /** URN of the parent resource, or null for the stack itself. */
  parent: string | null;
  /** Explicit provider reference, or null for the default provider. */
  provider: string | null;
  /** URNs this resource depends on (explicit dependsOn and every resource whose outputs feed its inputs). */
  dependencies: string[];
  /** Inputs as sent to the engine; secret values are "[secret]", values unknown during preview "[unknown]". */
  inputs: Record<string, unknown>;
  /** Dotted paths of the inputs that are secret. */
  secretInputs: string[];
  /** The outputs the (mock) provider returned; secret outputs masked the same way. */
  outputs: Record<string, unknown>;
  secretOutputs: string[];
  options: {
    protect: boolean;
    ignoreChanges: string[];
    /**
     * Every earlier URN the engine will recognise as this resource, as full URN strings: the resource's own
     * aliases and those it inherits from its ancestors' aliases (the engine derives those the same way).
     */
    aliases: string[];
    deleteBeforeReplace: boolean;
    retainOnDelete: boolean;
    replaceOnChanges: string[];
    additionalSecretOutputs: string[];
  };
  /** Read, not managed: an existing resource the program looks up (a StackReference); a deploy never changes it. */
  read?: boolean;
  /**
   * For a remote component: the resources each of its inputs came from (what the SDK sends its provider, and what
   * the children built from that input depend on).
   */
  propertyDependencies?: Record<string, string[]>;
  /**
   * Not registered by the program under the mocks: a child a remote component's provider creates in a real preview,
   * as offline/children models it; names the model's package and version (`@pulumi/awsx 3.9.0`).
   */
  modelled?: string;
}

/** The options of a resource declared with none (and of a read). */
export const noOptions: RecordedResource["options"] = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  deleteBeforeReplace: false,
  retainOnDelete: false,
  replaceOnChanges: [],
  additionalSecretOutputs: [],
};

export interface StackRun {
  stack: string;
  /** Every registered resource except the stack root, sorted by URN. */
  resources: RecordedResource[];
  /** Stack outputs, secrets masked. */
  outputs: Record<string, unknown>;
  secretOutputs: string[];
  /** Likely mistakes in the stack file that did not stop the run, naming the file and key. */
  warnings?: string[];
  /** Set when the program failed (e.g. invalid config); `resources` then holds whatever was registered first. */
  error?: Error;
  /**
   * The record of the stack whose platform this one runs on (`qualisys:platform`), which answered its
   * StackReference: what is already deployed when this stack deploys (its cluster, its releases and their CRDs).
   */
  host?: { stack: string; resources: RecordedResource[] };
}

/** An alias as the SDK sends it to the engine: a URN, or a spec whose empty fields mean "as today". */
export interface WireAlias {
  urn?: string;
  spec?: { name?: string; type?: string; stack?: string; project?: string; parenturn?: string; noparent?: boolean };
}

/** The parts of a URN: `urn:pulumi:<stack>::<project>::<qualified type>::<name>`. */
export function parseUrn(urn: string): { stack: string; project: string; qualifiedType: string; name: string } {
  const [head, project, qualifiedType, ...rest] = urn.split("::");
  return { stack: head.slice("urn:pulumi:".length), project, qualifiedType, name: rest.join("::") };
}

/** The stack resource's type: its children's URNs do not name it. */
const stackType = "pulumi:pulumi:Stack";

/**
 * The URN of a resource of `type` named `name` under `parentUrn`, as the engine composes it: the parent's
 * qualified type (every ancestor's type but the stack's, joined by `$`), then the resource's own. (Pulumi's mock
 * monitor names only the parent's own type; offline/run.ts makes it use this instead, so the record's URNs are
 * the ones a real stack holds.)
 */
export function childUrn(parentUrn: string, type: string, name: string): string {
  const parent = parseUrn(parentUrn);
  const qualifiedType = parent.qualifiedType === stackType ? type : `${parent.qualifiedType}$${type}`;
  return `urn:pulumi:${parent.stack}::${parent.project}::${qualifiedType}::${name}`;
}

/**
 * The full URNs a resource's aliases stand for: its own aliases (a spec's empty fields take the resource's current
 * name, type and parent) plus one per alias of its parent, which the engine applies to every child.
 */
export function aliasUrns(
  resource: { type: string; name: string; parent: string | null },
  wire: WireAlias[],
  parentAliases: string[],
): string[] {
  const urns = new Set<string>();
  for (const alias of wire) {
    if (alias.urn) urns.add(alias.urn);
    else if (alias.spec?.noparent) {
      // An alias to the stack's root (`{ parent: rootStackResource }`): the URN names no parent type.
      if (!resource.parent) continue;
      const { stack, project } = parseUrn(resource.parent);
      const type = alias.spec.type || resource.type;
      urns.add(
        `urn:pulumi:${alias.spec.stack || stack}::${alias.spec.project || project}::${type}::${alias.spec.name || resource.name}`,
      );
    } else if (alias.spec) {
      const parent = alias.spec.parenturn || resource.parent;
      if (!parent) continue;
      urns.add(childUrn(parent, alias.spec.type || resource.type, alias.spec.name || resource.name));
    }
  }
  for (const parent of parentAliases) urns.add(childUrn(parent, resource.type, resource.name));
  return [...urns].sort();
}

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
  return run.resources.find((r) => r.custom && r.id === id);
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

/**
 * The record that holds a run's platform (network, cluster, runner): its own, or, for a stack on another's platform
 * (`qualisys:platform`), its host's, as a run of the host stack.
 */
export function platformOf(run: StackRun): StackRun {
  return run.host ? { ...run, stack: run.host.stack, resources: run.host.resources, host: undefined } : run;
}

/**
 * `resources` without the remote components whose children the record holds: a check that reads facts the children
 * carry too (add-on versions, node groups, the control plane) counts each fact once, on what AWS will hold.
 */
export function withoutModelledComponents(resources: RecordedResource[]): RecordedResource[] {
  const parents = new Set(resources.map((r) => r.parent));
  return resources.filter((r) => !(r.remote && parents.has(r.urn)));
}
