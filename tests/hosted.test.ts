/**
 * A stack on another stack's platform (`qualisys:platform`; staging on dev's, docs/shared-platform.md),
 * read from its record and its host's: it declares no network, cluster or runner, only its environment on
 * the host's cluster, and the host's contract is what it wires to. The isolation between the two is in
 * tests/isolation.test.ts; the data tier is in tests/data.test.ts.
 */
import { named, ofType, platformOf } from "../offline/record";
import { hostedStacks, readStackFile, runStack, SECRET, type RecordedResource, type StackRun } from "../offline/run";
import { validateManifests, type ValidationResult } from "./kubernetes/validate";

const runs: Record<string, StackRun> = {};
const validations: Record<string, ValidationResult[]> = {};
const kubernetesObjects = (run: StackRun) =>
  run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type !== "kubernetes:helm.sh/v3:Release");

beforeAll(async () => {
  for (const stack of hostedStacks) {
    runs[stack] = await runStack(stack);
    validations[stack] = validateManifests(kubernetesObjects(runs[stack]).map((r) => r.inputs));
  }
});

const metadata = (r: RecordedResource) => r.inputs.metadata as { name: string; namespace?: string; labels?: object };

it("the shipped staging stack is one", () => {
  expect(hostedStacks).toContain("staging");
});

describe.each(hostedStacks)("stack %s", (stack) => {
  const run = () => runs[stack];
  const host = () => platformOf(run());
  const prefix = `qualisys-${stack}`;

  it("runs on the host's record and declares no network, cluster, node, runner, add-on or monitoring stack of its own", () => {
    expect(run().error).toBeUndefined();
    expect(host().resources.length).toBeGreaterThan(100);
    const own = run().resources.map((r) => r.type);
    for (const type of [
      "awsx:ec2:Vpc",
      "aws:ec2/securityGroup:SecurityGroup",
      "eks:index:Cluster",
      "eks:index:ManagedNodeGroup",
      "aws:autoscaling/group:Group",
      "pulumiservice:index:AgentPool",
      "qualisys:monitoring:Monitoring",
      "aws:wafv2/webAcl:WebAcl",
    ])
      expect([type, own.includes(type)]).toEqual([type, false]);
  });

  it("reads the host through one StackReference and talks to its cluster through the host's secret kubeconfig", () => {
    const [reference] = ofType(run(), "pulumi:pulumi:StackReference");
    expect(reference.inputs.name).toBe("qualisys/qualisys/dev");
    const [provider] = ofType(run(), "pulumi:providers:kubernetes");
    expect(provider.inputs.kubeconfig).toBe(SECRET);
    expect(provider.secretInputs).toContain("kubeconfig");
    // It waits for the deploy role's cluster access, so no object is attempted before the cluster accepts it.
    const deployAccess = named(run(), "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", `${prefix}-deploy`);
    expect(provider.dependencies).toContain(deployAccess.urn);
    // Every Kubernetes object goes through that provider, none through an ambient kubeconfig.
    for (const r of kubernetesObjects(run())) expect(r.provider?.startsWith(provider.urn)).toBe(true);
  });

  it("declares only Kubernetes objects that validate against the Kubernetes schemas", () => {
    expect(validations[stack].length).toBeGreaterThan(10);
    expect(validations[stack].filter((v) => !v.ok)).toEqual([]);
  });

  it("creates its namespace with the same Pod Security level and network policies as the host's app namespaces", () => {
    const namespace = kubernetesObjects(run()).find(
      (r) => r.inputs.kind === "Namespace" && metadata(r).name === stack,
    )!;
    const hostNamespace = kubernetesObjects(host()).find(
      (r) => r.inputs.kind === "Namespace" && metadata(r).name === "dev",
    )!;
    expect(metadata(namespace).labels).toEqual(metadata(hostNamespace).labels);
    const policies = (r: StackRun, ns: string) =>
      kubernetesObjects(r)
        .filter((p) => p.inputs.kind === "NetworkPolicy" && metadata(p).namespace === ns)
        .map((p) => [metadata(p).name, p.inputs.spec]);
    expect(policies(run(), stack)).toEqual(policies(host(), "dev"));
  });

  it("runs its data tier's exporters in its namespace, for the host's Prometheus, with credentials from its own store", () => {
    const releases = ofType(run(), "kubernetes:helm.sh/v3:Release");
    expect(releases.map((r) => [r.inputs.chart, r.inputs.namespace]).sort()).toEqual([
      ["prometheus-postgres-exporter", stack],
      ["prometheus-redis-exporter", stack],
    ]);
    for (const release of releases) {
      // The host's Prometheus selects ServiceMonitors in every namespace; the charts create one each.
      expect((release.inputs.values as any).serviceMonitor).toMatchObject({ enabled: true });
      // The same chart versions as the host's own exporters.
      const hostRelease = ofType(host(), "kubernetes:helm.sh/v3:Release").find(
        (r) => r.inputs.chart === release.inputs.chart,
      )!;
      expect(release.inputs.version).toBe(hostRelease.inputs.version);
    }
    const hostPrometheus = ofType(host(), "kubernetes:helm.sh/v3:Release").find(
      (r) => r.inputs.chart === "kube-prometheus-stack",
    )!;
    const spec = (hostPrometheus.inputs.values as any).prometheus.prometheusSpec;
    expect(spec).toMatchObject({ serviceMonitorSelectorNilUsesHelmValues: false, serviceMonitorSelector: {} });
    expect(spec.serviceMonitorNamespaceSelector ?? {}).toEqual({});
    const credentials = kubernetesObjects(run()).filter(
      (r) => r.inputs.kind === "ExternalSecret" && /exporter/.test(metadata(r).name),
    );
    expect(credentials.map((r) => [metadata(r).namespace, (r.inputs.spec as any).secretStoreRef.kind])).toEqual([
      [stack, "SecretStore"],
      [stack, "SecretStore"],
    ]);
    for (const r of credentials)
      for (const d of (r.inputs.spec as any).data) expect(d.remoteRef.key.startsWith(`${prefix}/`)).toBe(true);
    // The namespace lets monitoring scrape it.
    const scrape = kubernetesObjects(run()).find(
      (r) => r.inputs.kind === "NetworkPolicy" && metadata(r).name === "allow-monitoring-scrape",
    )!;
    expect((scrape.inputs.spec as any).ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }] },
    ]);
  });

  it("runs its database bootstrap in a namespace of its own, beside the host's", () => {
    const namespaces = kubernetesObjects(run())
      .filter((r) => r.type === "kubernetes:core/v1:Namespace")
      .map((r) => metadata(r).name)
      .sort();
    expect(namespaces).toEqual([stack, `${stack}-db-bootstrap`].sort());
    const [job] = ofType(run(), "kubernetes:batch/v1:Job");
    expect(metadata(job).namespace).toBe(`${stack}-db-bootstrap`);
  });

  it("deploys on the host's runner, whose pool and settings are the organisation stack's: it declares none", () => {
    // The settings naming the host's pool: tests/organization.test.ts.
    expect(run().resources.filter((r) => r.type.startsWith("pulumiservice:"))).toEqual([]);
    const deploy = named(run(), "aws:iam/role:Role", `${prefix}-deploy`);
    // No runner of its own, so its deploy role trusts Pulumi OIDC for this stack only.
    const trust = JSON.parse(String(deploy.inputs.assumeRolePolicy));
    expect(trust.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(["PulumiDeploymentsOidc"]);
    expect(ofType(run(), "aws:iam/role:Role").map((r) => r.name)).not.toContain(`${prefix}-runner`);
  });

  it("leaves account-wide identity (OIDC providers, password policy) to the host, as its stack file says", () => {
    const identity = readStackFile(stack).config["qualisys:identity"] as Record<string, unknown>;
    expect(identity).toMatchObject({
      createGithubOidcProvider: false,
      createPulumiOidcProvider: false,
      manageAccountPasswordPolicy: false,
    });
    expect(ofType(run(), "aws:iam/openIdConnectProvider:OpenIdConnectProvider")).toEqual([]);
    // The host's account-wide providers; its EKS cluster's own issuer (an eks.Cluster child) is per cluster.
    const accountWide = ofType(host(), "aws:iam/openIdConnectProvider:OpenIdConnectProvider")
      .map((r) => r.inputs.url)
      .filter((url) => !/^https:\/\/oidc\.eks\./.test(String(url)));
    expect(accountWide.sort()).toEqual(["https://api.pulumi.com/oidc", "https://token.actions.githubusercontent.com"]);
  });

  it("exports which host and which namespace, and never the host's kubeconfig", () => {
    expect(run().outputs).toMatchObject({ platformStack: "qualisys/qualisys/dev", namespace: stack });
    expect(run().outputs.kubeconfig).toBeUndefined();
    expect(run().outputs.platform).toBeUndefined();
  });
});

describe("a host that cannot serve", () => {
  const staging = () => structuredClone(readStackFile("staging").config) as Record<string, any>;

  it("is refused when it is not deployed (no stack), naming the key, with nothing declared", async () => {
    const run = await runStack("staging", { config: { ...staging(), "qualisys:platform": { stack: "nope" } } });
    expect(run.error?.message).toMatch(
      /qualisys:platform\.stack \(qualisys\/qualisys\/nope\): the host's `platform` output is missing\. Deploy the host stack/,
    );
    expect(run.resources.filter((r) => r.type !== "pulumi:pulumi:StackReference")).toEqual([]);
  });

  it("is refused when it already owns the namespace", async () => {
    const run = await runStack("staging", {
      config: { ...staging(), "qualisys:platform": { stack: "prod", namespace: "production" } },
    });
    expect(run.error?.message).toMatch(
      /qualisys:platform\.stack \(qualisys\/qualisys\/prod\): the host already has namespace production/,
    );
    expect(run.resources.filter((r) => r.type !== "pulumi:pulumi:StackReference")).toEqual([]);
  });

  it("is refused in another region", async () => {
    const run = await runStack("staging", { config: { ...staging(), "aws:region": "eu-west-1" } });
    expect(run.error?.message).toMatch(
      /the host is in us-east-1, this stack \(staging\) in eu-west-1; they must match/,
    );
    expect(run.resources.filter((r) => r.type !== "pulumi:pulumi:StackReference")).toEqual([]);
  });
});
