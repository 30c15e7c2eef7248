/**
 * A stack on another stack's platform (`qualisys:platform`; staging on dev's, docs/shared-platform.md),
 * read from its record and its host's: it declares no network, cluster or runner, only its environment on
 * the host's cluster, and the host's contract is what it wires to. The isolation between the two is in
 * tests/isolation.test.ts; the data tier is in tests/data.test.ts.
 */
import { named, ofType, platformOf } from "../offline/record";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { hostContractVersion } from "../components/platform/contract";
import { loadCatalogue } from "../upstream/catalogue";
import {
  hostedStacks,
  readStackFile,
  runStack,
  SECRET,
  type RecordedResource,
  type StackOutputs,
  type StackRun,
} from "../offline/run";
import { validateManifests, type ValidationResult } from "./kubernetes/validate";

const runs: Record<string, StackRun> = {};
const hostRuns: Record<string, StackRun> = {};
const validations: Record<string, ValidationResult[]> = {};
const kubernetesObjects = (run: StackRun) =>
  run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type !== "kubernetes:helm.sh/v3:Release");

beforeAll(async () => {
  for (const stack of hostedStacks) {
    runs[stack] = await runStack(stack);
    hostRuns[runs[stack].host!.stack] ??= await runStack(runs[stack].host!.stack);
    validations[stack] = validateManifests(kubernetesObjects(runs[stack]).map((r) => r.inputs));
  }
});

const metadata = (r: RecordedResource) =>
  r.inputs.metadata as { name: string; namespace?: string; labels?: Record<string, string> };

it("the shipped staging stack is one", () => {
  expect(hostedStacks).toContain("staging");
});

describe.each(hostedStacks)("stack %s", (stack) => {
  const run = () => runs[stack];
  const host = () => platformOf(run());
  const prefix = `qualisys-${stack}`;
  const runHostOutputs = () => hostRuns[run().host!.stack].outputs;

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

  it("creates its three namespaces, owned by its stack, at the host's Pod Security level, with the host's network policies in its application namespace", () => {
    const namespaces = kubernetesObjects(run()).filter((r) => r.inputs.kind === "Namespace");
    expect(namespaces.map((r) => metadata(r).name).sort()).toEqual(
      [stack, `${stack}-db-bootstrap`, `${stack}-secrets`].sort(),
    );
    const hostNamespace = kubernetesObjects(host()).find(
      (r) => r.inputs.kind === "Namespace" && metadata(r).name === "dev",
    )!;
    for (const namespace of namespaces)
      expect(metadata(namespace).labels).toEqual({ ...metadata(hostNamespace).labels, "qualisys.io/owner": stack });
    const policies = (r: StackRun, ns: string) =>
      kubernetesObjects(r)
        .filter((p) => p.inputs.kind === "NetworkPolicy" && metadata(p).namespace === ns)
        .map((p) => [metadata(p).name, p.inputs.spec]);
    expect(policies(run(), stack)).toEqual(policies(host(), "dev"));
    // Nothing runs in the secrets namespace: it only denies.
    expect(policies(run(), `${stack}-secrets`).map(([name]) => name)).toEqual(["default-deny"]);
  });

  it("declares no cluster-scoped object but its namespaces and its own ClusterSecretStore (the host declares the rest)", () => {
    const namespaced = (r: RecordedResource) => metadata(r).namespace !== undefined;
    const clusterScoped = kubernetesObjects(run()).filter((r) => !namespaced(r) && r.type.startsWith("kubernetes:"));
    expect([...new Set(clusterScoped.map((r) => r.inputs.kind))].sort()).toEqual(["ClusterSecretStore", "Namespace"]);
    for (const r of clusterScoped) expect(metadata(r).labels).toMatchObject({ "qualisys.io/owner": stack });
    // Its deploy role is never a cluster administrator.
    for (const a of ofType(run(), "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"))
      expect([a.name, String(a.inputs.policyArn).split("/").pop(), (a.inputs.accessScope as any).type]).toEqual([
        a.name,
        "AmazonEKSAdminPolicy",
        "namespace",
      ]);
  });

  it("maps its roles into its own groups and the tenant groups, and replaces an entry rather than rewriting it", () => {
    const entries = Object.fromEntries(
      ofType(run(), "aws:eks/accessEntry:AccessEntry").map((e) => [e.name.replace(`${prefix}-`, ""), e]),
    );
    expect(Object.fromEntries(Object.entries(entries).map(([k, e]) => [k, e.inputs.kubernetesGroups]))).toEqual({
      deploy: ["qualisys:tenants", `qualisys:tenant:${stack}`],
      devops: [],
      developer: [`qualisys:${stack}:developers`, "qualisys:tenant-readers"],
      cicd: [`qualisys:${stack}:ci-cd`, "qualisys:tenant-readers"],
    });
    for (const e of Object.values(entries)) {
      expect(e.inputs.clusterName).toBe("qualisys-dev");
      expect(e.options).toMatchObject({ replaceOnChanges: ["kubernetesGroups"], deleteBeforeReplace: true });
    }
    const scopes = Object.fromEntries(
      ofType(run(), "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").map((a) => [
        a.name,
        (a.inputs.accessScope as { namespaces: string[] }).namespaces,
      ]),
    );
    expect(scopes).toEqual({
      [`${prefix}-deploy`]: [stack, `${stack}-db-bootstrap`, `${stack}-secrets`],
      [`${prefix}-devops`]: [stack],
    });
  });

  it("binds its developers and CI only in its application namespace, to ClusterRoles the host's contract names", () => {
    const contract = (runHostOutputs().platform as any).kubernetes.clusterRoles;
    const bindings = kubernetesObjects(run()).filter((r) => r.inputs.kind === "RoleBinding");
    expect(
      bindings.map((b) => [
        metadata(b).namespace,
        (b.inputs.roleRef as { name: string }).name,
        (b.inputs.subjects as { name: string }[]).map((x) => x.name),
      ]),
    ).toEqual(
      expect.arrayContaining([
        [stack, contract.developer, [`qualisys:${stack}:developers`]],
        [stack, contract.deployer, [`qualisys:${stack}:ci-cd`]],
        [stack, contract.workloads, [`qualisys:tenant:${stack}`]],
        [`${stack}-db-bootstrap`, contract.workloads, [`qualisys:tenant:${stack}`]],
      ]),
    );
    expect(bindings).toHaveLength(4);
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
    expect(credentials.map((r) => [metadata(r).namespace, (r.inputs.spec as any).secretStoreRef])).toEqual([
      [stack, { kind: "ClusterSecretStore", name: stack }],
      [stack, { kind: "ClusterSecretStore", name: stack }],
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

  it("is refused by a host that does not declare it, naming the key to add it under", async () => {
    const run = await runStack("qa", {
      config: { ...staging(), "qualisys:environment": "staging", "aws:defaultTags": { tags: { environment: "qa" } } },
    });
    expect(run.error?.message).toMatch(
      /dev does not declare qa as a tenant \(its qualisys:tenants: \["staging","dev-\*","review-\*"\]\); add it, or a glob that matches it, to Pulumi\.dev\.yaml and deploy dev first/,
    );
    expect(run.resources.filter((r) => r.type !== "pulumi:pulumi:StackReference")).toEqual([]);
  });

  it("is refused by a host of an older contract version (deploy the host first) and of a newer one (deploy this stack from the host's commit)", async () => {
    const withVersion = (version: number | undefined) => (outputs: StackOutputs) => {
      const platform = { ...(outputs.outputs.platform as Record<string, unknown>), version };
      if (version === undefined) delete platform.version;
      return { ...outputs, outputs: { ...outputs.outputs, platform } };
    };
    const older = await runStack("staging", { hostOutputs: withVersion(undefined) });
    expect(older.error?.message).toMatch(
      /the host publishes platform contract v1; this program \(and so staging\) needs v\d+\. Deploy the host first/,
    );
    const newer = await runStack("staging", { hostOutputs: withVersion(hostContractVersion + 1) });
    expect(newer.error?.message).toMatch(
      /newer than this program's v\d+: .* Deploy staging from the commit dev was deployed from/,
    );
    for (const r of [older, newer])
      expect(r.resources.filter((x) => x.type !== "pulumi:pulumi:StackReference")).toEqual([]);
  });

  it("is refused in another region", async () => {
    const run = await runStack("staging", { config: { ...staging(), "aws:region": "eu-west-1" } });
    expect(run.error?.message).toMatch(
      /the host is in us-east-1, this stack \(staging\) in eu-west-1; they must match/,
    );
    expect(run.resources.filter((r) => r.type !== "pulumi:pulumi:StackReference")).toEqual([]);
  });
});

describe("the host (dev) declares its tenants and protects what they run on", () => {
  const dev = () => hostRuns.dev;
  const devConfig = () => structuredClone(readStackFile("dev").config) as Record<string, any>;
  const deployed = (): StackOutputs => ({ outputs: dev().outputs, secretOutputNames: [] });

  it("declares them (names and globs) in its contract and on the component that grants them their cluster-wide pieces", () => {
    expect((dev().outputs.platform as { tenants: string[] }).tenants).toEqual(["staging", "dev-*", "review-*"]);
    const [hosting] = ofType(dev(), "qualisys:platform:TenantHosting");
    expect(hosting.inputs.tenants).toEqual(["staging", "dev-*", "review-*"]);
    const kinds = dev()
      .resources.filter((r) => r.parent === hosting.urn)
      .map((r) => `${r.inputs.kind}/${metadata(r).namespace ?? ""}/${metadata(r).name}`)
      .sort();
    expect(kinds).toEqual([
      "ClusterRole//qualisys:tenant",
      "ClusterRole//qualisys:tenant-workloads",
      "ClusterRoleBinding//qualisys:tenant",
      "ClusterRoleBinding//qualisys:tenant-readers",
      "RoleBinding/playwright-pool/tenant-readers",
      "ValidatingAdmissionPolicy//tenant-ownership.qualisys.io",
      "ValidatingAdmissionPolicyBinding//tenant-ownership.qualisys.io",
    ]);
    expect(ofType(platformOf(runs.staging), "qualisys:platform:TenantHosting")).toHaveLength(1);
  });

  it("protects its network (VPC, subnets, security groups and their rules) and its cluster, and every one deployed keeps its URN", () => {
    const protectedTypes = [
      "qualisys:network:Network",
      "awsx:ec2:Vpc",
      "aws:ec2/securityGroup:SecurityGroup",
      "eks:index:Cluster",
    ];
    // The network's own groups (the deployment runner's is the runner's, with the agent pool ORG protects).
    const network = ofType(dev(), "qualisys:network:Network")[0];
    const shared = dev().resources.filter(
      (r) =>
        protectedTypes.includes(r.type) &&
        (r.type !== "aws:ec2/securityGroup:SecurityGroup" || r.parent === network.urn),
    );
    expect(new Set(shared.map((r) => r.type)).size).toBe(protectedTypes.length);
    for (const r of shared) expect([r.name, r.options.protect]).toEqual([r.name, true]);
    for (const r of ofType(dev(), "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"))
      if (r.parent === network.urn) expect([r.name, r.options.protect]).toEqual([r.name, true]);
    // A lost URN would be a delete and a create: each one dev deployed of these is declared (or aliased), protected.
    const deployed = readFileSync(join(__dirname, "urns", "dev.txt"), "utf8")
      .split("\n")
      .filter((urn) =>
        [
          "::qualisys:network:Network::",
          "qualisys:network:Network$awsx:ec2:Vpc::",
          "qualisys:network:Network$aws:ec2/securityGroup:SecurityGroup::",
          "$eks:index:Cluster::",
        ].some((part) => urn.includes(part)),
      );
    expect(deployed.length).toBeGreaterThanOrEqual(5);
    for (const urn of deployed) {
      const found = shared.find((r) => r.urn === urn || r.options.aliases.includes(urn));
      expect([urn, found?.options.protect]).toEqual([urn, true]);
    }
  });

  it("refuses a change that would replace its network or cluster while it has tenants, naming them", async () => {
    const moved = await runStack("dev", {
      config: { ...devConfig(), "qualisys:network": { ...devConfig()["qualisys:network"], cidr: "10.20.0.0/16" } },
      deployed: deployed(),
    });
    expect(moved.error?.message).toMatch(/^qualisys:tenants: dev hosts staging, dev-\*, review-\*, whose data tier/);
    expect(moved.error?.message).toContain('the VPC\'s CIDR "10.10.0.0/16" → "10.20.0.0/16"');
    const renamed = await runStack("dev", {
      config: { ...devConfig(), "qualisys:appName": "qualisys2" },
      deployed: deployed(),
    });
    expect(renamed.error?.message).toContain('the cluster\'s name "qualisys-dev" → "qualisys2-dev"');
    expect(renamed.error?.message).toContain("security group database");
    for (const r of [moved, renamed])
      expect(r.resources.filter((x) => x.type !== "pulumi:pulumi:StackReference")).toEqual([]);
  });

  it("lets the same change through once its tenants are gone (removed in a deploy of their own)", async () => {
    const config = devConfig();
    delete config["qualisys:tenants"];
    config["qualisys:network"] = { ...config["qualisys:network"], cidr: "10.20.0.0/16" };
    const platform = { ...(dev().outputs.platform as Record<string, unknown>), tenants: [] };
    const after = await runStack("dev", {
      config,
      deployed: { outputs: { ...dev().outputs, platform }, secretOutputNames: [] },
    });
    expect(after.error).toBeUndefined();
    expect(ofType(after, "qualisys:platform:TenantHosting")).toEqual([]);
    expect(ofType(after, "eks:index:Cluster")[0].options.protect).toBe(false);
  });
});

describe("the host contract names what tenants rely on, as the host's record has it", () => {
  const dev = () => hostRuns.dev;
  const contract = () => dev().outputs.platform as Record<string, any>;

  it("its shared infrastructure is the record's own inputs (VPC, subnets, zones, security groups, cluster)", () => {
    const [vpc] = ofType(dev(), "awsx:ec2:Vpc");
    const specs = vpc.inputs.subnetSpecs as { name: string; cidrBlocks: string[] }[];
    const network = ofType(dev(), "qualisys:network:Network")[0];
    const groups = ofType(dev(), "aws:ec2/securityGroup:SecurityGroup").filter((g) => g.parent === network.urn);
    expect(contract().shared).toEqual({
      vpcCidr: vpc.inputs.cidrBlock,
      availabilityZones: vpc.inputs.availabilityZoneNames,
      subnets: Object.fromEntries(specs.map((s) => [s.name, s.cidrBlocks])),
      securityGroups: Object.fromEntries(
        groups.map((g) => [
          g.name.replace("qualisys-dev-", ""),
          { name: g.inputs.name, description: g.inputs.description },
        ]),
      ),
      clusterName: ofType(dev(), "eks:index:Cluster")[0].inputs.name,
    });
  });

  it("its ServiceMonitor selection is the host's Prometheus values, and its CRD API versions are served by the host's pinned charts", () => {
    const release = (chart: string) =>
      ofType(dev(), "kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === chart)!;
    const spec = (release("kube-prometheus-stack").inputs.values as any).prometheus.prometheusSpec;
    expect(contract().kubernetes.monitoring).toEqual({
      namespace: release("kube-prometheus-stack").inputs.namespace,
      serviceMonitorSelector: spec.serviceMonitorSelector,
      serviceMonitorNamespaceSelector: spec.serviceMonitorNamespaceSelector,
    });
    const catalogue = loadCatalogue();
    const served = (chart: string, kind: string) =>
      catalogue.charts[chart].versions[String(release(chart).inputs.version)].crds
        .filter((c) => c.kind === kind)
        .flatMap((c) => c.versions.map((v) => `${c.group}/${v}`));
    const { externalSecrets, serviceMonitor } = contract().kubernetes.apiVersions;
    for (const kind of ["ExternalSecret", "ClusterSecretStore", "SecretStore"])
      expect([kind, served("external-secrets", kind)]).toEqual([kind, expect.arrayContaining([externalSecrets])]);
    expect(served("kube-prometheus-stack", "ServiceMonitor")).toContain(serviceMonitor);
  });

  it("its registry is the host's repositories, by the ARNs and URLs the host's record gives them", () => {
    const repositories = ofType(dev(), "aws:ecr/repository:Repository");
    expect({ ...contract().registry, repositoryArns: [...contract().registry.repositoryArns].sort() }).toEqual({
      repositoryArns: repositories.map((r) => r.outputs.arn).sort(),
      repositoryUrls: Object.fromEntries(repositories.map((r) => [r.inputs.name, r.outputs.repositoryUrl])),
    });
  });
});
