/**
 * The record's creation graph for the first-create simulation of the deploy-readiness checks (./readiness.ts): each
 * resource's prerequisites as the engine sees them (explicit `dependsOn`, inputs fed by outputs, the parent, the
 * provider), and the waves a first `pulumi up` would create them in.
 */
import type { RecordedResource } from "../offline/run";

/** The record's creation graph: each resource's prerequisites, and the order a first create would follow. */
export class CreationGraph {
  private readonly byUrn = new Map<string, RecordedResource>();
  private readonly children = new Map<string, string[]>();
  private readonly waves = new Map<string, number>();
  private readonly reach = new Map<string, Set<string>>();

  constructor(resources: RecordedResource[]) {
    for (const r of resources) {
      this.byUrn.set(r.urn, r);
      if (r.parent) this.children.set(r.parent, [...(this.children.get(r.parent) ?? []), r.urn]);
    }
  }

  /**
   * What a resource waits for: its recorded dependencies and its provider. Depending on a component waits for the
   * component's descendants too (the engine expands it); a component's own dependsOn does not reach its children.
   */
  prerequisites(urn: string): string[] {
    const r = this.byUrn.get(urn);
    if (!r) return [];
    const direct = [...r.dependencies, ...(r.provider ? [r.provider.replace(/::[^:]*$/, "")] : [])];
    const expanded = new Set<string>();
    const expand = (u: string) => {
      if (expanded.has(u)) return;
      expanded.add(u);
      const node = this.byUrn.get(u);
      if (node && !node.custom) for (const c of this.children.get(u) ?? []) expand(c);
    };
    direct.forEach(expand);
    expanded.delete(urn);
    return [...expanded];
  }

  /** Everything created before `urn` on every possible schedule. */
  ancestors(urn: string): Set<string> {
    const cached = this.reach.get(urn);
    if (cached) return cached;
    const seen = new Set<string>();
    const stack = this.prerequisites(urn);
    while (stack.length) {
      const u = stack.pop() as string;
      if (seen.has(u)) continue;
      seen.add(u);
      stack.push(...this.prerequisites(u));
    }
    this.reach.set(urn, seen);
    return seen;
  }

  /** The creation wave of a resource (1 = nothing to wait for): the step at which the engine may start it. */
  wave(urn: string, visiting = new Set<string>()): number {
    const known = this.waves.get(urn);
    if (known !== undefined) return known;
    if (visiting.has(urn)) return 0;
    visiting.add(urn);
    const deps = this.prerequisites(urn).filter((u) => this.byUrn.get(u)?.custom);
    const w = 1 + Math.max(0, ...deps.map((d) => this.wave(d, visiting)));
    this.waves.set(urn, w);
    return w;
  }

  resource(urn: string): RecordedResource | undefined {
    return this.byUrn.get(urn);
  }
}
