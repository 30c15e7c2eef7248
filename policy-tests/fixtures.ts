/**
 * Compliant resources for the policy tests, each built the way the contracts (briefs/CONTRACTS.md) say the areas
 * configure theirs, and `broken()` to change one property. The IAM documents come from the program's own builders
 * (components/*), so the pack is tested against what the program really sends.
 */
import { serviceAccountTrustPolicy } from "../components/iam";
import { githubTrustPolicy, humanTrustPolicy, mfaEnforcementPolicy } from "../components/identity/policies";
import { keyPolicy } from "../components/keys/policy";
import type { RecordLike } from "../policy/runner";
import { T } from "../policy/policies/types";

export const account = { accountId: "123456789012", partition: "aws", region: "us-east-1" };
export const KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555";

let counter = 0;
/** A recorded resource of `type` in `stack` (default prod) with these inputs. */
export function res(
  type: string,
  inputs: Record<string, unknown>,
  opts: {
    name?: string;
    stack?: string;
    id?: string;
    dependencies?: string[];
    outputs?: Record<string, unknown>;
  } = {},
): RecordLike {
  const name = opts.name ?? `r${++counter}`;
  return {
    type,
    name,
    urn: `urn:pulumi:${opts.stack ?? "prod"}::qualisys::${type}::${name}`,
    inputs,
    id: opts.id,
    outputs: opts.outputs,
    dependencies: opts.dependencies ?? [],
  };
}

/** A role of this stack whose `arn` output (as AWS returns it) places the stack in `account`. */
export const ownRole = (account = "123456789012") =>
  res(
    "aws:iam/role:Role",
    { name: "qualisys-prod-own" },
    { outputs: { arn: `arn:aws:iam::${account}:role/qualisys-prod-own` } },
  );

/** A copy of `r` with `changes` applied (a value of `undefined` removes the input). */
export function broken(r: RecordLike, changes: Record<string, unknown>): RecordLike {
  const inputs = { ...r.inputs };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete inputs[k];
    else inputs[k] = v;
  }
  return { ...r, inputs };
}

export const json = (doc: unknown) => JSON.stringify(doc);

/** `r` declared with Pulumi's protect option (as the program declares stateful resources in prod). */
export const protect = (r: RecordLike): RecordLike => ({ ...r, options: { protect: true } });

export const good = {
  rdsInstance: () =>
    protect(
      res(T.rdsInstance, {
        identifier: "qualisys-prod-postgres",
        engine: "postgres",
        storageEncrypted: true,
        kmsKeyId: KEY,
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: KEY,
        publiclyAccessible: false,
        iamDatabaseAuthenticationEnabled: true,
        parameterGroupName: "qualisys-prod-postgres17",
        deletionProtection: true,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: "qualisys-prod-postgres-final",
        backupRetentionPeriod: 7,
        manageMasterUserPassword: true,
        multiAz: true,
      }),
    ),
  parameterGroup: () =>
    res(T.rdsParameterGroup, {
      family: "postgres17",
      parameters: [
        { name: "max_connections", value: "200", applyMethod: "pending-reboot" },
        { name: "rds.force_ssl", value: "1" },
      ],
    }),
  replicationGroup: () =>
    protect(
      res(T.replicationGroup, {
        replicationGroupId: "qualisys-prod-redis",
        atRestEncryptionEnabled: true,
        kmsKeyId: KEY,
        transitEncryptionEnabled: true,
        authToken: "[secret]",
        automaticFailoverEnabled: true,
        multiAzEnabled: true,
        subnetGroupName: "qualisys-prod-cache",
        securityGroupIds: ["sg-cache"],
        snapshotRetentionLimit: 7,
      }),
    ),
  eksCluster: () =>
    protect(
      res(T.eksCluster, {
        encryptionConfigKeyArn: KEY,
        endpointPrivateAccess: true,
        endpointPublicAccess: false,
        enabledClusterLogTypes: ["api", "audit", "authenticator"],
        skipDefaultNodeGroup: true,
      }),
    ),
  awsEksCluster: () =>
    res(T.awsEksCluster, {
      encryptionConfig: { resources: ["secrets"], provider: { keyArn: KEY } },
      vpcConfig: {
        endpointPrivateAccess: true,
        endpointPublicAccess: true,
        publicAccessCidrs: ["203.0.113.0/24"],
        subnetIds: ["subnet-1"],
      },
      enabledClusterLogTypes: ["api", "audit", "authenticator", "scheduler"],
    }),
  managedNodeGroup: () =>
    res(T.eksManagedNodeGroup, {
      enableIMDSv2: true,
      launchTemplate: { id: "lt-0123", version: "1" },
      instanceTypes: ["t3.medium"],
    }),
  launchTemplate: () =>
    res(T.launchTemplate, {
      metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [
        { deviceName: "/dev/xvda", ebs: { encrypted: "true", kmsKeyId: KEY, volumeSize: 50, volumeType: "gp3" } },
      ],
    }),
  ecrRepository: () =>
    protect(
      res(T.ecrRepository, {
        name: "qualisys-api",
        encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: KEY }],
        imageScanningConfiguration: { scanOnPush: true },
        imageTagMutability: "IMMUTABLE",
      }),
    ),
  kmsKey: () =>
    protect(
      res(T.kmsKey, {
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: json(
          keyPolicy({ account, domain: "rds", adminRoleArns: ["arn:aws:iam::123456789012:role/qualisys-prod-devops"] }),
        ),
      }),
    ),
  humanRole: (name = "qualisys-prod-developer") =>
    res(T.role, { name, assumeRolePolicy: json(humanTrustPolicy("aws", account.accountId, 3600)) }),
  githubRole: () =>
    res(T.role, {
      name: "qualisys-prod-cicd",
      assumeRolePolicy: json(
        githubTrustPolicy(
          "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
          "acme/qualisys",
          ["environment:production"],
        ),
      ),
    }),
  irsaRole: () =>
    res(T.role, {
      name: "qualisys-prod-external-secrets",
      assumeRolePolicy: json(
        serviceAccountTrustPolicy({
          oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC",
          oidcIssuer: "oidc.eks.us-east-1.amazonaws.com/id/ABC",
          namespace: "external-secrets",
          serviceAccount: "external-secrets",
        }),
      ),
    }),
  serviceRole: () =>
    res(T.role, {
      name: "qualisys-prod-nodes",
      assumeRolePolicy: json({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    }),
  mfaPolicy: () => mfaEnforcementPolicy("aws"),
};

/** An identity policy (inline role policy) with these statements. */
export const rolePolicy = (...statements: Record<string, unknown>[]) =>
  res(T.rolePolicy, {
    role: "qualisys-prod-cicd",
    policy: json({ Version: "2012-10-17", Statement: statements.map((s) => ({ Effect: "Allow", ...s })) }),
  });

/** The security groups and rules of components/network, in miniature: the load balancer open on 443, nodes behind it. */
export function networkRecords(
  extra: { worldRuleOn?: "loadBalancer" | "nodes"; port?: number; cidrs?: string[] } = {},
): RecordLike[] {
  const lb = res(
    T.securityGroup,
    { name: "qualisys-prod-loadBalancer", tags: { Name: "qualisys-prod-loadBalancer" } },
    { name: "lb", id: "sg-lb" },
  );
  const nodes = res(
    T.securityGroup,
    { name: "qualisys-prod-nodes", tags: { Name: "qualisys-prod-nodes" } },
    { name: "nodes", id: "sg-nodes" },
  );
  const target = extra.worldRuleOn === "nodes" ? nodes : lb;
  return [
    lb,
    nodes,
    res(
      T.ingressRule,
      { securityGroupId: "sg-lb", cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 443, toPort: 443 },
      { dependencies: [lb.urn] },
    ),
    res(
      T.ingressRule,
      {
        securityGroupId: "sg-nodes",
        referencedSecurityGroupId: "sg-lb",
        ipProtocol: "tcp",
        fromPort: 0,
        toPort: 65535,
      },
      { dependencies: [lb.urn, nodes.urn] },
    ),
    // One rule per CIDR (default the whole internet in one).
    ...(extra.port !== undefined
      ? (extra.cidrs ?? ["0.0.0.0/0"]).map((cidr) =>
          res(
            T.ingressRule,
            { securityGroupId: target.id, cidrIpv4: cidr, ipProtocol: "tcp", fromPort: extra.port, toPort: extra.port },
            { dependencies: [target.urn] },
          ),
        )
      : []),
  ];
}
