/**
 * NetworkPolicy evaluation as the Kubernetes API defines it (networking.k8s.io/v1 NetworkPolicySpec, "Network
 * Policies" concept page): a pod is isolated in a direction once any policy of its namespace selects it with that
 * policy type; an isolated pod's traffic is allowed when any selecting policy has a rule whose peers and ports match;
 * a connection between two pods needs the sender's egress and the receiver's ingress. Written independently of the
 * program's policy builders, so tests can ask what the recorded policies let through.
 *
 * ipBlock is matched against any address, pods' included: the VPC CNI's policy agent enforces CIDRs on every
 * address (pods have VPC addresses), which is stricter than the API's "implementation-defined" for pod IPs.
 */
import { contains, parseCidr, type Cidr } from "../../core/cidr";

type Labels = Record<string, string>;

interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }[];
}
interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface PolicyPort {
  protocol?: "TCP" | "UDP" | "SCTP";
  port?: number | string;
  endPort?: number;
}
interface Rule {
  to?: Peer[];
  from?: Peer[];
  ports?: PolicyPort[];
}
/** A NetworkPolicy as declared (the fields evaluation reads). */
export interface NetworkPolicy {
  metadata: { name: string; namespace?: string };
  spec: { podSelector: LabelSelector; policyTypes?: ("Ingress" | "Egress")[]; ingress?: Rule[]; egress?: Rule[] };
}

/** A pod: where it runs and its address. */
export interface Pod {
  namespace: string;
  labels: Labels;
  ip: string;
  /** Labels of its namespace; `kubernetes.io/metadata.name` is added as the API server does. */
  namespaceLabels?: Labels;
}
/** The other end of a connection: a pod, or an address outside any pod. */
export type Endpoint = Pod | { ip: string };
export interface Port {
  protocol: "TCP" | "UDP";
  port: number;
}

const isPod = (endpoint: Endpoint): endpoint is Pod => "namespace" in endpoint;

export function selects(selector: LabelSelector, labels: Labels): boolean {
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpression = (selector.matchExpressions ?? []).every((e) => {
    const has = e.key in labels;
    switch (e.operator) {
      case "In":
        return has && (e.values ?? []).includes(labels[e.key]);
      case "NotIn":
        return !has || !(e.values ?? []).includes(labels[e.key]);
      case "Exists":
        return has;
      case "DoesNotExist":
        return !has;
    }
  });
  return byLabel && byExpression;
}

const namespaceLabels = (pod: Pod): Labels => ({
  ...pod.namespaceLabels,
  "kubernetes.io/metadata.name": pod.namespace,
});

const cidr = (text: string): Cidr => {
  const parsed = parseCidr(text);
  if (typeof parsed === "string") throw new Error(parsed);
  return parsed;
};
const inBlock = (block: string, ip: string) => contains(cidr(block), cidr(`${ip}/32`));

/** Whether `peer` (of a policy in `policyNamespace`) names `other`. */
function peerMatches(peer: Peer, policyNamespace: string, other: Endpoint): boolean {
  if (peer.ipBlock)
    return inBlock(peer.ipBlock.cidr, other.ip) && !(peer.ipBlock.except ?? []).some((e) => inBlock(e, other.ip));
  if (!isPod(other)) return false;
  const namespaceOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, namespaceLabels(other))
    : other.namespace === policyNamespace;
  const podOk = peer.podSelector ? selects(peer.podSelector, other.labels) : true;
  return namespaceOk && podOk;
}

function portMatches(ports: PolicyPort[] | undefined, port: Port): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? "TCP") !== port.protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === "string") throw new Error(`named port ${p.port} is not modelled`);
    return p.endPort === undefined ? p.port === port.port : port.port >= p.port && port.port <= p.endPort;
  });
}

const typesOf = (policy: NetworkPolicy) =>
  policy.spec.policyTypes ?? ["Ingress", ...(policy.spec.egress ? (["Egress"] as const) : [])];

/** Whether `policies` let `pod` send to / receive from `other` on `port` (one direction, one end). */
function allowed(
  policies: NetworkPolicy[],
  pod: Pod,
  direction: "Ingress" | "Egress",
  other: Endpoint,
  port: Port,
): boolean {
  const selecting = policies.filter(
    (p) =>
      p.metadata.namespace === pod.namespace &&
      selects(p.spec.podSelector, pod.labels) &&
      typesOf(p).includes(direction),
  );
  if (selecting.length === 0) return true;
  return selecting.some((p) =>
    (direction === "Egress" ? p.spec.egress : p.spec.ingress)?.some((rule) => {
      const peers = direction === "Egress" ? rule.to : rule.from;
      const peerOk = !peers || peers.length === 0 || peers.some((peer) => peerMatches(peer, pod.namespace, other));
      return peerOk && portMatches(rule.ports, port);
    }),
  );
}

/** Whether `from` can open a connection to `to` on `port`: its egress, and the receiving pod's ingress. */
export function connects(policies: NetworkPolicy[], from: Endpoint, to: Endpoint, port: Port): boolean {
  const out = isPod(from) ? allowed(policies, from, "Egress", to, port) : true;
  const into = isPod(to) ? allowed(policies, to, "Ingress", from, port) : true;
  return out && into;
}
