/**
 * The host contract's reader and the host's change check: every way a host can fail to serve a tenant names the key
 * and says which side to deploy first; a host change that would replace what tenants run on is refused by name.
 */
import {
  checkHostChange,
  hostContractVersion,
  platformRefProblems,
  readPlatformRef,
  sharedInfrastructureChanges,
  type PlatformRef,
  type SharedInfrastructure,
  type TenantKubernetes,
} from "./contract";

const kubernetes: TenantKubernetes = {
  tenantsGroup: "qualisys:tenants",
  tenantGroupPrefix: "qualisys:tenant:",
  readersGroup: "qualisys:tenant-readers",
  clusterRoles: {
    developer: "qualisys:developer",
    deployer: "qualisys:deployer",
    workloads: "qualisys:tenant-workloads",
  },
  apiVersions: { externalSecrets: "external-secrets.io/v1", serviceMonitor: "monitoring.coreos.com/v1" },
  monitoring: { namespace: "monitoring", serviceMonitorSelector: {}, serviceMonitorNamespaceSelector: {} },
};
const shared: SharedInfrastructure = {
  vpcCidr: "10.10.0.0/16",
  availabilityZones: ["us-east-1a", "us-east-1b"],
  subnets: {
    public: ["10.10.128.0/23", "10.10.130.0/23"],
    private: ["10.10.0.0/19", "10.10.32.0/19"],
    database: ["10.10.136.0/24", "10.10.137.0/24"],
  },
  securityGroups: { database: { name: "qualisys-dev-database", description: "RDS PostgreSQL" } },
  clusterName: "qualisys-dev",
};
const ref: PlatformRef = {
  version: hostContractVersion,
  stack: "dev",
  tenants: ["staging", "dev-*"],
  region: "us-east-1",
  accountId: "123456789012",
  vpcId: "vpc-0abc",
  vpcCidr: "10.10.0.0/16",
  databaseSubnetIds: ["subnet-1", "subnet-2"],
  loadBalancerCidrs: ["10.10.128.0/23", "10.10.130.0/23"],
  securityGroupIds: { database: "sg-2", cache: "sg-3" },
  clusterName: "qualisys-dev",
  oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X",
  oidcIssuer: "oidc.eks.us-east-1.amazonaws.com/id/X",
  nodeRoleArn: "arn:aws:iam::123456789012:role/qualisys-dev-nodes",
  namespaces: ["dev", "monitoring", "staging-old"],
  ingressClassName: "alb",
  ingressAnnotations: { "alb.ingress.kubernetes.io/group.name": "qualisys-dev" },
  kubernetes,
  registry: {
    repositoryUrls: { "qualisys-api": "123456789012.dkr.ecr.us-east-1.amazonaws.com/qualisys-api" },
    repositoryArns: ["arn:aws:ecr:us-east-1:123456789012:repository/qualisys-api"],
  },
  shared,
};
const check = {
  stack: "staging",
  accountId: "123456789012",
  region: "us-east-1",
  host: "qualisys/qualisys/dev",
  kubernetes: structuredClone(kubernetes),
};

it("accepts a complete contract of this version from a host that declares the tenant", () => {
  expect(platformRefProblems(ref)).toEqual([]);
  expect(readPlatformRef(ref, check)).toBe(ref);
  expect(readPlatformRef(ref, { ...check, stack: "dev-alice" })).toBe(ref);
});

it("says to deploy the host first when it has not been deployed", () => {
  expect(() => readPlatformRef(undefined, check)).toThrow(
    "qualisys:platform.stack (qualisys/qualisys/dev): the host's `platform` output is missing. Deploy the host stack first (`pulumi up -s qualisys/qualisys/dev`), then this one.",
  );
});

describe("a skewed pair", () => {
  it("an older host (contract v1, without a version field) is refused: deploy the host first", () => {
    const v1: Partial<PlatformRef> = structuredClone(ref);
    delete v1.version;
    delete v1.kubernetes;
    expect(() => readPlatformRef(v1, check)).toThrow(
      `qualisys:platform.stack (qualisys/qualisys/dev): the host publishes platform contract v1; this program (and so staging) needs v${hostContractVersion}. Deploy the host first with this version of the program (\`pulumi up -s qualisys/qualisys/dev\`), then staging.`,
    );
  });

  it("a newer host is refused: deploy the tenant from the host's commit", () => {
    expect(() => readPlatformRef({ ...ref, version: hostContractVersion + 1 }, check)).toThrow(
      `the host publishes platform contract v${hostContractVersion + 1}, newer than this program's v${hostContractVersion}: it was deployed from a newer commit. Deploy staging from the commit dev was deployed from (or later), not from this one.`,
    );
  });

  it("a host of this version that lacks fields is named field by field", () => {
    const partial: Partial<PlatformRef> = structuredClone(ref);
    delete partial.registry;
    delete partial.shared;
    expect(() => readPlatformRef(partial, check)).toThrow(/lacks registry, shared\. Redeploy the host/);
  });

  it.each([
    [
      "a ClusterRole renamed",
      { clusterRoles: { ...kubernetes.clusterRoles, deployer: "qualisys:ci" } },
      /ClusterRoles/,
    ],
    [
      "a CRD version moved",
      { apiVersions: { ...kubernetes.apiVersions, externalSecrets: "external-secrets.io/v2" } },
      /custom resource API versions/,
    ],
    [
      "Prometheus selecting labelled ServiceMonitors only",
      { monitoring: { ...kubernetes.monitoring, serviceMonitorSelector: { matchLabels: { release: "x" } } } },
      /monitoring \(Prometheus namespace and ServiceMonitor selection\)/,
    ],
    ["the tenant group renamed", { tenantsGroup: "tenants" }, /tenant groups/],
  ])("%s is refused, naming what the tenant relies on", (_, change, message) => {
    const host = { ...ref, kubernetes: { ...kubernetes, ...change } };
    expect(() => readPlatformRef(host, check)).toThrow(message);
    expect(() => readPlatformRef(host, check)).toThrow(/deploy both from the same commit \(the host first\)/);
  });
});

it("refuses a stack the host does not declare, another account, another region and a namespace the host uses", () => {
  expect(() => readPlatformRef(ref, { ...check, stack: "review-1" })).toThrow(
    /dev does not declare review-1 as a tenant \(its qualisys:tenants: \["staging","dev-\*"\]\); add it, or a glob that matches it, to Pulumi\.dev\.yaml and deploy dev first/,
  );
  expect(() => readPlatformRef(ref, { ...check, accountId: "210987654321" })).toThrow(
    /the host is in AWS account 123456789012, but this stack \(staging\) deploys into 210987654321/,
  );
  expect(() => readPlatformRef(ref, { ...check, region: "eu-west-1" })).toThrow(/host is in us-east-1/);
  expect(() => readPlatformRef({ ...ref, tenants: ["*"] }, { ...check, stack: "staging-old" })).toThrow(
    /already uses namespace staging-old/,
  );
});

describe("a host change", () => {
  it("that keeps what tenants run on passes", () => {
    expect(sharedInfrastructureChanges(shared, structuredClone(shared))).toEqual([]);
    expect(() =>
      checkHostChange({ host: "dev", tenants: ["staging"], deployed: { shared }, planned: shared }),
    ).not.toThrow();
  });

  it.each([
    ["the VPC's CIDR", { vpcCidr: "10.20.0.0/16" }, 'the VPC\'s CIDR "10.10.0.0/16" → "10.20.0.0/16"'],
    [
      "a subnet",
      { subnets: { ...shared.subnets, database: ["10.10.136.0/24", "10.10.138.0/24"] } },
      "the database subnets",
    ],
    [
      "a shared security group's description",
      { securityGroups: { database: { name: "qualisys-dev-database", description: "PostgreSQL" } } },
      "security group database",
    ],
    ["the cluster", { clusterName: "qualisys-dev2" }, 'the cluster\'s name "qualisys-dev" → "qualisys-dev2"'],
  ])("that replaces %s fails while it has tenants, naming them and the input", (_, change, named) => {
    const planned = { ...shared, ...change };
    let message = "";
    try {
      checkHostChange({ host: "dev", tenants: ["staging", "dev-*"], deployed: { shared }, planned });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^qualisys:tenants: dev hosts staging, dev-\*, whose data tier and workloads run on its/);
    expect(message).toContain(`this change would replace them (${named}`);
    // Without tenants (removed in an earlier deploy) the same change is the host's own business.
    expect(() => checkHostChange({ host: "dev", tenants: [], deployed: { shared }, planned })).not.toThrow();
    // A first deploy has nothing to compare with.
    expect(() => checkHostChange({ host: "dev", tenants: ["staging"], deployed: undefined, planned })).not.toThrow();
  });
});
