/**
 * The cluster area (SPEC E1–E6, I3, L1, S2), read from the harness record of every stack: pools, control plane,
 * add-ons, IRSA trust, every Kubernetes object validated against the Kubernetes schemas, the warm pool and the edge.
 */
import { parseStackConfig } from "../config/schema";
import {
  engineConfig,
  platformStacks,
  readStackFile,
  runStack,
  UNKNOWN,
  type RecordedResource,
  type StackRun,
} from "../offline/run";
import { validateManifests, type ValidationResult } from "./kubernetes/validate";
import { byId, jsonInput, named, ofType, within } from "../offline/record";
import { appSecrets } from "../components/naming";
import { expectationsOf } from "./expectations";
import { checkPools } from "./stack-checks";

const runs: Record<string, StackRun> = {};
const validations: Record<string, ValidationResult[]> = {};

/** The config of a stack with its own cluster (the stacks this file covers; tests/hosted.test.ts covers the rest). */
const configOf = (stack: string) => {
  const { values, secretKeys } = engineConfig(readStackFile(stack).config);
  const config = parseStackConfig({ project: "qualisys", stack, values, secretKeys });
  if (config.platform) throw new Error(`${stack} runs on ${config.platform.stack}'s platform`);
  return config;
};

/** The Kubernetes objects a run declares (Helm releases are charts, not objects; validated by their tests). */
const kubernetesObjects = (run: StackRun) =>
  run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type !== "kubernetes:helm.sh/v3:Release");

beforeAll(async () => {
  for (const stack of platformStacks) runs[stack] = await runStack(stack);
  // One child process for all stacks: loading the models dominates the cost of validating.
  const objects = platformStacks.map((stack) => kubernetesObjects(runs[stack]).map((r) => r.inputs));
  const results = validateManifests(objects.flat());
  let offset = 0;
  for (const [i, stack] of platformStacks.entries()) {
    validations[stack] = results.slice(offset, offset + objects[i].length);
    offset += objects[i].length;
  }
});

const pool = (run: StackRun, name: string) => named(run, "eks:index:ManagedNodeGroup", `qualisys-${run.stack}-${name}`);

describe.each(platformStacks)("stack %s", (stack) => {
  const cfg = () => configOf(stack);
  const k8sOf = (kind: string) => kubernetesObjects(runs[stack]).filter((r) => r.inputs.kind === kind);

  it("runs without errors", () => {
    expect(runs[stack].error).toBeUndefined();
  });

  it("taints and labels the Playwright pool, pins its AMI release and leaves desired size to the autoscaler", () => {
    const group = pool(runs[stack], "playwright");
    expect(group.remote).toBe(true);
    expect(group.inputs.taints).toEqual([{ key: "dedicated", value: "playwright", effect: "NO_SCHEDULE" }]);
    expect(group.inputs.labels).toMatchObject({ dedicated: "playwright" });
    expect(group.inputs.ignoreScalingChanges).toBe(true);
    expect(group.inputs.releaseVersion).toBe(cfg().cluster.nodeAmiReleaseVersion);
  });

  it("leaves the general pool untainted and its desired size to the autoscaler", () => {
    const group = pool(runs[stack], "general");
    expect(group.inputs.taints ?? []).toEqual([]);
    expect(group.inputs.ignoreScalingChanges).toBe(true);
  });

  it("sizes both pools (types, capacity, bounds, root volume) and the warm placeholders as expected for the stack", () => {
    checkPools(runs[stack], expectationsOf(stack));
  });

  it.each(["general", "playwright"])("launches %s nodes with IMDSv2 only and an encrypted gp3 root volume", (name) => {
    const run = runs[stack];
    const template = byId(run, (pool(run, name).inputs.launchTemplate as { id: string }).id)!;
    expect(template.type).toBe("aws:ec2/launchTemplate:LaunchTemplate");
    expect(template.inputs.metadataOptions).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1 });
    const [root] = template.inputs.blockDeviceMappings as { deviceName: string; ebs: Record<string, unknown> }[];
    expect(root.ebs).toMatchObject({ encrypted: "true", volumeType: "gp3" });
    // The EKS cluster group, and the network's group for the pool (tests/kubernetes-reach.test.ts: who admits it).
    const eks = ofType(run, "eks:index:Cluster")[0];
    const poolGroup = `qualisys-${stack}-${name === "playwright" ? "playwrightNodes" : "nodes"}`;
    expect(template.inputs.vpcSecurityGroupIds).toEqual([
      eks.outputs.clusterSecurityGroupId,
      named(run, "aws:ec2/securityGroup:SecurityGroup", poolGroup).id,
    ]);
  });

  it("tags the Playwright pool's auto scaling group so cluster-autoscaler can scale it from zero", () => {
    const run = runs[stack];
    const asg = (pool(run, "playwright").outputs.nodeGroup as any).resources[0].autoscalingGroups[0].name;
    const tags = ofType(run, "aws:autoscaling/tag:Tag")
      .filter((t) => t.inputs.autoscalingGroupName === asg)
      .map((t) => t.inputs.tag);
    expect(tags).toEqual(
      expect.arrayContaining([
        {
          key: "k8s.io/cluster-autoscaler/node-template/label/dedicated",
          value: "playwright",
          propagateAtLaunch: false,
        },
        {
          key: "k8s.io/cluster-autoscaler/node-template/taint/dedicated",
          value: "playwright:NoSchedule",
          propagateAtLaunch: false,
        },
      ]),
    );
  });

  it("encrypts secrets with the EKS key, logs api/audit/authenticator and keeps the API endpoint private", () => {
    const run = runs[stack];
    const eks = ofType(run, "eks:index:Cluster")[0];
    expect(eks.inputs).toMatchObject({
      name: `qualisys-${stack}`,
      encryptionConfigKeyArn: named(run, "aws:kms/key:Key", `qualisys-${stack}-eks`).outputs.arn,
      endpointPrivateAccess: true,
      endpointPublicAccess: false,
      authenticationMode: "API",
      skipDefaultNodeGroup: true,
      createOidcProvider: true,
    });
    expect(eks.inputs.publicAccessCidrs).toBeUndefined();
    expect(eks.inputs.enabledClusterLogTypes).toEqual(expect.arrayContaining(["api", "audit", "authenticator"]));
    const group = ofType(run, "aws:cloudwatch/logGroup:LogGroup").find(
      (g) => g.inputs.name === `/aws/eks/qualisys-${stack}/cluster`,
    )!;
    expect(group.inputs.kmsKeyId).toEqual(named(run, "aws:kms/key:Key", `qualisys-${stack}-logs`).outputs.arn);
    expect(group.inputs.retentionInDays).toBe(cfg().logRetentionDays);
    expect(eks.dependencies).toContain(group.urn);
  });

  it("protects the cluster from deletion in AWS in prod only, and in Pulumi in prod and while it hosts tenants", () => {
    const eks = ofType(runs[stack], "eks:index:Cluster")[0];
    const hostsTenants = ((readStackFile(stack).config["qualisys:tenants"] as string[] | undefined) ?? []).length > 0;
    expect([eks.options.protect, eks.inputs.deletionProtection]).toEqual([
      stack === "prod" || hostsTenants,
      stack === "prod",
    ]);
  });

  it("maps the devops, developer and cicd roles to Kubernetes groups through access entries", () => {
    const run = runs[stack];
    const entries = ofType(run, "eks:index:Cluster")[0].inputs.accessEntries as Record<string, any>;
    const role = (r: string) => named(run, "aws:iam/role:Role", `qualisys-${stack}-${r}`).outputs.arn;
    expect(
      Object.fromEntries(Object.entries(entries).map(([k, e]) => [k, [e.principalArn, e.kubernetesGroups]])),
    ).toEqual({
      devops: [role("devops"), ["qualisys:devops"]],
      developer: [role("developer"), ["qualisys:developers"]],
      cicd: [role("cicd"), ["qualisys:ci-cd"]],
    });
  });

  it("pins kube-proxy and CoreDNS (CoreDNS as its own add-on after the nodes), leaves the unpinned VPC CNI and EBS CSI driver to AWS's default, and turns on network policy enforcement", () => {
    const run = runs[stack];
    const { addons } = cfg().cluster;
    const eks = ofType(run, "eks:index:Cluster")[0];
    // pulumi-eks would create no CoreDNS add-on here anyway (no default node group): the program says so.
    expect(eks.inputs.corednsAddonOptions).toMatchObject({ enabled: false });
    expect(eks.inputs.kubeProxyAddonOptions).toMatchObject({ version: addons.kubeProxy });
    const addon = (n: string) => ofType(run, "aws:eks/addon:Addon").find((a) => a.inputs.addonName === n)!;
    expect(addon("coredns").inputs.addonVersion).toBe(addons.coredns);
    const nodeGroups = ofType(run, "eks:index:ManagedNodeGroup").map((g) => g.urn);
    expect(nodeGroups).toHaveLength(2);
    expect(addon("coredns").dependencies).toEqual(expect.arrayContaining(nodeGroups));
    // Not pinned in the stack files: the version is AWS's answer at deploy, unknown offline.
    expect([addons.vpcCni, addons.ebsCsiDriver]).toEqual([undefined, undefined]);
    expect(addon("vpc-cni").inputs.addonVersion).toBe(UNKNOWN);
    expect(addon("aws-ebs-csi-driver").inputs.addonVersion).toBe(UNKNOWN);
    expect(JSON.parse(addon("vpc-cni").inputs.configurationValues as string)).toEqual({ enableNetworkPolicy: "true" });
  });

  it("installs each Helm add-on from its official repository at the pinned chart version", () => {
    // The cluster's own add-ons; monitoring ships its charts from its own component.
    const releases = within(runs[stack], "qualisys:cluster:Cluster").filter(
      (r) => r.type === "kubernetes:helm.sh/v3:Release",
    );
    const { charts } = cfg().cluster;
    const actual = Object.fromEntries(
      releases.map((r) => [r.inputs.chart, [(r.inputs.repositoryOpts as { repo: string }).repo, r.inputs.version]]),
    );
    expect(actual).toEqual({
      "cluster-autoscaler": ["https://kubernetes.github.io/autoscaler", charts.clusterAutoscaler],
      "metrics-server": ["https://kubernetes-sigs.github.io/metrics-server/", charts.metricsServer],
      "aws-load-balancer-controller": ["https://aws.github.io/eks-charts", charts.awsLoadBalancerController],
      "external-secrets": ["https://charts.external-secrets.io", charts.externalSecrets],
      "aws-for-fluent-bit": ["https://aws.github.io/eks-charts", charts.fluentBit],
    });
    for (const r of releases) expect(r.inputs.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("trusts every IRSA role for exactly one service account of this cluster, the one its chart runs as", () => {
    const run = runs[stack];
    const eks = ofType(run, "eks:index:Cluster")[0];
    const issuer = eks.outputs.oidcIssuer as string;
    const irsa = within(run, "qualisys:cluster:Cluster").filter(
      (r) => r.type === "aws:iam/role:Role" && /Federated.*oidc\.eks/.test(String(r.inputs.assumeRolePolicy)),
    );
    const subjects = Object.fromEntries(
      irsa.map((role) => {
        const [statement, ...rest] = jsonInput(role, "assumeRolePolicy").Statement;
        expect(rest).toEqual([]);
        expect(statement.Principal).toEqual({ Federated: eks.outputs.oidcProviderArn });
        expect(statement.Condition.StringEquals[`${issuer}:aud`]).toBe("sts.amazonaws.com");
        return [role.name.replace(`qualisys-${stack}-`, ""), statement.Condition.StringEquals[`${issuer}:sub`]];
      }),
    );
    expect(subjects).toEqual({
      "vpc-cni": "system:serviceaccount:kube-system:aws-node",
      "ebs-csi-driver": "system:serviceaccount:kube-system:ebs-csi-controller-sa",
      "cluster-autoscaler": "system:serviceaccount:kube-system:cluster-autoscaler",
      "aws-load-balancer-controller": "system:serviceaccount:kube-system:aws-load-balancer-controller",
      "external-secrets": "system:serviceaccount:external-secrets:external-secrets",
      "fluent-bit": "system:serviceaccount:kube-system:aws-for-fluent-bit",
    });
    // The chart's service account carries that role and the name the trust expects.
    const release = (chart: string) =>
      ofType(run, "kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === chart)!;
    const sa = (chart: string, path: string[]) => path.reduce<any>((v, k) => v[k], release(chart).inputs.values);
    const roleArn = (r: string) => named(run, "aws:iam/role:Role", `qualisys-${stack}-${r}`).outputs.arn;
    expect(sa("cluster-autoscaler", ["rbac", "serviceAccount"])).toMatchObject({
      name: "cluster-autoscaler",
      annotations: { "eks.amazonaws.com/role-arn": roleArn("cluster-autoscaler") },
    });
    expect(sa("aws-load-balancer-controller", ["serviceAccount"])).toMatchObject({
      name: "aws-load-balancer-controller",
      annotations: { "eks.amazonaws.com/role-arn": roleArn("aws-load-balancer-controller") },
    });
    expect(sa("external-secrets", ["serviceAccount"])).toMatchObject({
      name: "external-secrets",
      annotations: { "eks.amazonaws.com/role-arn": roleArn("external-secrets") },
    });
    expect(sa("aws-for-fluent-bit", ["serviceAccount"])).toMatchObject({
      name: "aws-for-fluent-bit",
      annotations: { "eks.amazonaws.com/role-arn": roleArn("fluent-bit") },
    });
  });

  it("scopes every write action on `*` in a cluster IAM policy to resources tagged for this cluster", () => {
    const readOnly = (action: string) => /^[a-z0-9-]+:(Describe|Get|List)/.test(action);
    const policies = ofType(runs[stack], "aws:iam/rolePolicy:RolePolicy").filter((p) => p.parent?.includes("Cluster"));
    expect(policies.length).toBe(4);
    const writesOnAny = policies.flatMap((policy) =>
      (jsonInput(policy, "policy").Statement as { Sid: string; Action: unknown; Resource: unknown; Condition?: any }[])
        .filter((s) => [s.Resource].flat().includes("*") && !([s.Action].flat() as string[]).every(readOnly))
        .map((s) => ({ policy: policy.name, sid: s.Sid, condition: s.Condition })),
    );
    // The load balancer controller and cluster-autoscaler write on `*`; the loop below must see them.
    expect(writesOnAny.length).toBeGreaterThan(0);
    const cluster = `qualisys-${stack}`;
    for (const { policy, sid, condition } of writesOnAny) {
      // One StringEquals on a resource or request tag that names this cluster, by its key or its value.
      const [[key, value], ...more] = Object.entries(condition?.StringEquals ?? {}) as [string, string][];
      expect({ policy, sid, operators: Object.keys(condition ?? {}), more }).toEqual({
        policy,
        sid,
        operators: ["StringEquals"],
        more: [],
      });
      expect([policy, sid, key]).toEqual([policy, sid, expect.stringMatching(/^aws:(Resource|Request)Tag\//)]);
      expect([policy, sid, key.endsWith(`/${cluster}`) ? value : value === cluster]).toEqual(
        key.endsWith(`/${cluster}`) ? [policy, sid, "owned"] : [policy, sid, true],
      );
    }
  });

  it("declares only Kubernetes objects that validate against the Kubernetes schemas", () => {
    const results = validations[stack];
    expect(results.length).toBeGreaterThan(30);
    const failures = results.filter((r) => !r.ok && !r.unsupported);
    expect(failures).toEqual([]);
    // The only kind without a published model: the load balancer controller's IngressClassParams CRD.
    expect(results.filter((r) => r.unsupported).map((r) => r.kind)).toEqual(["IngressClassParams"]);
  });

  it("creates the app, playwright-pool and monitoring namespaces with Pod Security Standards labels", () => {
    const names = within(runs[stack], "qualisys:cluster:Cluster")
      .filter((r) => r.type === "kubernetes:core/v1:Namespace")
      .map((n) => (n.inputs.metadata as any).name);
    expect(names.sort()).toEqual(
      [...cfg().cluster.namespaces, "external-secrets", "monitoring", "playwright-pool"].sort(),
    );
    for (const ns of k8sOf("Namespace")) {
      expect((ns.inputs.metadata as any).labels["pod-security.kubernetes.io/enforce"]).toMatch(
        /^(restricted|baseline|privileged)$/,
      );
    }
    expect(k8sOf("ResourceQuota").map((q) => (q.inputs.metadata as any).namespace)).toEqual(["playwright-pool"]);
    expect(k8sOf("LimitRange").map((q) => (q.inputs.metadata as any).namespace)).toEqual(["playwright-pool"]);
  });

  it("denies all traffic by default in every platform and app namespace", () => {
    const denies = k8sOf("NetworkPolicy").filter((p) => (p.inputs.metadata as any).name === "default-deny");
    expect(denies.map((p) => (p.inputs.metadata as any).namespace).sort()).toEqual(
      [...cfg().cluster.namespaces, "monitoring", "playwright-pool"].sort(),
    );
    for (const p of denies) expect(p.inputs.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  });

  it("keeps placeholder pods on the Playwright pool only, at a priority every real pod preempts", () => {
    const run = runs[stack];
    const group = pool(run, "playwright");
    const [deployment] = k8sOf("Deployment");
    const podSpec = (deployment.inputs.spec as any).template.spec;
    const [taint] = group.inputs.taints as { key: string; value: string; effect: string }[];
    const eksEffect: Record<string, string> = { NoSchedule: "NO_SCHEDULE", NoExecute: "NO_EXECUTE" };
    expect(podSpec.tolerations).toHaveLength(1);
    const [tol] = podSpec.tolerations;
    expect([tol.key, tol.operator, tol.value, eksEffect[tol.effect]]).toEqual([
      taint.key,
      "Equal",
      taint.value,
      taint.effect,
    ]);
    expect(group.inputs.labels).toMatchObject(podSpec.nodeSelector);
    expect(Object.keys(podSpec.nodeSelector).length).toBeGreaterThan(0);
    expect((deployment.inputs.spec as any).replicas).toBe(cfg().cluster.playwrightNodes.warmPlaceholders);
    const [priority] = k8sOf("PriorityClass");
    expect(podSpec.priorityClassName).toBe((priority.inputs.metadata as any).name);
    expect(priority.inputs).toMatchObject({ preemptionPolicy: "Never", globalDefault: false });
    expect(priority.inputs.value).toBeLessThan(0);
  });

  it("syncs every application secret into each app namespace from the aws-secrets-manager store", () => {
    const [store] = k8sOf("ClusterSecretStore");
    expect((store.inputs.metadata as any).name).toBe("aws-secrets-manager");
    expect((store.inputs.spec as any).provider.aws).toMatchObject({ service: "SecretsManager", region: cfg().region });
    // It serves this stack's namespaces only: a namespace another stack owns on this cluster cannot read through it.
    expect((store.inputs.spec as any).conditions).toEqual([
      { namespaces: [...cfg().cluster.namespaces, "monitoring"] },
    ]);
    for (const ns of cfg().cluster.namespaces) {
      const synced = k8sOf("ExternalSecret").filter((e) => (e.inputs.metadata as any).namespace === ns);
      expect(synced.map((e) => (e.inputs.spec as any).data[0].remoteRef.key).sort()).toEqual(
        appSecrets.map((s) => `qualisys-${stack}/${s}`).sort(),
      );
      for (const e of synced)
        expect((e.inputs.spec as any).secretStoreRef).toEqual({
          kind: "ClusterSecretStore",
          name: "aws-secrets-manager",
        });
    }
  });

  it("rate-limits each IP to 1000 requests a minute and applies the AWS common rules; a certificate only with a domain", () => {
    const run = runs[stack];
    const [acl] = ofType(run, "aws:wafv2/webAcl:WebAcl");
    expect(acl.inputs.scope).toBe("REGIONAL");
    const rules = acl.inputs.rules as any[];
    expect(rules.map((r) => r.statement.rateBasedStatement).filter(Boolean)).toEqual([
      { limit: 1000, evaluationWindowSec: 60, aggregateKeyType: "IP" },
    ]);
    expect(rules.map((r) => r.statement.managedRuleGroupStatement?.name)).toContain("AWSManagedRulesCommonRuleSet");
    const { domain } = cfg();
    expect(ofType(run, "aws:acm/certificate:Certificate").length).toBe(domain ? 1 : 0);
    expect(ofType(run, "aws:route53/record:Record").length).toBe(domain ? 3 : 0);
    expect(
      (run.outputs.ingressAnnotations as Record<string, string>)["alb.ingress.kubernetes.io/load-balancer-name"],
    ).toBe(`qualisys-${stack}-alb`);
  });
});

// Prod must have a domain (config/schema.ts), so its record is the one with a certificate.
const withDomain = () => platformStacks.filter((stack) => configOf(stack).domain !== undefined);

describe("with a domain", () => {
  it("is prod, at least", () => {
    expect(withDomain()).toContain("prod");
  });

  it.each(withDomain())(
    "%s: validates a certificate for app, api and grafana in the hosted zone; HTTPS, HTTP only as a redirect",
    (stack) => {
      const run = runs[stack];
      const { domain, cluster } = configOf(stack);
      const [cert] = ofType(run, "aws:acm/certificate:Certificate");
      expect([cert.inputs.domainName, ...(cert.inputs.subjectAlternativeNames as string[])]).toEqual(
        ["app", "api", "grafana"].map((host) => `${host}.${domain}`),
      );
      expect(cert.inputs.validationMethod).toBe("DNS");
      const records = ofType(run, "aws:route53/record:Record");
      expect(records.map((r) => r.inputs.zoneId)).toEqual(Array(3).fill(cluster.hostedZoneId));
      const annotations = run.outputs.ingressAnnotations as Record<string, string>;
      expect(JSON.parse(annotations["alb.ingress.kubernetes.io/listen-ports"])).toEqual([{ HTTP: 80 }, { HTTPS: 443 }]);
      expect(annotations["alb.ingress.kubernetes.io/ssl-redirect"]).toBe("443");
      expect(annotations["alb.ingress.kubernetes.io/certificate-arn"]).toBe(
        ofType(run, "aws:acm/certificateValidation:CertificateValidation")[0].outputs.certificateArn,
      );
    },
  );
});

describe("Kubernetes schema validation", () => {
  const deployment = () =>
    structuredClone(
      kubernetesObjects(runs.dev).find((r: RecordedResource) => r.inputs.kind === "Deployment")!.inputs,
    ) as any;

  it("rejects a typo in a required field and a value of the wrong type", () => {
    const misspelt = deployment();
    misspelt.spec.template.spec.containrs = misspelt.spec.template.spec.containers;
    delete misspelt.spec.template.spec.containers;
    const wrongType = deployment();
    wrongType.spec.replicas = "two";
    const [a, b, c] = validateManifests([deployment(), misspelt, wrongType]);
    expect(a.ok).toBe(true);
    expect(b).toMatchObject({ ok: false, error: expect.stringMatching(/containers/) });
    expect(c).toMatchObject({ ok: false, error: expect.stringMatching(/replicas/) });
  });
});
