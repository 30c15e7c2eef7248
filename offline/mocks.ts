/**
 * Realistic answers for Pulumi's mock runtime. Custom resources echo their inputs plus the ids and ARNs AWS
 * would compute; remote components (awsx, eks), whose children the mock runtime never creates, return the
 * outputs the real component would; data-source calls answer as AWS would for the mock account. Everything is
 * derived from names and inputs, so two runs give the same answers.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

export const mockAccountId = "123456789012";

type State = Record<string, unknown>;
type Inputs = Record<string, any>;

/** A stable pseudo-random hex string for `seed`. */
export function hex(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

function uuid(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The AWS service and resource kind of a type token: `aws:ec2/securityGroup:SecurityGroup` → ["ec2", "securityGroup"]. */
function awsKind(type: string): [string, string] {
  const [, module = "", kind = ""] = /^aws:([^/]+)\/([^:]+):/.exec(type) ?? [];
  return [module, kind];
}

/** Ids in the shape AWS uses for each kind (ids the program passes on, e.g. security group ids, look real). */
const idPrefixes: Record<string, string> = {
  securityGroup: "sg-",
  networkAcl: "acl-",
  flowLog: "fl-",
  vpc: "vpc-",
  subnet: "subnet-",
  securityGroupIngressRule: "sgr-",
  securityGroupEgressRule: "sgr-",
  // Children of awsx:ec2:Vpc (offline/children/vpc.ts): a route table, its association and its route share a name.
  internetGateway: "igw-",
  routeTable: "rtb-",
  routeTableAssociation: "rtbassoc-",
  natGateway: "nat-",
  eip: "eipalloc-",
};

interface Context {
  region: string;
  type: string;
  name: string;
  inputs: Inputs;
}

/** Per-type extra outputs. Extend this table when the program uses a new type whose outputs it reads. */
export const typeOutputs: Record<string, (ctx: Context) => State> = {
  "aws:kms/key:Key": ({ region, name }) => {
    const keyId = uuid(name);
    return { keyId, arn: `arn:aws:kms:${region}:${mockAccountId}:key/${keyId}` };
  },
  "aws:kms/alias:Alias": ({ region, inputs }) => ({ arn: `arn:aws:kms:${region}:${mockAccountId}:${inputs.name}` }),
  "aws:iam/role:Role": ({ inputs, name }) => {
    const roleName = inputs.name ?? name;
    return {
      name: roleName,
      arn: `arn:aws:iam::${mockAccountId}:role/${roleName}`,
      uniqueId: `AROA${hex(name, 17).toUpperCase()}`,
    };
  },
  // IAM ARNs have no region.
  "aws:iam/policy:Policy": ({ inputs, name }) => ({
    name: inputs.name ?? name,
    arn: `arn:aws:iam::${mockAccountId}:policy/${inputs.name ?? name}`,
  }),
  "aws:iam/group:Group": ({ inputs, name }) => ({
    name: inputs.name ?? name,
    arn: `arn:aws:iam::${mockAccountId}:group/${inputs.name ?? name}`,
  }),
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": ({ inputs }) => ({
    arn: `arn:aws:iam::${mockAccountId}:oidc-provider/${String(inputs.url).replace(/^https:\/\//, "")}`,
  }),
  "aws:cloudwatch/logGroup:LogGroup": ({ region, inputs, name }) => ({
    name: inputs.name ?? name,
    arn: `arn:aws:logs:${region}:${mockAccountId}:log-group:${inputs.name ?? name}`,
  }),
  "aws:sns/topic:Topic": ({ region, inputs, name }) => ({
    name: inputs.name ?? name,
    arn: `arn:aws:sns:${region}:${mockAccountId}:${inputs.name ?? name}`,
  }),
  "aws:cloudwatch/metricAlarm:MetricAlarm": ({ region, inputs, name }) => ({
    name: inputs.name ?? name,
    arn: `arn:aws:cloudwatch:${region}:${mockAccountId}:alarm:${inputs.name ?? name}`,
  }),
  "awsx:ec2:Vpc": ({ name, inputs }) => {
    const specs: { type: string; cidrBlocks?: string[] }[] = inputs.subnetSpecs ?? [];
    const ids = (type: string) =>
      (specs.find((s) => s.type === type)?.cidrBlocks ?? []).map((cidr) => `subnet-${hex(`${name}/${cidr}`, 17)}`);
    return {
      vpcId: `vpc-${hex(name, 17)}`,
      publicSubnetIds: ids("Public"),
      privateSubnetIds: ids("Private"),
      isolatedSubnetIds: ids("Isolated"),
    };
  },
  "eks:index:Cluster": ({ region, inputs, name }) => {
    const clusterName = inputs.name ?? name;
    const id = hex(`eks/${clusterName}`, 32).toUpperCase();
    const issuer = `oidc.eks.${region}.amazonaws.com/id/${id}`;
    const endpoint = `https://${id}.gr7.${region}.eks.amazonaws.com`;
    const kubeconfig = {
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        { name: "kubernetes", cluster: { server: endpoint, "certificate-authority-data": "LS0tLS1CRUdJTi1NT0NL" } },
      ],
      contexts: [{ name: "aws", context: { cluster: "kubernetes", user: "aws" } }],
      "current-context": "aws",
      users: [
        {
          name: "aws",
          user: {
            exec: {
              apiVersion: "client.authentication.k8s.io/v1beta1",
              command: "aws",
              args: ["eks", "get-token", "--cluster-name", clusterName, "--output", "json"],
            },
          },
        },
      ],
    };
    return {
      kubeconfig,
      kubeconfigJson: JSON.stringify(kubeconfig),
      eksCluster: {
        name: clusterName,
        arn: `arn:aws:eks:${region}:${mockAccountId}:cluster/${clusterName}`,
        endpoint,
        version: inputs.version,
        vpcConfig: { clusterSecurityGroupId: `sg-${hex(`eks-cluster-sg/${clusterName}`, 17)}` },
      },
      clusterSecurityGroupId: `sg-${hex(`eks-cluster-sg/${clusterName}`, 17)}`,
      nodeSecurityGroupId: `sg-${hex(`eks-cluster-sg/${clusterName}`, 17)}`,
      oidcIssuer: issuer,
      oidcProviderUrl: `https://${issuer}`,
      oidcProviderArn: `arn:aws:iam::${mockAccountId}:oidc-provider/${issuer}`,
      instanceRoles: [],
      defaultNodeGroupAsgName: "",
    };
  },
  "eks:index:ManagedNodeGroup": ({ region, inputs, name }) => {
    const nodeGroupName = inputs.nodeGroupName ?? name;
    const uuidPart = uuid(`nodegroup/${nodeGroupName}`);
    return {
      nodeGroup: {
        nodeGroupName,
        arn: `arn:aws:eks:${region}:${mockAccountId}:nodegroup/${nodeGroupName}/${uuidPart}`,
        status: "ACTIVE",
        resources: [
          { autoscalingGroups: [{ name: `eks-${nodeGroupName}-${uuidPart}` }], remoteAccessSecurityGroupId: "" },
        ],
      },
      placementGroupName: "",
    };
  },
  "aws:acm/certificate:Certificate": ({ inputs }) => ({
    domainValidationOptions: [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])].map((domainName) => ({
      domainName,
      resourceRecordName: `_${hex(`acm/${domainName}`, 32)}.${domainName}.`,
      resourceRecordType: "CNAME",
      resourceRecordValue: `_${hex(`acm-value/${domainName}`, 32)}.acm-validations.aws.`,
    })),
  }),
  "aws:route53/record:Record": ({ inputs }) => ({ fqdn: String(inputs.name).replace(/\.$/, "") }),
  "aws:ec2/launchTemplate:LaunchTemplate": ({ name }) => ({ id: `lt-${hex(name, 17)}`, latestVersion: 1 }),
  "aws:wafv2/webAcl:WebAcl": ({ region, inputs, name }) => ({
    arn: `arn:aws:wafv2:${region}:${mockAccountId}:regional/webacl/${inputs.name ?? name}/${uuid(`waf/${name}`)}`,
  }),
  // Data tier.
  "aws:rds/instance:Instance": ({ region, inputs, name }) => {
    const address = `${inputs.identifier ?? name}.c${hex(name, 12)}.${region}.rds.amazonaws.com`;
    return {
      address,
      endpoint: `${address}:${inputs.port ?? 5432}`,
      port: inputs.port ?? 5432,
      arn: `arn:aws:rds:${region}:${mockAccountId}:db:${inputs.identifier ?? name}`,
      masterUserSecrets: [
        {
          secretArn: `arn:aws:secretsmanager:${region}:${mockAccountId}:secret:rds!db-${uuid(name)}-${hex(name, 6)}`,
          kmsKeyId: inputs.masterUserSecretKmsKeyId,
          secretStatus: "active",
        },
      ],
    };
  },
  "aws:elasticache/replicationGroup:ReplicationGroup": ({ region, inputs, name }) => ({
    configurationEndpointAddress: `clustercfg.${inputs.replicationGroupId ?? name}.${hex(name, 6)}.${region.replace(/-/g, "")}.cache.amazonaws.com`,
    port: inputs.port ?? 6379,
    arn: `arn:aws:elasticache:${region}:${mockAccountId}:replicationgroup:${inputs.replicationGroupId ?? name}`,
  }),
  "aws:secretsmanager/secret:Secret": ({ region, inputs, name }) => ({
    arn: `arn:aws:secretsmanager:${region}:${mockAccountId}:secret:${inputs.name ?? name}-${hex(name, 6)}`,
  }),
  "aws:ecr/repository:Repository": ({ region, inputs, name }) => ({
    repositoryUrl: `${mockAccountId}.dkr.ecr.${region}.amazonaws.com/${inputs.name ?? name}`,
    arn: `arn:aws:ecr:${region}:${mockAccountId}:repository/${inputs.name ?? name}`,
    registryId: mockAccountId,
  }),
  "aws:s3/bucket:Bucket": ({ inputs, name }) => ({
    bucket: inputs.bucket ?? name,
    arn: `arn:aws:s3:::${inputs.bucket ?? name}`,
  }),
  "aws:iam/instanceProfile:InstanceProfile": ({ inputs, name }) => ({
    arn: `arn:aws:iam::${mockAccountId}:instance-profile/${inputs.name ?? name}`,
    uniqueId: `AIPA${hex(name, 17).toUpperCase()}`,
  }),
  "aws:autoscaling/group:Group": ({ region, inputs, name }) => {
    const groupName = inputs.name ?? `${inputs.namePrefix ?? `${name}-`}${hex(name, 26)}`;
    return {
      name: groupName,
      arn: `arn:aws:autoscaling:${region}:${mockAccountId}:autoScalingGroup:${uuid(`asg/${name}`)}:autoScalingGroupName/${groupName}`,
    };
  },
  // Pulumi Cloud: a pool id is a UUID, its token a `pul-` access token; the SDK marks `tokenValue` secret (as the
  // real provider's schema does), so the record and the outputs hold it only as a secret.
  "pulumiservice:index:AgentPool": ({ name }) => ({
    agentPoolId: uuid(`agent-pool/${name}`),
    tokenValue: `pul-${hex(`agent-pool-token/${name}`, 40)}`,
  }),
  // The organisation stack's Pulumi Cloud objects: ids the API assigns (provider 1.3.0's output properties).
  "pulumiservice:index:OrganizationRole": ({ name }) => ({ roleId: uuid(`role/${name}`), version: 1 }),
  "pulumiservice:index:PolicyPack": ({ name }) => ({ version: 1, contentHash: hex(`policy-pack/${name}`, 64) }),
  "pulumiservice:index:DriftSchedule": ({ name }) => ({ scheduleId: uuid(`schedule/${name}`) }),
  "pulumiservice:index:TtlSchedule": ({ name }) => ({ scheduleId: uuid(`schedule/${name}`) }),
  // Deterministic stand-ins for generated values; the SDK marks `result` secret, as the real provider does.
  "random:index/randomPassword:RandomPassword": ({ name, inputs }) => ({
    result: hex(`password/${name}/${JSON.stringify(inputs.keepers ?? {})}`, inputs.length ?? 32),
  }),
};

/** Answers for data sources (`aws.getCallerIdentity()` and friends). Unknown tokens fail loudly. */
export const callResults: Record<string, (inputs: Inputs, region: string) => State> = {
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    accountId: mockAccountId,
    arn: `arn:aws:sts::${mockAccountId}:assumed-role/qualisys-deploy/offline-preview`,
    userId: "AROAOFFLINEPREVIEW:offline-preview",
    id: mockAccountId,
  }),
  "aws:index/getRegion:getRegion": (_inputs, region) => ({ name: region, region, id: region }),
  "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" }),
  // Which build EKS marks as an add-on's default for a minor is known only to AWS (a real preview asks it): offline,
  // the version is unknown, as Pulumi shows an output it cannot compute yet, and the preview reports it as
  // "resolved by AWS at deploy". (The string is Pulumi's wire encoding of an unknown value.)
  "aws:eks/getAddonVersion:getAddonVersion": (inputs, region) => ({
    addonName: inputs.addonName,
    kubernetesVersion: inputs.kubernetesVersion,
    mostRecent: inputs.mostRecent ?? false,
    region,
    id: String(inputs.addonName),
    version: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  }),
  "aws:index/getAvailabilityZones:getAvailabilityZones": (_inputs, region) => {
    const names = ["a", "b", "c", "d", "e", "f"].map((letter) => `${region}${letter}`);
    return { names, zoneIds: names.map((_, i) => `use1-az${i + 1}`), id: region };
  },
};

/** The id the mocks give a resource of `type` named `name`: AWS's id shape where the program passes ids on. */
export function mockId(type: string, name: string): string {
  const [, kind] = awsKind(type);
  return idPrefixes[kind] ? `${idPrefixes[kind]}${hex(`${type}/${name}`, 17)}` : `${name}-id`;
}

/**
 * What the mocks answer for a registration of `type` named `name` (also used for modelled children), in the account
 * `accountId` (see {@link inAccount}).
 */
export function mockResource(
  region: string,
  type: string,
  name: string,
  inputs: Inputs,
  accountId: string = mockAccountId,
): { id: string; state: State } {
  const [service, kind] = awsKind(type);
  const computed: State = {
    // A resource that takes an ARN as input (a topic policy, an event target) reports that ARN, as AWS does.
    ...(service && inputs.arn === undefined
      ? { arn: `arn:aws:${service}:${region}:${mockAccountId}:${kind}/${inputs.name ?? name}` }
      : {}),
    ...typeOutputs[type]?.({ region, type, name, inputs }),
  };
  return { id: mockId(type, name), state: { ...inputs, ...inAccount(computed, accountId) } };
}

/** Another stack's outputs, as a `pulumi.StackReference` to it reads them (the offline run of that stack). */
export interface StackOutputs {
  outputs: Record<string, unknown>;
  /** Top-level output names that are secrets. */
  secretOutputNames: string[];
}

/**
 * The tables above build ARNs, ids and URLs with {@link mockAccountId}; a stack deploys into the account of its
 * `aws:allowedAccountIds` (the provider refuses any other), so its answers name that account instead.
 */
export function inAccount<T>(value: T, accountId: string): T {
  if (accountId === mockAccountId) return value;
  const rewrite = (v: unknown): unknown => {
    if (typeof v === "string") return v.split(mockAccountId).join(accountId);
    if (Array.isArray(v)) return v.map(rewrite);
    if (v !== null && typeof v === "object")
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, rewrite(x)]));
    return v;
  };
  return rewrite(value) as T;
}

/**
 * @param stacks Outputs of the stacks this one may reference, by stack name (a reference's
 *   `organization/project/stack` name is matched on its last part).
 * @param accountId The account the stack deploys into (its `aws:allowedAccountIds`). Default {@link mockAccountId}.
 */
export function createMocks(
  region: string,
  stacks: Record<string, StackOutputs> = {},
  accountId: string = mockAccountId,
): pulumi.runtime.Mocks {
  return {
    newResource({ type, name, inputs }) {
      if (type === "pulumi:pulumi:StackReference") {
        // A stack the offline runtime has no run of (no stack file, or its program failed) reads as one never
        // deployed: no outputs, which the program reports as "deploy the host first".
        const referenced = stacks[String(inputs.name).split("/").pop() ?? ""] ?? { outputs: {}, secretOutputNames: [] };
        return { id: inputs.name, state: { name: inputs.name, ...referenced } };
      }
      return mockResource(region, type, name, inputs, accountId);
    },
    call({ token, inputs }) {
      const answer = callResults[token];
      if (!answer)
        throw new Error(`the offline mocks have no answer for data source ${token}; add one in offline/mocks.ts`);
      return inAccount(answer(inputs, region), accountId);
    },
  };
}
