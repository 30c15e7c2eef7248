/**
 * The contract between a stack that hosts the platform (network, cluster, deployment runner) and its tenants, the
 * stacks that run their environment on it (`qualisys:platform`, docs/shared-platform.md): the host exports
 * {@link PlatformRef} as its `platform` output (plus its secret `kubeconfig`), and a tenant reads both through a
 * `pulumi.StackReference` before it declares anything. Plain values only, so the tenant can name and shape its
 * resources before anything is deployed.
 *
 * The contract is versioned. It names everything a tenant relies on: the network and cluster it joins, the
 * Kubernetes groups, ClusterRoles and namespaces it binds to, the custom resource API versions it creates, how the
 * host's Prometheus finds its ServiceMonitors, the registry it pulls from. A tenant refuses a host that publishes
 * another version, saying which of the two to deploy first; a host refuses a change that would replace what its
 * tenants run on ({@link sharedInfrastructureChanges}).
 */
import { declaresTenant, tenantNamespaces } from "../../config/platform";

/**
 * The contract version this program publishes (as a host) and expects (as a tenant). Raise it whenever a field is
 * added, removed or changes meaning, in the same change that does so. Version 1 had no `version` field.
 */
export const hostContractVersion = 2;

/** What the host's Kubernetes offers its tenants; a tenant checks each against what it uses. */
export interface TenantKubernetes {
  /** The group every tenant's deploy role joins, and the prefix of the group naming one tenant (`<prefix><stack>`). */
  tenantsGroup: string;
  tenantGroupPrefix: string;
  /** The group every tenant's developers and CI join: list namespaces and nodes, read the Playwright pool. */
  readersGroup: string;
  /** The host's ClusterRoles a tenant binds in its own namespaces. */
  clusterRoles: { developer: string; deployer: string; workloads: string };
  /** API versions of the custom resources a tenant creates (served by the CRDs the host's charts install). */
  apiVersions: { externalSecrets: string; serviceMonitor: string };
  /** Where the host's Prometheus runs, and which ServiceMonitors it selects ({} selects every one). */
  monitoring: {
    namespace: string;
    serviceMonitorSelector: Record<string, unknown>;
    serviceMonitorNamespaceSelector: Record<string, unknown>;
  };
}

/**
 * What, if replaced, would pull the ground from under a tenant: the inputs that force AWS to create a new VPC,
 * subnet, security group or cluster (terraform-provider-aws, read 2026-12: `vpc_.go` forces a new VPC on a
 * `cidr_block` change; `vpc_subnet.go` marks a subnet's `cidr_block` and `availability_zone` ForceNew;
 * `vpc_security_group.go` marks `name`, `description` and `vpc_id` ForceNew; `eks/cluster.go` uses the cluster's
 * name as its id). The host publishes them; its next deploy compares.
 */
export interface SharedInfrastructure {
  vpcCidr: string;
  availabilityZones: string[];
  subnets: { public: string[]; private: string[]; database: string[] };
  securityGroups: Record<string, { name: string; description: string }>;
  clusterName: string;
}

/** What a tenant needs of its host. Every field is plain data; nothing here is secret. */
export interface PlatformRef {
  /** {@link hostContractVersion} of the program that deployed the host. */
  version: number;
  /** The host stack's name (`dev`), and the stacks it declares as tenants (exact names or globs). */
  stack: string;
  tenants: string[];
  /** The host's AWS region and account: a tenant deploys into the same ones. */
  region: string;
  accountId: string;
  /** The VPC, its CIDR and the isolated database subnets the tenant's data tier joins. */
  vpcId: string;
  vpcCidr: string;
  databaseSubnetIds: string[];
  /** Public subnet CIDRs: where ALB traffic to pods comes from (network policies). */
  loadBalancerCidrs: string[];
  /** The data tier's security groups: they accept only the node group, on their ports (SPEC N2). */
  securityGroupIds: { database: string; cache: string };
  /** The EKS cluster, its IAM OIDC provider and issuer (IRSA), and the node role. */
  clusterName: string;
  oidcProviderArn: string;
  oidcIssuer: string;
  nodeRoleArn: string;
  /** Every namespace the host's platform uses: a tenant's are never one of them. */
  namespaces: string[];
  /** The IngressClass and annotations every ingress on the cluster uses (one shared ALB). */
  ingressClassName: string;
  ingressAnnotations: Record<string, string>;
  kubernetes: TenantKubernetes;
  /** The account's non-production registry: tenants pull images by digest, the host's CI pushes them. */
  registry: { repositoryUrls: Record<string, string>; repositoryArns: string[] };
  shared: SharedInfrastructure;
}

const text = (v: unknown) => typeof v === "string" && v.length > 0;
const texts = (v: unknown) => Array.isArray(v) && v.every(text);
const record = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const strings = (v: unknown) => record(v) && Object.values(v).every((a) => typeof a === "string");

/** Which fields of a {@link PlatformRef} a value lacks or has in the wrong shape (empty when it is one). */
export function platformRefProblems(value: unknown): string[] {
  if (!record(value)) return ["the output is missing"];
  const checks: Record<keyof PlatformRef, (v: unknown) => boolean> = {
    version: (v) => Number.isInteger(v),
    stack: text,
    tenants: texts,
    region: text,
    accountId: text,
    vpcId: text,
    vpcCidr: text,
    databaseSubnetIds: (v) => texts(v) && (v as string[]).length > 0,
    loadBalancerCidrs: texts,
    securityGroupIds: (v) => record(v) && text(v.database) && text(v.cache),
    clusterName: text,
    oidcProviderArn: text,
    oidcIssuer: text,
    nodeRoleArn: text,
    namespaces: texts,
    ingressClassName: text,
    ingressAnnotations: strings,
    kubernetes: (v) =>
      record(v) &&
      text(v.tenantsGroup) &&
      text(v.tenantGroupPrefix) &&
      text(v.readersGroup) &&
      strings(v.clusterRoles) &&
      strings(v.apiVersions) &&
      record(v.monitoring),
    registry: (v) => record(v) && strings(v.repositoryUrls) && texts(v.repositoryArns),
    shared: (v) => record(v) && text(v.vpcCidr) && text(v.clusterName) && record(v.subnets) && record(v.securityGroups),
  };
  return Object.entries(checks)
    .filter(([key, ok]) => !ok(value[key]))
    .map(([key]) => key);
}

export interface HostCheck {
  /** This (hosted) stack, the account its stack file names, its region. */
  stack: string;
  accountId: string;
  region: string;
  /** The host stack's fully qualified name (`org/project/stack`). */
  host: string;
  /** What this program's Kubernetes objects rely on (the same shape the host publishes). */
  kubernetes: TenantKubernetes;
}

/** JSON with object keys sorted, so two values compare equal whatever order their keys arrived in. */
const show = (v: unknown): string =>
  JSON.stringify(v, (_, x: unknown) =>
    x && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : x,
  );

/**
 * The host's `platform` output as a {@link PlatformRef}, or an error that says what to do: deploy the host first,
 * deploy one side with the other's contract version, declare the tenant, or fix an account, region or namespace
 * clash. Nothing is declared before this runs.
 */
export function readPlatformRef(value: unknown, check: HostCheck): PlatformRef {
  const where = `qualisys:platform.stack (${check.host})`;
  const host = check.host.split("/").pop();
  if (!record(value)) {
    throw new Error(
      `${where}: the host's \`platform\` output is missing. Deploy the host stack first (\`pulumi up -s ${check.host}\`), then this one.`,
    );
  }
  const version = value.version === undefined ? 1 : value.version;
  if (version !== hostContractVersion) {
    const older = typeof version === "number" && version < hostContractVersion;
    throw new Error(
      older
        ? `${where}: the host publishes platform contract v${String(version)}; this program (and so ${check.stack}) needs v${hostContractVersion}. Deploy the host first with this version of the program (\`pulumi up -s ${check.host}\`), then ${check.stack}.`
        : `${where}: the host publishes platform contract v${String(version)}, newer than this program's v${hostContractVersion}: it was deployed from a newer commit. Deploy ${check.stack} from the commit ${host} was deployed from (or later), not from this one.`,
    );
  }
  const missing = platformRefProblems(value);
  if (missing.length > 0) {
    throw new Error(
      `${where}: the host's \`platform\` output (contract v${hostContractVersion}) lacks ${missing.join(", ")}. Redeploy the host with this version of the program (\`pulumi up -s ${check.host}\`), then this one.`,
    );
  }
  const ref = value as unknown as PlatformRef;
  const problems: string[] = [];
  if (!declaresTenant(ref.tenants, check.stack))
    problems.push(
      `${host} does not declare ${check.stack} as a tenant (its qualisys:tenants: ${show(ref.tenants)}); add it, or a glob that matches it, to Pulumi.${host}.yaml and deploy ${host} first`,
    );
  if (ref.accountId !== check.accountId)
    problems.push(
      `the host is in AWS account ${ref.accountId}, but this stack (${check.stack}) deploys into ${check.accountId} (aws:allowedAccountIds); a tenant deploys into its host's account`,
    );
  if (ref.region !== check.region)
    problems.push(`the host is in ${ref.region}, this stack (${check.stack}) in ${check.region}; they must match`);
  const taken = Object.values(tenantNamespaces(check.stack)).filter((ns) => ref.namespaces.includes(ns));
  if (taken.length) problems.push(`the host already uses namespace ${taken.join(", ")}; rename this stack`);
  const expected = check.kubernetes;
  const published = ref.kubernetes;
  for (const [what, mine, theirs] of [
    [
      "tenant groups",
      [expected.tenantsGroup, expected.tenantGroupPrefix, expected.readersGroup],
      [published.tenantsGroup, published.tenantGroupPrefix, published.readersGroup],
    ],
    ["ClusterRoles", expected.clusterRoles, published.clusterRoles],
    ["custom resource API versions", expected.apiVersions, published.apiVersions],
    ["monitoring (Prometheus namespace and ServiceMonitor selection)", expected.monitoring, published.monitoring],
  ] as const)
    if (show(mine) !== show(theirs))
      problems.push(
        `the host offers ${what} ${show(theirs)}, this stack relies on ${show(mine)}; deploy both from the same commit (the host first)`,
      );
  if (problems.length) throw new Error(`${where}: ${problems.join("; ")}.`);
  return ref;
}

/**
 * What a host's planned shared infrastructure changes against the one it last deployed, as lines naming the input
 * (empty when nothing that tenants run on would be replaced).
 */
export function sharedInfrastructureChanges(deployed: SharedInfrastructure, planned: SharedInfrastructure): string[] {
  const changes: string[] = [];
  const compare = (what: string, before: unknown, after: unknown) => {
    if (show(before) !== show(after)) changes.push(`${what} ${show(before)} → ${show(after)}`);
  };
  compare("the VPC's CIDR", deployed.vpcCidr, planned.vpcCidr);
  compare("the availability zones", deployed.availabilityZones, planned.availabilityZones);
  for (const tier of ["public", "private", "database"] as const)
    compare(`the ${tier} subnets`, deployed.subnets?.[tier], planned.subnets?.[tier]);
  for (const group of new Set([...Object.keys(deployed.securityGroups ?? {}), ...Object.keys(planned.securityGroups)]))
    compare(`security group ${group}`, deployed.securityGroups?.[group], planned.securityGroups[group]);
  compare("the cluster's name", deployed.clusterName, planned.clusterName);
  return changes;
}

/**
 * Refuses a host change that would replace or delete what its tenants run on, naming the tenants (the engine's
 * `protect` stops the same change, without saying why): remove the tenants first, or keep the inputs.
 */
export function checkHostChange(args: {
  host: string;
  tenants: string[];
  deployed: unknown;
  planned: SharedInfrastructure;
}): void {
  if (!args.tenants.length || !record(args.deployed) || !record(args.deployed.shared)) return;
  const changes = sharedInfrastructureChanges(args.deployed.shared as unknown as SharedInfrastructure, args.planned);
  if (changes.length)
    throw new Error(
      `qualisys:tenants: ${args.host} hosts ${args.tenants.join(", ")}, whose data tier and workloads run on its network and cluster; this change would replace them (${changes.join("; ")}). Move or destroy the tenants first and remove them from qualisys:tenants, or keep these inputs.`,
    );
}
