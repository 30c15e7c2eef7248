import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import {
  externalSecrets,
  namespacePlan,
  networkPolicies,
  placeholderDeployment,
  playwrightQuota,
  rbac,
  typed,
  type Manifest,
} from "./manifests";

const network = { vpcCidr: "10.0.0.0/16", loadBalancerCidrs: ["10.0.128.0/23", "10.0.130.0/23"] };
const spec = (m: Manifest) => m.spec as any;

describe("namespaces and network policies", () => {
  it("enforces restricted in app namespaces, baseline on the pool, privileged only in monitoring", () => {
    expect(namespacePlan(["dev"]).map((n) => [n.name, n.enforce])).toEqual([
      ["dev", "restricted"],
      ["playwright-pool", "baseline"],
      ["monitoring", "privileged"],
    ]);
  });

  it("starts every namespace with a default deny in both directions", () => {
    for (const plan of namespacePlan(["production"])) {
      const [first] = networkPolicies(plan, network);
      expect(first.metadata.name).toBe("default-deny");
      expect(first.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    }
  });

  it("lets the ALB's subnets into app namespaces but not into the Playwright pool", () => {
    const [app, pool] = namespacePlan(["dev"]);
    const fromLb = (plan: typeof app) =>
      networkPolicies(plan, network).find((p) => p.metadata.name === "allow-from-load-balancer");
    expect(spec(fromLb(app)!).ingress[0].from).toEqual(
      network.loadBalancerCidrs.map((cidr) => ({ ipBlock: { cidr } })),
    );
    expect(fromLb(pool)).toBeUndefined();
  });
});

describe("RBAC", () => {
  const bindings = rbac(["staging", "production"]).filter((m) => m.kind === "RoleBinding");
  const role = (ns: string, name: string) =>
    (bindings.find((b) => b.metadata.namespace === ns && b.metadata.name === name)!.roleRef as { name: string }).name;

  it("lets developers deploy to staging but only view production", () => {
    expect(role("staging", "developers")).toBe("qualisys:developer");
    expect(role("production", "developers")).toBe("view");
    expect(role("production", "ci-cd")).toBe("qualisys:deployer");
  });

  it("never grants developers or CI access to Secrets", () => {
    for (const clusterRole of rbac(["dev"]).filter((m) => m.kind === "ClusterRole")) {
      for (const rule of clusterRole.rules as { resources: string[] }[])
        expect(rule.resources).not.toContain("secrets");
    }
  });
});

describe("Playwright pool", () => {
  it("caps the namespace at the pool's capacity at maximum size", () => {
    expect(spec(playwrightQuota({ instanceType: "c5.xlarge", maxSize: 20 })).hard).toMatchObject({
      "requests.cpu": "80",
      "requests.memory": "160Gi",
    });
  });

  it("refuses a placeholder that cannot fit on one node", () => {
    expect(() => placeholderDeployment({ replicas: 1, cpu: "4", memory: "5Gi", instanceType: "c5.xlarge" })).toThrow(
      /cannot fit on a c5.xlarge/,
    );
    expect(() => placeholderDeployment({ replicas: 1, cpu: "3", memory: "8Gi", instanceType: "c5.xlarge" })).toThrow();
  });

  it("sizes placeholders from config and spreads them one per node", () => {
    const d = spec(placeholderDeployment({ replicas: 3, cpu: "3500m", memory: "6Gi", instanceType: "c5.xlarge" }));
    expect(d.replicas).toBe(3);
    expect(d.template.spec.containers[0].resources.requests).toEqual({ cpu: "3500m", memory: "6Gi" });
    expect(d.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe(
      "kubernetes.io/hostname",
    );
  });
});

describe("typed manifests", () => {
  it("turn a misspelt field into a compile error (checked by npm run typecheck)", () => {
    const manifest = typed<IDeployment>({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "typo" },
      spec: {
        // @ts-expect-error `replica` is not a DeploymentSpec field: if this ever compiles, typecheck fails here.
        replica: 1,
        selector: {},
        template: {},
      },
    });
    expect(manifest.kind).toBe("Deployment");
  });
});

describe("secrets sync", () => {
  it("maps each application secret to its Secrets Manager name under the stack prefix", () => {
    const synced = externalSecrets("qualisys-prod", "production");
    expect(synced).toHaveLength(8);
    expect(spec(synced.find((e) => e.metadata.name === "database-url")!).data).toEqual([
      { secretKey: "value", remoteRef: { key: "qualisys-prod/database-url" } },
    ]);
  });
});
