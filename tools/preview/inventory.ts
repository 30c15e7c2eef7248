/** The resource inventory of a harness record: what the offline preview prints first. */
import type { RecordedResource } from "../../offline/run";

/** The component a resource belongs to: its outermost `qualisys:*` ancestor (or itself). */
export function componentOf(resource: RecordedResource, byUrn: Map<string, RecordedResource>): string {
  let owner: RecordedResource | undefined;
  for (
    let current: RecordedResource | undefined = resource;
    current;
    current = current.parent ? byUrn.get(current.parent) : undefined
  ) {
    if (current.type.startsWith("qualisys:")) owner = current;
  }
  return owner ? owner.type.split(":").pop()! : "(stack)";
}

export interface Inventory {
  total: number;
  /** Of the total, the children of awsx/eks components a real preview shows, modelled (offline/children). */
  modelled: number;
  byType: [string, number][];
  byComponent: [string, number][];
}

function tally(keys: string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Counts per type and per component. Components themselves are not counted; their children are. */
export function inventory(resources: RecordedResource[]): Inventory {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const counted = resources.filter((r) => !r.type.startsWith("qualisys:"));
  return {
    total: counted.length,
    modelled: counted.filter((r) => r.modelled).length,
    byType: tally(counted.map((r) => r.type)),
    byComponent: tally(counted.map((r) => componentOf(r, byUrn))),
  };
}

export function formatInventory(stack: string, inv: Inventory): string {
  const width = Math.max(...inv.byType.map(([type]) => type.length), 20);
  const rows = (entries: [string, number][]) =>
    entries.map(([name, n]) => `  ${name.padEnd(width)} ${String(n).padStart(4)}`);
  return [
    `Stack ${stack}: ${inv.total} resources` +
      (inv.modelled ? ` (${inv.modelled} of them children of awsx/eks components, modelled: offline/children)` : ""),
    "",
    "By component",
    ...rows(inv.byComponent),
    "",
    "By type",
    ...rows(inv.byType),
  ].join("\n");
}
