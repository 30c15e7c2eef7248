/**
 * The eks:index:Cluster and eks:index:ManagedNodeGroup children models against what @pulumi/eks's source
 * (./sources eksSource: nodejs/eks/cluster/cluster.ts, servicerole.ts, nodes/nodegroup.ts) says it creates: the
 * tables and values below are read from that source by hand, not produced by the model.
 */
import type { RecordedResource } from "../record";
import { remoteComponent } from "./fixtures";
import { attachmentSuffix, clusterChildren, managedNodeGroupChildren } from "./eks";
import { modelContext } from "./index";
import { UnmodelledInput } from "./model";

const planeUrn = "urn:pulumi:dev::qualisys::qualisys:cluster:Cluster$qualisys:cluster:ControlPlane::c";
const clusterUrn = `urn:pulumi:dev::qualisys::qualisys:cluster:Cluster$qualisys:cluster:ControlPlane$eks:index:Cluster::c-eks`;
const roleArn = (name: string) => `arn:aws:iam::123456789012:role/${name}`;

const component = (type: string, urn: string, inputs: Record<string, unknown>, extra: Partial<RecordedResource> = {}) =>
  remoteComponent(type, urn, planeUrn, inputs, extra);

/** An eks.Cluster the way components/cluster/control-plane.ts declares it (after the SDK's defaults). */
const clusterInputs = (changes: Record<string, unknown> = {}) => ({
  name: "qualisys-dev",
  version: "1.35",
  vpcId: "vpc-1",
  privateSubnetIds: ["subnet-a", "subnet-b"],
  publicSubnetIds: ["subnet-p"],
  nodeAssociatePublicIpAddress: false,
  endpointPrivateAccess: true,
  endpointPublicAccess: false,
  encryptionConfigKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
  enabledClusterLogTypes: ["api", "audit", "authenticator"],
  authenticationMode: "API",
  accessEntries: {
    devops: {
      principalArn: roleArn("devops"),
      kubernetesGroups: ["qualisys:devops"],
      accessPolicies: {
        clusterAdmin: {
          policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
          accessScope: { type: "cluster" },
        },
      },
    },
    developer: { principalArn: roleArn("developer"), kubernetesGroups: ["qualisys:developers"] },
  },
  skipDefaultNodeGroup: true,
  skipDefaultSecurityGroups: true,
  createOidcProvider: true,
  useDefaultVpcCni: true,
  corednsAddonOptions: {
    enabled: true,
    version: "v1.14.2-eksbuild.4",
    resolveConflictsOnCreate: "OVERWRITE",
    resolveConflictsOnUpdate: "OVERWRITE",
  },
  kubeProxyAddonOptions: {
    version: "v1.35.3-eksbuild.13",
    resolveConflictsOnCreate: "OVERWRITE",
    resolveConflictsOnUpdate: "OVERWRITE",
  },
  deletionProtection: false,
  tags: { cluster: "qualisys-dev" },
  ...changes,
});
const clusterOutputs = {
  eksCluster: { name: "qualisys-dev", arn: "arn:aws:eks:us-east-1:123456789012:cluster/qualisys-dev", version: "1.35" },
  kubeconfig: { apiVersion: "v1", kind: "Config" },
  oidcProviderUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/ABC",
  oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC",
};
const eksCluster = (changes: Record<string, unknown> = {}, extra: Partial<RecordedResource> = {}) =>
  component("eks:index:Cluster", clusterUrn, clusterInputs(changes), { outputs: clusterOutputs, ...extra });
const modelCluster = (changes: Record<string, unknown> = {}, extra: Partial<RecordedResource> = {}) => {
  const c = eksCluster(changes, extra);
  return clusterChildren(c, modelContext("us-east-1", [c]));
};
const short = (type: string) => type.split(":").pop();
const of = <C extends { type: string; name: string }>(children: C[], type: string, name: string): C =>
  children.find((c) => c.type === type && c.name === name)!;

describe("eks:index:Cluster children", () => {
  it("are the service role (a component with its role and policy attachment), the cluster, kube-proxy, the provider, access entries and policy associations, CoreDNS and the OIDC provider", () => {
    // The attachment's name ends in the first 8 hex digits of sha1("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy")
    // (computed with `sha1sum` when this test was written).
    expect(modelCluster().map((c) => `${short(c.type)} ${c.name}`)).toEqual([
      "ServiceRole c-eks-eksRole",
      "Role c-eks-eksRole-role",
      "RolePolicyAttachment c-eks-eksRole-4b490823",
      "Cluster c-eks-eksCluster",
      "Addon c-eks-kube-proxy",
      "kubernetes c-eks-eks-k8s",
      "AccessEntry c-eks-devops",
      "AccessPolicyAssociation c-eks-devops-clusterAdmin",
      "AccessEntry c-eks-developer",
      "Addon c-eks-coredns",
      "OpenIdConnectProvider c-eks-oidcProvider",
    ]);
    expect(attachmentSuffix("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy")).toBe("4b490823");
  });

  it("gives the aws:eks/cluster:Cluster the inputs pulumi-eks builds: envelope encryption, logs, endpoint access, creator admin", () => {
    const cluster = of(modelCluster(), "aws:eks/cluster:Cluster", "c-eks-eksCluster");
    expect(cluster.urn).toBe(
      "urn:pulumi:dev::qualisys::qualisys:cluster:Cluster$qualisys:cluster:ControlPlane$eks:index:Cluster$aws:eks/cluster:Cluster::c-eks-eksCluster",
    );
    expect(cluster.inputs).toEqual({
      name: "qualisys-dev",
      roleArn: "arn:aws:iam::123456789012:role/c-eks-eksRole-role",
      bootstrapSelfManagedAddons: true,
      vpcConfig: {
        subnetIds: ["subnet-p", "subnet-a", "subnet-b"],
        endpointPrivateAccess: true,
        endpointPublicAccess: false,
      },
      version: "1.35",
      enabledClusterLogTypes: ["api", "audit", "authenticator"],
      tags: { Name: "c-eks-eksCluster", cluster: "qualisys-dev" },
      encryptionConfig: { provider: { keyArn: "arn:aws:kms:us-east-1:123456789012:key/k" }, resources: ["secrets"] },
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
      deletionProtection: false,
    });
    expect(cluster.ignoreChanges).toEqual([
      "accessConfig.bootstrapClusterCreatorAdminPermissions",
      "bootstrapSelfManagedAddons",
    ]);
    expect(cluster.id).toBe("qualisys-dev");
  });

  it("passes public access CIDRs through, and trusts the EKS service with AssumeRole and TagSession", () => {
    const children = modelCluster({ endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] });
    expect(of(children, "aws:eks/cluster:Cluster", "c-eks-eksCluster").inputs.vpcConfig).toMatchObject({
      endpointPublicAccess: true,
      publicAccessCidrs: ["203.0.113.0/24"],
    });
    const role = of(children, "aws:iam/role:Role", "c-eks-eksRole-role");
    expect(JSON.parse(role.inputs.assumeRolePolicy as string)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Action: ["sts:AssumeRole", "sts:TagSession"],
          Effect: "Allow",
          Principal: { Service: ["eks.amazonaws.com"] },
        },
      ],
    });
    expect(of(children, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "c-eks-eksRole-4b490823").inputs).toEqual({
      policyArn: "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
      role: role.id,
    });
  });

  it("puts a policy association under its access entry, for the entry's principal", () => {
    const association = of(
      modelCluster(),
      "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
      "c-eks-devops-clusterAdmin",
    );
    expect(association.urn).toBe(
      "urn:pulumi:dev::qualisys::qualisys:cluster:Cluster$qualisys:cluster:ControlPlane$eks:index:Cluster$aws:eks/accessEntry:AccessEntry$aws:eks/accessPolicyAssociation:AccessPolicyAssociation::c-eks-devops-clusterAdmin",
    );
    expect(association.inputs).toEqual({
      accessScope: { type: "cluster" },
      principalArn: roleArn("devops"),
      policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
      clusterName: "qualisys-dev",
    });
  });

  it.each([
    ["CoreDNS enabled (the SDK default once corednsAddonOptions is given)", {}, ["c-eks-coredns", "c-eks-kube-proxy"]],
    ["no corednsAddonOptions with skipDefaultNodeGroup", { corednsAddonOptions: undefined }, ["c-eks-kube-proxy"]],
    ["kube-proxy disabled", { kubeProxyAddonOptions: { enabled: false } }, ["c-eks-coredns"]],
  ])("add-ons: %s", (_, changes, addons) => {
    const names = modelCluster(changes)
      .filter((c) => c.type === "aws:eks/addon:Addon")
      .map((c) => c.name)
      .sort();
    expect(names).toEqual(addons);
  });

  it("pins the add-on versions given, and leaves an unpinned one unknown (pulumi-eks asks AWS at preview)", () => {
    const children = modelCluster({ kubeProxyAddonOptions: {} });
    expect(of(children, "aws:eks/addon:Addon", "c-eks-kube-proxy").inputs).toEqual({
      clusterName: "qualisys-dev",
      addonName: "kube-proxy",
      preserve: true,
      tags: { cluster: "qualisys-dev" },
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
      addonVersion: "[unknown]",
    });
    expect(of(children, "aws:eks/addon:Addon", "c-eks-coredns").inputs.addonVersion).toBe("v1.14.2-eksbuild.4");
  });

  it("creates the default security groups and their six rules unless skipDefaultSecurityGroups", () => {
    const children = modelCluster({ skipDefaultSecurityGroups: undefined });
    const groups = children.filter((c) => c.type.startsWith("aws:ec2/securityGroup"));
    expect(groups.map((g) => g.name)).toEqual([
      "c-eks-eksClusterSecurityGroup",
      "c-eks-eksClusterInternetEgressRule",
      "c-eks-nodeSecurityGroup",
      "c-eks-eksNodeIngressRule",
      "c-eks-eksNodeClusterIngressRule",
      "c-eks-eksExtApiServerClusterIngressRule",
      "c-eks-eksNodeInternetEgressRule",
      "c-eks-eksClusterIngressRule",
    ]);
    const clusterGroup = groups[0];
    expect(of(children, "aws:eks/cluster:Cluster", "c-eks-eksCluster").inputs.vpcConfig).toMatchObject({
      securityGroupIds: [clusterGroup.id],
    });
    expect(groups[1].inputs).toEqual({
      description: "Allow internet access.",
      type: "egress",
      fromPort: 0,
      toPort: 0,
      protocol: "-1",
      cidrBlocks: ["0.0.0.0/0"],
      securityGroupId: clusterGroup.id,
    });
    expect(groups[2].inputs.tags).toEqual({
      Name: "c-eks-nodeSecurityGroup",
      "kubernetes.io/cluster/qualisys-dev": "owned",
      cluster: "qualisys-dev",
    });
  });

  it("makes the cluster wait for its role and the role's policy, and for what its inputs came from", () => {
    const key = "urn:pulumi:dev::qualisys::qualisys:keys:EncryptionKeys$aws:kms/key:Key::eks";
    const vpc = "urn:pulumi:dev::qualisys::qualisys:network:Network$awsx:ec2:Vpc::vpc";
    const children = modelCluster(
      {},
      { propertyDependencies: { encryptionConfigKeyArn: [key], privateSubnetIds: [vpc] } },
    );
    const cluster = of(children, "aws:eks/cluster:Cluster", "c-eks-eksCluster");
    const role = of(children, "aws:iam/role:Role", "c-eks-eksRole-role");
    const attachment = of(children, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "c-eks-eksRole-4b490823");
    expect(cluster.dependencies).toEqual([role.urn, attachment.urn, key, vpc].sort());
  });

  it.each([
    ["the default node group", { skipDefaultNodeGroup: undefined }],
    ["Fargate", { fargate: true }],
    ["the aws-auth ConfigMap", { authenticationMode: "API_AND_CONFIG_MAP" }],
    ["the VPC CNI add-on component", { useDefaultVpcCni: undefined }],
    ["storage classes", { storageClasses: "gp3" }],
    ["Auto Mode", { autoMode: { enabled: true } }],
  ])("refuses what it does not model: %s", (_, changes) => {
    expect(() => modelCluster(changes)).toThrow(UnmodelledInput);
  });
});

describe("eks:index:ManagedNodeGroup children", () => {
  const groupUrn =
    "urn:pulumi:dev::qualisys::qualisys:cluster:Cluster$qualisys:cluster:NodePool$eks:index:ManagedNodeGroup::pool";
  const templateUrn = "urn:pulumi:dev::qualisys::qualisys:cluster:NodePool$aws:ec2/launchTemplate:LaunchTemplate::pool";
  const group = (inputs: Record<string, unknown>, extra: Partial<RecordedResource> = {}) =>
    component(
      "eks:index:ManagedNodeGroup",
      groupUrn,
      {
        cluster: { $resource: clusterUrn },
        nodeGroupName: "qualisys-dev-pool",
        nodeRoleArn: roleArn("nodes"),
        instanceTypes: ["t3.medium"],
        labels: { pool: "general" },
        taints: [{ key: "dedicated", value: "playwright", effect: "NO_SCHEDULE" }],
        tags: { cluster: "qualisys-dev" },
        ...inputs,
      },
      { outputs: { nodeGroup: { nodeGroupName: "qualisys-dev-pool", status: "ACTIVE" } }, ...extra },
    );
  const modelGroup = (inputs: Record<string, unknown>, extra: Partial<RecordedResource> = {}) => {
    const g = group(inputs, extra);
    return managedNodeGroupChildren(g, modelContext("us-east-1", [eksCluster(), g]));
  };

  it("is one aws:eks/nodeGroup named like the component, with its inputs, scaling left to the autoscaler when asked", () => {
    const [nodeGroup, ...rest] = modelGroup(
      {
        subnetIds: ["subnet-a"],
        amiType: "AL2023_x86_64_STANDARD",
        releaseVersion: "1.35.6-20260714",
        version: "1.35",
        scalingConfig: { minSize: 2, maxSize: 10, desiredSize: 2 },
        ignoreScalingChanges: true,
        launchTemplate: { id: "lt-1", version: "1" },
      },
      { propertyDependencies: { launchTemplate: [templateUrn] } },
    );
    expect(rest).toEqual([]);
    expect(nodeGroup.urn).toBe(`${groupUrn.replace("::pool", "$aws:eks/nodeGroup:NodeGroup::pool")}`);
    expect(nodeGroup.inputs).toEqual({
      amiType: "AL2023_x86_64_STANDARD",
      clusterName: "qualisys-dev",
      instanceTypes: ["t3.medium"],
      labels: { pool: "general" },
      launchTemplate: { id: "lt-1", version: "1" },
      nodeGroupName: "qualisys-dev-pool",
      nodeRoleArn: roleArn("nodes"),
      releaseVersion: "1.35.6-20260714",
      scalingConfig: { desiredSize: 2, minSize: 2, maxSize: 10 },
      subnetIds: ["subnet-a"],
      tags: { cluster: "qualisys-dev" },
      taints: [{ key: "dedicated", value: "playwright", effect: "NO_SCHEDULE" }],
      version: "1.35",
    });
    expect(nodeGroup.ignoreChanges).toEqual(["scalingConfig.desiredSize"]);
    expect(nodeGroup.dependencies).toEqual([clusterUrn, templateUrn].sort());
  });

  it("defaults scaling to 2 (1–2), the cluster's version and the cluster's subnets (public and private), as pulumi-eks does", () => {
    const [nodeGroup] = modelGroup({});
    expect(nodeGroup.inputs).toMatchObject({
      scalingConfig: { desiredSize: 2, minSize: 1, maxSize: 2 },
      version: "1.35",
      subnetIds: ["subnet-p", "subnet-a", "subnet-b"],
    });
    expect(nodeGroup.ignoreChanges).toEqual([]);
  });

  it("builds its own launch template, with IMDSv2 and the root volume, when enableIMDSv2 is given", () => {
    const [template, nodeGroup] = modelGroup({ enableIMDSv2: true, diskSize: 50, amiType: "AL2023_x86_64_STANDARD" });
    expect(template.type).toBe("aws:ec2/launchTemplate:LaunchTemplate");
    expect(template.name).toBe("pool-launchTemplate");
    expect(template.inputs).toEqual({
      blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 50 } }],
      metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2, httpEndpoint: "enabled" },
    });
    expect(nodeGroup.inputs.launchTemplate).toEqual({ id: template.id, version: "1" });
    expect(nodeGroup.inputs.diskSize).toBeUndefined();
  });

  it.each([["userData"], ["amiId"], ["kubeletExtraArgs"], ["enableEfaSupport"], ["nodeRole"]])(
    "refuses what it does not model: %s",
    (input) => {
      expect(() => modelGroup({ [input]: "x" })).toThrow(UnmodelledInput);
    },
  );
});
