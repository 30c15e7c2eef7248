/**
 * What developers, CI and Playwright runs can reach inside each cluster, read from the records as the API server
 * and the network policy agent would apply them (issue 20): RBAC evaluated from the Roles, ClusterRoles and bindings
 * of the cluster's own stack and of the stacks hosted on it; the workload-Secret admission policies evaluated on the
 * workloads that RBAC lets each group create; the NetworkPolicies evaluated for a Playwright pod; and the security
 * groups the data tier admits.
 */
import { parseStackConfig } from "../config/schema";
import { appSecrets } from "../components/naming";
import { hostedKubernetesGroups, kubernetesGroups } from "../components/cluster/manifests";
import type { Manifest } from "../components/kubernetes/manifest";
import { byId, named, ofType } from "../offline/record";
import {
  engineConfig,
  hostOf,
  hostedStacks,
  platformStacks,
  readStackFile,
  runStack,
  type StackRun,
} from "../offline/run";
import { admitAll, podSpecKinds, workloadRequest } from "./kubernetes/admission";
import { connects, type Endpoint, type NetworkPolicy, type Pod, type Port } from "./kubernetes/network-policy";
import { rbacAuthorizer } from "./kubernetes/rbac";
import { parseCidr, type Cidr } from "../core/cidr";

const runs: Record<string, StackRun> = {};
beforeAll(async () => {
  for (const stack of [...platformStacks, ...hostedStacks]) runs[stack] = await runStack(stack);
});

const configOf = (stack: string) => {
  const { values, secretKeys } = engineConfig(readStackFile(stack).config);
  return parseStackConfig({ project: "qualisys", stack, values, secretKeys });
};
const objectsOf = (run: StackRun): Manifest[] =>
  run.resources
    .filter((r) => r.type.startsWith("kubernetes:") && r.type !== "kubernetes:helm.sh/v3:Release")
    .map((r) => r.inputs as unknown as Manifest);
/** Everything declared on `stack`'s cluster: its own objects and those of the stacks hosted on it. */
const clusterObjects = (stack: string) => [
  ...objectsOf(runs[stack]),
  ...hostedStacks.filter((s) => hostOf(s) === stack).flatMap((s) => objectsOf(runs[s])),
];

const workloadKinds = Object.keys(podSpecKinds);
// The intended reach (SPEC E4, issue 20), written out: developers deploy to non-production app namespaces and read
// production; CI rolls out workloads (not bare pods or node-wide DaemonSets) in every app namespace of its stack;
// a hosted stack's groups get the same in its own namespace only. Nobody in these groups touches Secrets.
const developerCreates = ["Pod", "Deployment", "StatefulSet", "ReplicaSet", "Job", "CronJob"];
const ciCreates = ["Deployment", "StatefulSet", "Job", "CronJob"];

/** Group → namespace → workload kinds it may create, on `stack`'s cluster. */
function intendedCreates(stack: string): Record<string, Record<string, string[]>> {
  const config = configOf(stack);
  if (!config.cluster) throw new Error(`${stack} has no cluster`);
  const apps = config.cluster.namespaces;
  const hosted = hostedStacks
    .filter((s) => hostOf(s) === stack)
    .map((s) => configOf(s).platform!.namespaces.app)
    .map((ns) => [hostedKubernetesGroups(ns), ns] as const);
  return {
    [kubernetesGroups.developer]: Object.fromEntries(
      apps.filter((ns) => ns !== "production").map((ns) => [ns, developerCreates]),
    ),
    [kubernetesGroups.cicd]: Object.fromEntries(apps.map((ns) => [ns, ciCreates])),
    ...Object.fromEntries(hosted.flatMap(([groups, ns]) => [[groups.developer, { [ns]: developerCreates }]])),
    ...Object.fromEntries(hosted.flatMap(([groups, ns]) => [[groups.cicd, { [ns]: ciCreates }]])),
  };
}

describe.each(platformStacks)("cluster of %s: developers and CI", (stack) => {
  const objects = () => clusterObjects(stack);
  const namespaces = () => objects().filter((m) => m.kind === "Namespace");
  const allNamespaces = () => [...namespaces().map((n) => n.metadata.name), "kube-system", "default"];
  const can = () => rbacAuthorizer(objects());

  it("may create exactly the workloads the intended matrix lists, where it lists them (RBAC of the record)", () => {
    const intended = intendedCreates(stack);
    expect(Object.keys(intended).length).toBeGreaterThanOrEqual(2);
    const actual = Object.fromEntries(
      Object.keys(intended).map((group) => [
        group,
        Object.fromEntries(
          allNamespaces()
            .map((ns) => [
              ns,
              workloadKinds.filter((kind) =>
                can()([group], {
                  verb: "create",
                  group: podSpecKinds[kind].group,
                  resource: podSpecKinds[kind].resource,
                  namespace: ns,
                }),
              ),
            ])
            .filter(([, kinds]) => kinds.length > 0),
        ),
      ]),
    );
    expect(actual).toEqual(intended);
  });

  it("may not read, list, watch, create, change or delete Secrets, exec into pods or mint tokens anywhere", () => {
    const groups = Object.keys(intendedCreates(stack));
    const forbidden = [
      ...["get", "list", "watch", "create", "update", "patch", "delete"].map((verb) => ({
        verb,
        group: "",
        resource: "secrets",
      })),
      { verb: "create", group: "", resource: "pods/exec" },
      { verb: "create", group: "", resource: "pods/attach" },
      { verb: "create", group: "", resource: "serviceaccounts/token" },
      { verb: "create", group: "external-secrets.io", resource: "externalsecrets" },
      { verb: "update", group: "", resource: "namespaces" },
    ];
    const granted = groups.flatMap((g) =>
      allNamespaces().flatMap((namespace) =>
        forbidden
          .filter((f) => can()([g], { ...f, namespace }))
          .map((f) => `${g} ${f.verb} ${f.resource} in ${namespace}`),
      ),
    );
    expect(granted).toEqual([]);
  });

  it("can no longer reference a Secret its namespace does not declare in any workload RBAC lets it create", () => {
    const intended = intendedCreates(stack);
    const cases = Object.entries(intended).flatMap(([group, byNs]) =>
      Object.entries(byNs).flatMap(([ns, kinds]) => kinds.map((kind) => ({ group, ns, kind }))),
    );
    expect(cases.length).toBeGreaterThan(0);
    const mounting = (secret: string) => ({
      containers: [{ name: "app", image: "app:1" }],
      volumes: [{ name: "s", secret: { secretName: secret } }],
    });
    const results = cases.map(({ group, ns, kind }) => {
      const namespace = namespaces().find((n) => n.metadata.name === ns)!;
      const verdicts = (secret: string) =>
        admitAll(objects(), workloadRequest(kind, mounting(secret), namespace as never, [group]));
      const undeclared = verdicts("sh.helm.release.v1.exporter.v1");
      const declared = verdicts(appSecrets[0]);
      return {
        group,
        ns,
        kind,
        undeclaredDenied: undeclared.length === 1 && undeclared[0].applies && !undeclared[0].allowed,
        declaredAdmitted: declared.length === 1 && declared[0].applies && declared[0].allowed,
      };
    });
    expect(results.filter((r) => !r.undeclaredDenied || !r.declaredAdmitted)).toEqual([]);
  });

  it("lets app namespaces' workloads use the application secrets, never the platform's synced beside them", () => {
    const apps = Object.values(intendedCreates(stack)).flatMap((byNs) => Object.keys(byNs));
    const declared = (ns: Manifest) => ns.metadata.annotations?.["qualisys.io/workload-secrets"]?.split(",") ?? [];
    expect(namespaces().map((ns) => [ns.metadata.name, declared(ns)])).toEqual(
      namespaces().map((ns) => [ns.metadata.name, apps.includes(ns.metadata.name) ? [...appSecrets].sort() : []]),
    );
    // Every declared secret is synced there; what else is synced (a hosted stack's exporter credentials) is not declared.
    for (const ns of namespaces()) {
      const synced = objects()
        .filter((m) => m.kind === "ExternalSecret" && m.metadata.namespace === ns.metadata.name)
        .map((m) => m.metadata.name);
      expect(declared(ns).filter((name) => !synced.includes(name))).toEqual([]);
    }
  });
});

// ── Playwright runs ──────────────────────────────────────────────────────────────────────────────────────────────

const host = (block: string, offset: number) => {
  const cidr = parseCidr(block) as Cidr;
  const ip = cidr.base + offset;
  return [24, 16, 8, 0].map((shift) => Math.floor(ip / 2 ** shift) % 256).join(".");
};
const tcp = (port: number): Port => ({ protocol: "TCP", port });
const udp = (port: number): Port => ({ protocol: "UDP", port });

/**
 * Where a Playwright run may and may not connect, on `stack`'s network: every destination with the verdict the
 * issue asks for. Addresses come from the stack's subnet layout and from EKS's documented service ranges.
 */
function playwrightExpectations(stack: string) {
  const { network } = configOf(stack);
  if (!network) throw new Error(`${stack} has no network`);
  const runner: Pod = {
    namespace: "playwright-pool",
    labels: { app: "playwright-runner" },
    ip: host(network.subnets.private[0], 20),
  };
  const otherRun: Pod = {
    namespace: "playwright-pool",
    labels: { app: "playwright-runner" },
    ip: host(network.subnets.private[1], 21),
  };
  const coreDns: Pod = {
    namespace: "kube-system",
    labels: { "k8s-app": "kube-dns" },
    ip: host(network.subnets.private[0], 30),
  };
  const appPod: Pod = {
    namespace: configOf(stack).cluster!.namespaces[0],
    labels: { app: "api" },
    ip: host(network.subnets.private[1], 40),
  };
  const cases: { to: Endpoint; port: Port; what: string; allowed: boolean }[] = [
    { to: { ip: "93.184.216.34" }, port: tcp(443), what: "a site on the internet over HTTPS", allowed: true },
    { to: { ip: "93.184.216.34" }, port: tcp(80), what: "a site on the internet over HTTP", allowed: true },
    { to: { ip: "93.184.216.34" }, port: tcp(22), what: "the internet on another port", allowed: false },
    { to: coreDns, port: udp(53), what: "CoreDNS", allowed: true },
    ...network.subnets.private.map((s) => ({ to: { ip: host(s, 10) }, port: tcp(443), what: `the private EKS endpoint / an internal load balancer in ${s}`, allowed: false })),
    ...network.subnets.private.map((s) => ({ to: { ip: host(s, 11) }, port: tcp(80), what: `a node or internal service in ${s} on 80`, allowed: false })),
    ...network.subnets.public.map((s) => ({ to: { ip: host(s, 12) }, port: tcp(443), what: `the load balancer's private side in ${s}`, allowed: false })),
    ...network.subnets.database.map((s) => ({ to: { ip: host(s, 13) }, port: tcp(443), what: `the data tier's subnet ${s}`, allowed: false })),
    { to: { ip: "169.254.169.254" }, port: tcp(80), what: "instance metadata", allowed: false },
    { to: { ip: "169.254.170.23" }, port: tcp(80), what: "the EKS Pod Identity agent", allowed: false },
    { to: { ip: "172.20.0.1" }, port: tcp(443), what: "the API server's ClusterIP (172.20.0.0/16)", allowed: false },
    { to: { ip: "10.100.0.1" }, port: tcp(443), what: "the API server's ClusterIP (10.100.0.0/16)", allowed: false },
    ...[80, 443, 3000, 9222].map((p) => ({ to: otherRun, port: tcp(p), what: `another run's pod on ${p}`, allowed: false })),
    { to: appPod, port: tcp(443), what: "an application pod", allowed: false },
  ]; // prettier-ignore
  return { runner, otherRun, cases };
}

/** The cases where `policies` disagree with the expectations: empty when a Playwright run is confined as intended. */
function playwrightMismatches(stack: string, policies: NetworkPolicy[]) {
  const { runner, otherRun, cases } = playwrightExpectations(stack);
  const mismatches = cases
    .filter((c) => connects(policies, runner, c.to, c.port) !== c.allowed)
    .map((c) => `${c.allowed ? "cannot reach" : "reaches"} ${c.what}`);
  if (connects(policies, otherRun, runner, tcp(9222))) mismatches.push("is reachable from another run");
  return mismatches;
}

const networkPoliciesOf = (stack: string) =>
  clusterObjects(stack).filter((m) => m.kind === "NetworkPolicy") as unknown as NetworkPolicy[];

describe.each(platformStacks)("cluster of %s: Playwright runs", (stack) => {
  it("reach the internet on 80/443 and CoreDNS, and nothing in the VPC, link-local, the service range or each other", () => {
    expect(playwrightExpectations(stack).cases.length).toBeGreaterThan(15);
    expect(playwrightMismatches(stack, networkPoliciesOf(stack))).toEqual([]);
  });

  it("a planted policy widening Playwright egress to the VPC fails the check", () => {
    const vpc = configOf(stack).network!.cidr;
    const planted: NetworkPolicy = {
      metadata: { name: "allow-vpc", namespace: "playwright-pool" },
      spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: vpc } }], ports: [{ protocol: "TCP", port: 443 }] }] },
    }; // prettier-ignore
    expect(playwrightMismatches(stack, [...networkPoliciesOf(stack), planted])).toEqual(
      expect.arrayContaining([expect.stringMatching(/^reaches the private EKS endpoint/)]),
    );
    const withoutExcept = networkPoliciesOf(stack).map((p) =>
      p.metadata.namespace === "playwright-pool"
        ? (JSON.parse(JSON.stringify(p).replace(/"except":\[[^\]]*\]/g, '"except":[]')) as NetworkPolicy)
        : p,
    );
    expect(playwrightMismatches(stack, withoutExcept)).toEqual(
      expect.arrayContaining([
        "reaches instance metadata",
        expect.stringMatching(/^reaches the API server's ClusterIP/),
      ]),
    );
  });

  it("run on nodes whose security group no data store admits; the general nodes keep theirs", () => {
    const run = runs[stack];
    const group = (name: string) => named(run, "aws:ec2/securityGroup:SecurityGroup", `qualisys-${stack}-${name}`).id;
    const poolGroups = (pool: string) => {
      const nodeGroup = named(run, "eks:index:ManagedNodeGroup", `qualisys-${stack}-${pool}`);
      return byId(run, (nodeGroup.inputs.launchTemplate as { id: string }).id)!.inputs.vpcSecurityGroupIds;
    };
    const clusterGroup = ofType(run, "eks:index:Cluster")[0].outputs.clusterSecurityGroupId;
    expect(poolGroups("playwright")).toEqual([clusterGroup, group("playwrightNodes")]);
    expect(poolGroups("general")).toEqual([clusterGroup, group("nodes")]);
    const admittedBy = (target: string) =>
      ofType(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        .filter((r) => r.inputs.securityGroupId === group(target))
        .map((r) => r.inputs.referencedSecurityGroupId ?? r.inputs.cidrIpv4);
    expect(admittedBy("database")).toEqual([group("nodes")]);
    expect(admittedBy("cache")).toEqual([group("nodes")]);
    const admittingPlaywright = ofType(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
      (r) => r.inputs.referencedSecurityGroupId === group("playwrightNodes"),
    );
    expect(admittingPlaywright).toEqual([]);
    // The data tier itself uses those groups.
    const [db] = ofType(run, "aws:rds/instance:Instance");
    expect(db.inputs.vpcSecurityGroupIds).toEqual([group("database")]);
  });

  it("cannot reach IMDS over IPv6: the cluster is IPv4-only and no launch template enables the IPv6 endpoint", () => {
    const run = runs[stack];
    expect(ofType(run, "eks:index:Cluster")[0].inputs.ipFamily ?? "ipv4").toBe("ipv4");
    const templates = ofType(run, "aws:ec2/launchTemplate:LaunchTemplate");
    expect(templates.length).toBeGreaterThanOrEqual(2);
    for (const t of templates)
      expect((t.inputs.metadataOptions as { httpProtocolIpv6?: string }).httpProtocolIpv6 ?? "disabled").toBe(
        "disabled",
      );
  });
});
