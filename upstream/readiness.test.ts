/**
 * Each readiness check catches a fault planted into a copy of the dev stack's real record, and stays quiet on the
 * parts of the record it is not about.
 */
import { remodel } from "../offline/children";
import { readStackFile, runStack, type RecordedResource } from "../offline/run";
import { loadCatalogue } from "./catalogue";
import { valuesPaths, templatePaths } from "./chart-facts";
import { checkReadiness, formatReadiness, type Finding } from "./readiness";
import { amiReleasesFromChangelog } from "./extract";
import { newestAmiFirst, satisfies } from "./semver";

const catalogue = loadCatalogue();
let record: RecordedResource[];
beforeAll(async () => {
  const run = await runStack("dev");
  record = run.resources;
});

const copy = (): RecordedResource[] => JSON.parse(JSON.stringify(record));
const find = (resources: RecordedResource[], test: (r: RecordedResource) => boolean) => {
  const found = resources.find(test);
  if (!found) throw new Error("resource not found in the dev record");
  return found;
};
const release = (resources: RecordedResource[], chart: string) =>
  find(resources, (r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === chart);
/**
 * Findings the plant added (the record's own findings are the baseline). A fault planted in a remote component's
 * inputs reaches the children a real preview shows (offline/children), which the checks judge.
 */
const planted = (resources: RecordedResource[]): Finding[] => {
  const baseline = new Set(checkReadiness(record, catalogue).findings.map((f) => JSON.stringify(f)));
  const region = String(readStackFile("dev").config["aws:region"]);
  return checkReadiness(remodel(resources, region), catalogue).findings.filter((f) => !baseline.has(JSON.stringify(f)));
};

describe("deploy readiness catches planted faults", () => {
  it("on a stack hosted on another's platform: its objects need the host's CRDs, at versions the host serves", async () => {
    const staging = await runStack("staging");
    const host = staging.host!.resources;
    expect(checkReadiness(staging.resources, catalogue, host).findings).toEqual([]);
    // Without the host's external-secrets release, nothing serves SecretStore or ExternalSecret.
    const withoutEso = host.filter(
      (r) => !(r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === "external-secrets"),
    );
    const missing = checkReadiness(staging.resources, catalogue, withoutEso).findings;
    expect(missing.length).toBeGreaterThan(0);
    expect(
      missing.every(
        (f) =>
          f.severity === "blocking" &&
          /no release installs a CRD for (SecretStore|ClusterSecretStore|ExternalSecret)\.external-secrets\.io/.test(
            f.message,
          ),
      ),
    ).toBe(true);
    // An object at a version the host's CRD does not serve.
    const older = JSON.parse(JSON.stringify(staging.resources)) as RecordedResource[];
    const store = older.find((r) => r.type === "kubernetes:external-secrets.io/v1:SecretStore")!;
    store.type = "kubernetes:external-secrets.io/v0alpha9:SecretStore";
    expect(checkReadiness(older, catalogue, host).findings).toEqual([
      expect.objectContaining({
        severity: "blocking",
        message: expect.stringMatching(/SecretStore\.external-secrets\.io is served as .*, not v0alpha9/),
      }),
    ]);
  });

  it("an unpublished chart version, named with its chart", () => {
    const resources = copy();
    const published = catalogue.charts["cluster-autoscaler"].published;
    expect(published).not.toContain("9.58.1");
    release(resources, "cluster-autoscaler").inputs.version = "9.58.1";
    expect(planted(resources)).toEqual([
      expect.objectContaining({
        check: "chart-version",
        severity: "blocking",
        resource: "qualisys-dev-cluster-autoscaler",
        message: expect.stringMatching(/chart cluster-autoscaler 9\.58\.1 was never published/),
      }),
    ]);
  });

  it("a chart version newer than the catalogue is unverified, not blocking", () => {
    const resources = copy();
    release(resources, "metrics-server").inputs.version = "99.0.0";
    const found = planted(resources);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: "unverified", message: expect.stringContaining("catalog:refresh") });
  });

  it("a chart whose kubeVersion refuses the cluster's version", () => {
    const narrowed = structuredClone(catalogue);
    narrowed.charts["metrics-server"].versions["3.13.1"].kubeVersion = ">=1.21.0-0 <1.35.0-0";
    const found = checkReadiness(record, narrowed).findings.filter((f) => f.check === "chart-version");
    expect(found).toEqual([
      expect.objectContaining({
        severity: "blocking",
        resource: "qualisys-dev-metrics-server",
        message: "chart metrics-server 3.13.1 requires Kubernetes >=1.21.0-0 <1.35.0-0; the cluster is 1.35",
      }),
    ]);
  });

  it("a misspelled values key, named with its full path and the release", () => {
    const resources = copy();
    const values = release(resources, "cluster-autoscaler").inputs.values as any;
    values.rbac.serviceAccount.nmae = values.rbac.serviceAccount.name;
    delete values.rbac.serviceAccount.name;
    expect(planted(resources)).toEqual([
      expect.objectContaining({
        check: "values",
        severity: "blocking",
        resource: "qualisys-dev-cluster-autoscaler",
        message: expect.stringMatching(
          /values key rbac\.serviceAccount\.nmae does not exist .*did you mean rbac\.serviceAccount\.name/,
        ),
      }),
    ]);
  });

  it("a misspelled key in a subchart's values (grafana inside kube-prometheus-stack)", () => {
    const resources = copy();
    const grafana = (release(resources, "kube-prometheus-stack").inputs.values as any).grafana;
    grafana.persistence.storageClass = grafana.persistence.storageClassName;
    expect(planted(resources)).toEqual([
      expect.objectContaining({
        check: "values",
        resource: "qualisys-dev-kube-prometheus-stack",
        message: expect.stringMatching(/values key grafana\.persistence\.storageClass does not exist/),
      }),
    ]);
  });

  it("accepts any key under a free-form map (extraArgs, podAnnotations, resources)", () => {
    const resources = copy();
    const values = release(resources, "cluster-autoscaler").inputs.values as any;
    values.extraArgs["scale-down-delay-after-add"] = "5m";
    values.podAnnotations = { "example.com/anything": "x" };
    values.resources.limits.cpu = "1";
    expect(planted(resources)).toEqual([]);
  });

  it("a custom resource without a dependency path to the release that installs its CRD", () => {
    const resources = copy();
    const secret = find(resources, (r) => r.name === "qualisys-dev-externalsecret-dev-database-url");
    expect(checkReadiness(record, catalogue).findings.filter((f) => f.resource === secret.name)).toEqual([]);
    secret.dependencies = secret.dependencies.filter((d) => !d.includes("ClusterSecretStore"));
    expect(planted(resources)).toEqual([
      expect.objectContaining({
        check: "first-create",
        severity: "blocking",
        resource: "qualisys-dev-externalsecret-dev-database-url",
        message: expect.stringMatching(/before the CRD its kind needs \(release qualisys-dev-external-secrets\)/),
      }),
    ]);
  });

  it("a custom resource whose API version no installed CRD serves", () => {
    const resources = copy();
    const store = find(resources, (r) => r.type.endsWith(":ClusterSecretStore"));
    store.type = "kubernetes:external-secrets.io/v1alpha1:ClusterSecretStore";
    expect(planted(resources)).toEqual([
      expect.objectContaining({
        check: "custom-resources",
        message: expect.stringMatching(/served as v1, not v1alpha1/),
      }),
    ]);
  });

  it("CRDs a release installs only when a value allows it (external-secrets installCRDs: false)", () => {
    const resources = copy();
    (release(resources, "external-secrets").inputs.values as any).installCRDs = false;
    expect(planted(resources).filter((f) => f.check === "custom-resources").length).toBeGreaterThan(0);
  });

  it("a built-in kind at an API version the cluster does not serve", () => {
    const resources = copy();
    const policy = find(resources, (r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy");
    policy.type = "kubernetes:networking.k8s.io/v1beta1:NetworkPolicy";
    expect(planted(resources)).toEqual([
      expect.objectContaining({ check: "custom-resources", resource: policy.name, severity: "blocking" }),
    ]);
  });

  it("an add-on version unknown for the cluster's minor", () => {
    const resources = copy();
    const cluster = find(resources, (r) => r.type === "eks:index:Cluster");
    (cluster.inputs.kubeProxyAddonOptions as any).version = "v1.34.6-eksbuild.2";
    expect(planted(resources)).toEqual([
      expect.objectContaining({
        check: "addons",
        severity: "blocking",
        message: expect.stringMatching(/kube-proxy v1\.34\.6-eksbuild\.2 is not a known version for Kubernetes 1\.35/),
      }),
    ]);
  });

  it("a managed add-on pinned to a build unknown for the minor (CoreDNS)", () => {
    const resources = copy();
    const coredns = find(resources, (r) => r.type === "aws:eks/addon:Addon" && r.inputs.addonName === "coredns");
    expect(catalogue.eksAddons.coredns["1.35"].versions).not.toContain("v1.11.1-eksbuild.9");
    coredns.inputs.addonVersion = "v1.11.1-eksbuild.9";
    expect(planted(resources)).toEqual([
      expect.objectContaining({
        check: "addons",
        severity: "blocking",
        resource: coredns.name,
        message: expect.stringMatching(/coredns v1\.11\.1-eksbuild\.9 is not a known version for Kubernetes 1\.35/),
      }),
    ]);
  });

  it("lists the add-ons left to AWS's default as resolved at deploy, not as findings", () => {
    const readiness = checkReadiness(record, catalogue);
    expect(readiness.findings.filter((f) => f.check === "addons")).toEqual([]);
    expect(readiness.resolvedAtDeploy.map((a) => a.addon).sort()).toEqual(["aws-ebs-csi-driver", "vpc-cni"]);
    expect(formatReadiness(readiness)).toMatch(/\[resolved by AWS at deploy\] addons: .*vpc-cni/);
  });

  it("warns, without blocking, when upstream's support table does not test the pinned external-secrets line on the cluster's minor", () => {
    const support = checkReadiness(record, catalogue).findings.filter((f) => f.check === "support");
    expect(support).toEqual([
      expect.objectContaining({
        severity: "warning",
        resource: release(record, "external-secrets").name,
        message: expect.stringMatching(
          /external-secrets 2\.9\.0 \(v2\.9\.0\): upstream tests line 2\.9 on Kubernetes 1\.36, not 1\.35/,
        ),
      }),
    ]);
  });

  describe("the cluster's version on the EKS calendar", () => {
    const withVersion = (version: string) => {
      const resources = copy();
      find(resources, (r) => r.type === "eks:index:Cluster").inputs.version = version;
      return resources;
    };
    const calendarFindings = (resources: RecordedResource[], today: string) =>
      checkReadiness(resources, catalogue, [], today).findings.filter((f) => f.check === "eks-version");

    it("warns about a version past standard support, saying it is billed at the extended-support rate", () => {
      expect(calendarFindings(withVersion("1.34"), "2026-12-05")).toEqual([
        expect.objectContaining({
          severity: "warning",
          message: expect.stringMatching(/1\.34 left EKS standard support on 2026-12-02.*extended-support rate/),
        }),
      ]);
    });

    it("warns about a version leaving standard support within 90 days, and not before", () => {
      expect(calendarFindings(record, "2026-12-05")).toEqual([]);
      expect(calendarFindings(record, "2026-12-28")).toEqual([
        expect.objectContaining({
          severity: "warning",
          message: expect.stringMatching(/leaves EKS standard support on 2027-03-27 \(in 89 days\)/),
        }),
      ]);
    });

    it("reports a version without calendar dates as unverified, and one the calendar does not know as blocking, both naming the refresh command", () => {
      expect(calendarFindings(withVersion("1.36"), "2026-12-05")).toEqual([
        expect.objectContaining({ severity: "unverified", message: expect.stringMatching(/npm run catalog:refresh/) }),
      ]);
      expect(calendarFindings(withVersion("1.40"), "2026-12-05")).toEqual([
        expect.objectContaining({ severity: "blocking", message: expect.stringMatching(/npm run catalog:refresh/) }),
      ]);
    });
  });

  it("an AMI release that does not exist for the minor; a newer one is only unverified", () => {
    const resources = copy();
    const pools = resources.filter((r) => r.type === "eks:index:ManagedNodeGroup");
    expect(catalogue.amiReleases["1.35"].versions).not.toContain("1.35.5-20260101");
    pools[0].inputs.releaseVersion = "1.35.5-20260101";
    pools[1].inputs.releaseVersion = "1.35.9-20270101";
    const found = planted(resources);
    expect(found).toEqual([
      expect.objectContaining({
        check: "ami",
        severity: "blocking",
        resource: pools[0].name,
        message: expect.stringMatching(/1\.35\.5-20260101 does not exist for Kubernetes 1\.35/),
      }),
      expect.objectContaining({ check: "ami", severity: "unverified", resource: pools[1].name }),
    ]);
  });

  it("an autoscaler whose minor is not the cluster's", () => {
    const resources = copy();
    (release(resources, "cluster-autoscaler").inputs.values as any).image = { tag: "v1.32.0" };
    expect(planted(resources)).toEqual(
      expect.arrayContaining([expect.objectContaining({ check: "autoscaler", severity: "blocking" })]),
    );
  });

  it("first create: a namespaced resource, the Kubernetes provider and an IRSA service account wait for what they need", () => {
    const resources = copy();
    const quota = find(resources, (r) => r.type === "kubernetes:core/v1:ResourceQuota");
    quota.dependencies = [];
    const provider = find(resources, (r) => r.type === "pulumi:providers:kubernetes" && !r.modelled);
    provider.dependencies = [];
    const sa = find(resources, (r) => r.type === "kubernetes:core/v1:ServiceAccount");
    sa.dependencies = sa.dependencies.filter((d) => !d.includes("aws:iam/role:Role"));
    const messages = planted(resources).map((f) => `${f.resource}: ${f.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${quota.name}: may be created before its namespace playwright-pool`)),
        expect.stringMatching(/qualisys-dev-k8s: may be created before the cluster it connects to/),
        expect.stringMatching(new RegExp(`^${sa.name}: may be created before the IRSA role`)),
      ]),
    );
  });
});

describe("catalogue helpers", () => {
  it("reads key paths and free-form maps from values and templates", () => {
    expect(valuesPaths({ a: { b: 1, c: {} }, d: [1], e: null })).toEqual({
      keys: ["a", "a.b", "a.c", "d", "e"],
      freeForm: ["a.c", "e"],
    });
    const t = templatePaths([
      "{{ .Values.x.y }} {{- toYaml .Values.podLabels | nindent 4 }}",
      "{{- with .Values.nodeSelector }}\n  nodeSelector:\n    {{- toYaml . | nindent 8 }}\n{{- end }}",
      "{{- range $k, $v := .Values.extraArgs }}",
      '{{- range $section, $keys := index .Values "grafana.ini" }}',
    ]);
    expect(t.keys).toEqual(expect.arrayContaining(["x", "x.y", "podLabels", "nodeSelector", "extraArgs"]));
    expect(t.freeForm.sort()).toEqual(["extraArgs", "grafana.ini", "nodeSelector", "podLabels"]);
  });

  it("reads AL2023 release versions per minor from release notes, newest first", () => {
    const notes = (date: string, patch: string) =>
      `# AMI Release v${date}\n<details><summary><b>Kubernetes 1.35</b></summary><table><tr>` +
      `<td>amazon-eks-node-al2023-x86_64-standard-1.35-v${date}</td><td rowspan="5">1.35.${patch}-${date}</td>` +
      `</tr></table></details>\n`;
    const releases = amiReleasesFromChangelog(notes("20260714", "13") + notes("20260403", "8"));
    expect(releases).toEqual({ "1.35": ["1.35.13-20260714", "1.35.8-20260403"] });
    expect(["1.33.8-20260403", "1.33.13-20260714"].sort(newestAmiFirst)).toEqual([
      "1.33.13-20260714",
      "1.33.8-20260403",
    ]);
  });

  it("tests Helm kubeVersion constraints", () => {
    expect(satisfies("1.35", ">= 1.19.0-0")).toBe(true);
    expect(satisfies("1.35", ">=1.25.0-0")).toBe(true);
    expect(satisfies("1.35", ">=1.21.0-0 <1.35.0-0")).toBe(false);
    expect(satisfies("1.35", "<1.30.0 || >=1.34.0")).toBe(true);
  });
});
