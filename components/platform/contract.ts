/**
 * The contract between a stack that hosts the platform (network, cluster, deployment runner) and the stacks that
 * run their environment on it (`qualisys:platform`): the host exports {@link PlatformRef} as its `platform` output
 * (plus its secret `kubeconfig`), and a hosted stack reads both through a `pulumi.StackReference`. Plain values
 * only, so the hosted stack can name and shape its resources before anything is deployed.
 */

/** What a hosted stack needs of its host. Every field is plain data; nothing here is secret. */
export interface PlatformRef {
  /** The host's AWS region and account: a hosted stack must deploy into the same ones. */
  region: string;
  accountId: string;
  /** The VPC, its CIDR and the isolated database subnets the hosted data tier joins. */
  vpcId: string;
  vpcCidr: string;
  databaseSubnetIds: string[];
  /** Public subnet CIDRs: where ALB traffic to pods comes from (network policies). */
  loadBalancerCidrs: string[];
  /** The data tier's security groups: they accept only the node group, on their ports (SPEC N2). */
  securityGroupIds: { database: string; cache: string };
  /** The EKS cluster, its IAM OIDC provider and issuer (IRSA), and the node role (ECR pulls). */
  clusterName: string;
  oidcProviderArn: string;
  oidcIssuer: string;
  nodeRoleArn: string;
  /** The host's application namespaces: a hosted stack may not take one. */
  namespaces: string[];
  /** The IngressClass and annotations every ingress on the cluster uses (one shared ALB). */
  ingressClassName: string;
  ingressAnnotations: Record<string, string>;
}

const text = (v: unknown) => typeof v === "string" && v.length > 0;
const texts = (v: unknown) => Array.isArray(v) && v.every(text);
const record = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Which fields of a {@link PlatformRef} a value lacks or has in the wrong shape (empty when it is one). */
export function platformRefProblems(value: unknown): string[] {
  if (!record(value)) return ["the output is missing"];
  const checks: Record<keyof PlatformRef, (v: unknown) => boolean> = {
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
    ingressAnnotations: (v) => record(v) && Object.values(v).every((a) => typeof a === "string"),
  };
  return Object.entries(checks)
    .filter(([key, ok]) => !ok(value[key]))
    .map(([key]) => key);
}

export interface HostCheck {
  /** This (hosted) stack, the account its credentials are for, its region and the namespace it owns. */
  stack: string;
  accountId: string;
  region: string;
  namespace: string;
  /** The host stack's fully qualified name (`org/project/stack`). */
  host: string;
}

/**
 * The host's `platform` output as a {@link PlatformRef}, or an error that says what to do: deploy the host first,
 * deploy it with this program's version, or fix a region or namespace clash. Nothing is declared before this runs.
 */
export function readPlatformRef(value: unknown, check: HostCheck): PlatformRef {
  const where = `qualisys:platform.stack (${check.host})`;
  const missing = platformRefProblems(value);
  if (missing.length > 0) {
    throw new Error(
      `${where}: the host's \`platform\` output ${missing[0] === "the output is missing" ? "is missing" : `lacks ${missing.join(", ")}`}. Deploy the host stack with this version of the program first (\`pulumi up -s ${check.host}\`), then this one.`,
    );
  }
  const ref = value as PlatformRef;
  if (ref.accountId !== check.accountId) {
    throw new Error(
      `${where}: the host is in AWS account ${ref.accountId}, but this stack (${check.stack}) runs with credentials of account ${check.accountId}; a stack on another's platform deploys into the host's account.`,
    );
  }
  if (ref.region !== check.region) {
    throw new Error(
      `${where}: the host is in ${ref.region}, this stack (${check.stack}) in ${check.region}; they must match.`,
    );
  }
  if (ref.namespaces.includes(check.namespace)) {
    throw new Error(
      `${where}: the host already has namespace ${check.namespace}; set qualisys:platform.namespace to one of this stack's own.`,
    );
  }
  return ref;
}
