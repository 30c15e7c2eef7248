/**
 * An estimate of the deploy's critical path: the longest chain of recorded dependencies, weighted by how long
 * each resource type typically takes to create. Depending on a component means waiting for everything in it,
 * as the Pulumi engine does. A remote component whose children the record holds (offline/children) takes no time
 * itself: its children do. The times are typical first-create durations observed in us-east-1, not SLAs.
 */
import type { RecordedResource } from "../../offline/run";

type Minutes = number | ((resource: RecordedResource) => number);

/** Typical create time in minutes per resource type. */
export const createMinutes: Record<string, Minutes> = {
  "eks:index:Cluster": 10,
  "aws:eks/cluster:Cluster": 10,
  "eks:index:ManagedNodeGroup": 4,
  "aws:eks/nodeGroup:NodeGroup": 4,
  "aws:eks/addon:Addon": 2,
  "aws:rds/instance:Instance": (r) => (r.inputs.multiAz === true ? 20 : 10),
  "aws:elasticache/replicationGroup:ReplicationGroup": 15,
  // VPC and subnets take about a minute; NAT gateways about two more.
  "awsx:ec2:Vpc": (r) => ((r.inputs.natGateways as { strategy?: string } | undefined)?.strategy === "None" ? 1 : 3),
  "aws:ec2/natGateway:NatGateway": 2,
  "kubernetes:helm.sh/v3:Release": 2,
  "kubernetes:helm.sh/v4:Chart": 2,
  "aws:acm/certificateValidation:CertificateValidation": 5,
  "aws:wafv2/webAcl:WebAcl": 0.5,
  "aws:kms/key:Key": 0.2,
  "aws:iam/role:Role": 0.2,
  "aws:cloudwatch/logGroup:LogGroup": 0.1,
};

/** Anything not in the table: one API call and its propagation. */
export const defaultCreateMinutes = 0.1;

export function minutesFor(resource: RecordedResource, hasChildren = false): number {
  if (resource.type.startsWith("qualisys:") || (!resource.custom && hasChildren)) return 0;
  const entry = createMinutes[resource.type];
  return entry === undefined ? defaultCreateMinutes : typeof entry === "function" ? entry(resource) : entry;
}

export interface PathStep {
  urn: string;
  name: string;
  type: string;
  minutes: number;
}

export interface CriticalPath {
  /** Sum of the steps' minutes. */
  minutes: number;
  /** First to create first. */
  steps: PathStep[];
}

export function criticalPath(resources: RecordedResource[]): CriticalPath {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const children = new Map<string, RecordedResource[]>();
  for (const r of resources) if (r.parent) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
  const descendants = (urn: string): RecordedResource[] =>
    (children.get(urn) ?? []).flatMap((child) => [child, ...descendants(child.urn)]);
  /** A dependency on a component waits for all of its descendants. */
  const waitsFor = (resource: RecordedResource): RecordedResource[] =>
    resource.dependencies.flatMap((urn) => {
      const dependency = byUrn.get(urn);
      if (!dependency) return [];
      return dependency.custom ? [dependency] : [dependency, ...descendants(urn)];
    });

  const finish = new Map<string, { minutes: number; previous?: string }>();
  const visiting = new Set<string>();
  const finishOf = (resource: RecordedResource): number => {
    const known = finish.get(resource.urn);
    if (known) return known.minutes;
    if (visiting.has(resource.urn)) throw new Error(`dependency cycle through ${resource.urn}`);
    visiting.add(resource.urn);
    let start = 0;
    let previous: string | undefined;
    for (const dependency of waitsFor(resource)) {
      const done = finishOf(dependency);
      if (done > start) [start, previous] = [done, dependency.urn];
    }
    visiting.delete(resource.urn);
    const minutes = start + minutesFor(resource, children.has(resource.urn));
    finish.set(resource.urn, { minutes, previous });
    return minutes;
  };

  let last: RecordedResource | undefined;
  for (const resource of resources) if (!last || finishOf(resource) > finishOf(last)) last = resource;
  const steps: PathStep[] = [];
  for (let urn = last?.urn; urn; urn = finish.get(urn)?.previous) {
    const r = byUrn.get(urn)!;
    const minutes = minutesFor(r, children.has(urn));
    if (minutes > 0) steps.unshift({ urn, name: r.name, type: r.type, minutes });
  }
  return { minutes: last ? finishOf(last) : 0, steps };
}

export function formatCriticalPath(path: CriticalPath): string {
  return [
    `Estimated deploy critical path (first create): ~${Math.ceil(path.minutes)} min`,
    ...path.steps.map((s) => `  ${s.minutes.toString().padStart(4)} min  ${s.name} (${s.type})`),
    "  Typical create times per type are in tools/preview/critical-path.ts; other types count 0.1 min.",
  ].join("\n");
}
