/** The NetworkPolicy evaluator against the semantics the Kubernetes API documents, on hand-written cases. */
import { connects, type NetworkPolicy, type Pod } from "./network-policy";

const web: Pod = { namespace: "a", labels: { app: "web" }, ip: "10.0.0.10" };
const db: Pod = { namespace: "a", labels: { app: "db" }, ip: "10.0.0.11" };
const other: Pod = { namespace: "b", labels: { app: "web" }, ip: "10.0.1.10", namespaceLabels: { team: "x" } };
const internet = { ip: "93.184.216.34" };
const tcp = (port: number) => ({ protocol: "TCP" as const, port });

const policy = (namespace: string, spec: NetworkPolicy["spec"]): NetworkPolicy => ({
  metadata: { name: "p", namespace },
  spec,
});
const denyAll = (namespace: string) => policy(namespace, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });

describe("NetworkPolicy evaluation", () => {
  it("allows everything to and from a pod no policy selects", () => {
    expect(connects([], web, db, tcp(5432))).toBe(true);
    expect(connects([denyAll("b")], web, internet, tcp(443))).toBe(true);
  });

  it("denies what no rule allows once a default deny selects the pod, in both directions", () => {
    expect(connects([denyAll("a")], web, internet, tcp(443))).toBe(false);
    expect(connects([denyAll("a")], other, db, tcp(5432))).toBe(false);
  });

  it("treats a policy without policyTypes as ingress, plus egress when it has egress rules", () => {
    const ingressOnly = policy("a", { podSelector: {}, ingress: [] });
    expect(connects([ingressOnly], web, internet, tcp(443))).toBe(true);
    expect(connects([ingressOnly], other, web, tcp(80))).toBe(false);
  });

  it("allows the union of the rules of every selecting policy", () => {
    const https = policy("a", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] }],
    });
    expect(connects([denyAll("a"), https], web, internet, tcp(443))).toBe(true);
    expect(connects([denyAll("a"), https], web, internet, tcp(80))).toBe(false);
  });

  it("excludes an ipBlock's except ranges and matches ports by protocol and range", () => {
    const egress = policy("a", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/16"] } }],
          ports: [{ protocol: "TCP", port: 8000, endPort: 8080 }],
        },
      ],
    });
    expect(connects([egress], web, internet, tcp(8080))).toBe(true);
    expect(connects([egress], web, internet, tcp(8081))).toBe(false);
    expect(connects([egress], web, { ip: "10.0.200.1" }, tcp(8000))).toBe(false);
    expect(connects([egress], web, internet, { protocol: "UDP", port: 8000 })).toBe(false);
  });

  it("reads a podSelector peer as the policy's namespace, and namespaceSelector with podSelector as both", () => {
    const sameNamespace = policy("a", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{ to: [{ podSelector: {} }] }],
    });
    expect(connects([sameNamespace], web, db, tcp(5432))).toBe(true);
    expect(connects([sameNamespace], web, other, tcp(80))).toBe(false);
    const teamX = policy("a", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        { to: [{ namespaceSelector: { matchLabels: { team: "x" } }, podSelector: { matchLabels: { app: "db" } } }] },
      ],
    });
    expect(connects([teamX], web, other, tcp(80))).toBe(false);
    expect(connects([teamX], web, { ...other, labels: { app: "db" } }, tcp(80))).toBe(true);
  });
});
