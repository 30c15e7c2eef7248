/**
 * The children of @pulumi/eks's remote components (./sources `eksSource`), as its provider creates them.
 *
 * `eks:index:Cluster` (nodejs/eks/cluster/cluster.ts `createCore`, `createCluster`): the EKS service role (an
 * `eks:index:ServiceRole` component with its role and managed-policy attachment), the default security groups and
 * their rules unless skipped, the `aws:eks/cluster:Cluster` itself (always with
 * `bootstrapClusterCreatorAdminPermissions: true`), the kube-proxy add-on unless disabled, the component's own
 * Kubernetes provider, one access entry per `accessEntries` key with one policy association per access policy (under
 * the entry), the CoreDNS add-on when enabled explicitly (the SDK's defaults set `enabled: true`), and the IAM OIDC
 * provider when asked for.
 *
 * `eks:index:ManagedNodeGroup` (nodejs/eks/nodes/nodegroup.ts `createManagedNodeGroup`): the `aws:eks/nodeGroup`
 * named like the component, and its own launch template when IMDSv2 is switched through the component.
 *
 * Inputs that would make the provider create anything else throw `UnmodelledInput`.
 */
import { createHash } from "node:crypto";
import { UNKNOWN, type RecordedResource } from "../record";
import { asList, asMap, child, inputDependencies, UnmodelledInput, type Child, type ModelContext } from "./model";
import { eksSource } from "./sources";

const clusterSource = `${eksSource.repository} ${eksSource.tag} nodejs/eks/cluster/cluster.ts`;
const nodeGroupSource = `${eksSource.repository} ${eksSource.tag} nodejs/eks/nodes/nodegroup.ts`;

/** pulumi-eks names a service role's policy attachments by a short hash of the policy's ARN template. */
export function attachmentSuffix(policyId: string): string {
  return createHash("sha1").update(policyId).digest("hex").substring(0, 8);
}

/** JSON with keys sorted at every depth (pulumi-eks stringifies add-on configuration deterministically). */
function stableJson(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v !== null && typeof v === "object"
        ? Object.fromEntries(
            Object.keys(v as object)
              .sort()
              .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(sort(value));
}

const isSet = (value: unknown) => value !== undefined && value !== null;

/** The children of the `eks:index:Cluster` `cluster` (its record: inputs, input dependencies, mock outputs). */
export function clusterChildren(cluster: RecordedResource, context: ModelContext): Child[] {
  const { inputs, outputs, name } = cluster;
  const unmodelled = (input: string) => new UnmodelledInput(cluster, input, clusterSource);
  const autoMode = asMap(inputs.autoMode).enabled === true;
  if (inputs.skipDefaultNodeGroup !== true) throw unmodelled("skipDefaultNodeGroup (the default node group)");
  for (const input of [
    "fargate",
    "storageClasses",
    "serviceRole",
    "clusterSecurityGroup",
    "instanceRole",
    "instanceRoles",
    "customInstanceRolePolicy",
    "creationRoleProvider",
    "nodeGroupOptions",
  ])
    if (isSet(inputs[input]) && inputs[input] !== false) throw unmodelled(input);
  if (autoMode) throw unmodelled("autoMode");
  if (inputs.createInstanceRole === true) throw unmodelled("createInstanceRole");
  if (inputs.useDefaultVpcCni !== true) throw unmodelled("useDefaultVpcCni (the VPC CNI add-on component)");
  if (inputs.authenticationMode !== "API")
    throw unmodelled(`authenticationMode ${String(inputs.authenticationMode)} (the aws-auth ConfigMap)`);

  const argDeps = (...keys: string[]) => inputDependencies(cluster, ...keys);
  const tags = inputs.tags as Record<string, unknown> | undefined;
  const eksCluster = asMap(outputs.eksCluster);
  const clusterName = (inputs.name as string | undefined) ?? (eksCluster.name as string | undefined);
  const children: Child[] = [];
  const add = (c: Child) => (children.push(c), c);
  const mock = (type: string, childName: string, childInputs: Record<string, unknown>) =>
    context.mock(type, childName, childInputs);

  // The EKS service role: a local component of the provider, registered with its arguments.
  const roleName = `${name}-eksRole`;
  const managedPolicy = "AmazonEKSClusterPolicy";
  const policyId = `arn:aws:iam::aws:policy/${managedPolicy}`;
  const policyArn = `arn:${context.partition}:iam::aws:policy/${managedPolicy}`;
  const assumeRoleActions = ["sts:AssumeRole", "sts:TagSession"];
  const serviceRole = add(
    child(cluster.urn, "eks:index:ServiceRole", roleName, {
      custom: false,
      inputs: {
        service: "eks.amazonaws.com",
        description: "Allows EKS to manage clusters on your behalf.",
        managedPolicyArns: [{ id: policyId, arn: policyArn }],
        tags,
        assumeRoleActions,
      },
      dependencies: argDeps("tags"),
    }),
  );
  const roleInputs = {
    description: "Allows EKS to manage clusters on your behalf.",
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Action: assumeRoleActions, Effect: "Allow", Principal: { Service: ["eks.amazonaws.com"] } }],
    }),
    tags,
  };
  const roleMock = mock("aws:iam/role:Role", `${roleName}-role`, roleInputs);
  const role = add(
    child(serviceRole.urn, "aws:iam/role:Role", `${roleName}-role`, {
      inputs: roleInputs,
      dependencies: argDeps("tags"),
      id: roleMock.id,
    }),
  );
  const attachment = add(
    child(
      serviceRole.urn,
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      `${roleName}-${attachmentSuffix(policyId)}`,
      {
        // A resource passed as an input reaches the provider and the policy pack as its id (the role's name).
        inputs: { policyArn, role: role.id },
        dependencies: [role.urn],
      },
    ),
  );

  // The default security groups, unless skipped.
  const skipGroups = inputs.skipDefaultSecurityGroups === true;
  let clusterGroup: Child | undefined;
  if (!skipGroups) {
    clusterGroup = add(
      child(cluster.urn, "aws:ec2/securityGroup:SecurityGroup", `${name}-eksClusterSecurityGroup`, {
        inputs: {
          vpcId: inputs.vpcId,
          revokeRulesOnDelete: true,
          tags: {
            Name: `${name}-eksClusterSecurityGroup`,
            ...asMap(inputs.clusterSecurityGroupTags),
            ...asMap(tags),
          },
        },
        dependencies: argDeps("vpcId", "tags", "clusterSecurityGroupTags"),
        id: context.mockId("aws:ec2/securityGroup:SecurityGroup", `${name}-eksClusterSecurityGroup`),
      }),
    );
    add(
      child(cluster.urn, "aws:ec2/securityGroupRule:SecurityGroupRule", `${name}-eksClusterInternetEgressRule`, {
        inputs: {
          description: "Allow internet access.",
          type: "egress",
          fromPort: 0,
          toPort: 0,
          protocol: "-1",
          cidrBlocks: ["0.0.0.0/0"],
          securityGroupId: clusterGroup.id,
        },
        dependencies: [clusterGroup.urn],
      }),
    );
  }

  const subnetIds = isSet(inputs.subnetIds)
    ? inputs.subnetIds
    : [...asList(inputs.publicSubnetIds), ...asList(inputs.privateSubnetIds)];
  const publicAccessCidrs = inputs.publicAccessCidrs;
  if (isSet(publicAccessCidrs) && inputs.endpointPublicAccess === false)
    throw new Error(
      `${name}: publicAccessCidrs can only be set when endpointPublicAccess is true (pulumi-eks refuses it)`,
    );
  const encryptionKey = inputs.encryptionConfigKeyArn;
  const kubernetesNetwork =
    isSet(inputs.kubernetesServiceIpAddressRange) || isSet(inputs.ipFamily)
      ? {
          serviceIpv4Cidr: (inputs.ipFamily ?? "ipv4") === "ipv4" ? inputs.kubernetesServiceIpAddressRange : undefined,
          ipFamily: inputs.ipFamily ?? "ipv4",
        }
      : undefined;
  const awsCluster = add(
    child(cluster.urn, "aws:eks/cluster:Cluster", `${name}-eksCluster`, {
      inputs: {
        name: inputs.name,
        roleArn: roleMock.state.arn,
        kubernetesNetworkConfig: kubernetesNetwork,
        bootstrapSelfManagedAddons: inputs.bootstrapSelfManagedAddons ?? true,
        vpcConfig: {
          securityGroupIds: clusterGroup ? [clusterGroup.id] : undefined,
          subnetIds,
          endpointPrivateAccess: inputs.endpointPrivateAccess,
          endpointPublicAccess: inputs.endpointPublicAccess,
          publicAccessCidrs,
        },
        version: inputs.version,
        enabledClusterLogTypes: inputs.enabledClusterLogTypes,
        tags: { Name: `${name}-eksCluster`, ...asMap(inputs.clusterTags), ...asMap(tags) },
        encryptionConfig: isSet(encryptionKey)
          ? { provider: { keyArn: encryptionKey }, resources: ["secrets"] }
          : undefined,
        accessConfig: { authenticationMode: inputs.authenticationMode, bootstrapClusterCreatorAdminPermissions: true },
        upgradePolicy: inputs.upgradePolicy,
        deletionProtection: inputs.deletionProtection,
      },
      dependencies: [
        role.urn,
        attachment.urn,
        clusterGroup?.urn,
        ...argDeps(
          "name",
          "subnetIds",
          "publicSubnetIds",
          "privateSubnetIds",
          "endpointPrivateAccess",
          "endpointPublicAccess",
          "publicAccessCidrs",
          "version",
          "enabledClusterLogTypes",
          "tags",
          "clusterTags",
          "encryptionConfigKeyArn",
          "kubernetesServiceIpAddressRange",
          "ipFamily",
          "upgradePolicy",
          "deletionProtection",
          "bootstrapSelfManagedAddons",
        ),
      ],
      // bootstrapClusterCreatorAdminPermissions has a bi-modal default upstream; bootstrapSelfManagedAddons is
      // creation-only: pulumi-eks ignores changes to both.
      ignoreChanges: ["accessConfig.bootstrapClusterCreatorAdminPermissions", "bootstrapSelfManagedAddons"],
      id: clusterName,
      outputs: {
        name: clusterName,
        arn: eksCluster.arn,
        endpoint: eksCluster.endpoint,
        version: eksCluster.version ?? inputs.version,
        vpcConfig: { ...asMap(eksCluster.vpcConfig), subnetIds },
        identities: isSet(outputs.oidcProviderUrl) ? [{ oidcs: [{ issuer: outputs.oidcProviderUrl }] }] : undefined,
      },
    }),
  );
  const onCluster = [awsCluster.urn];

  if (!skipGroups && clusterGroup) {
    const nodeGroupName = `${name}-nodeSecurityGroup`;
    const nodeGroup = add(
      child(cluster.urn, "aws:ec2/securityGroup:SecurityGroup", nodeGroupName, {
        inputs: {
          vpcId: inputs.vpcId,
          revokeRulesOnDelete: true,
          tags: {
            Name: nodeGroupName,
            [`kubernetes.io/cluster/${clusterName}`]: "owned",
            ...asMap(inputs.nodeSecurityGroupTags),
            ...asMap(tags),
          },
        },
        dependencies: [...onCluster, ...argDeps("vpcId", "tags", "nodeSecurityGroupTags")],
        id: context.mockId("aws:ec2/securityGroup:SecurityGroup", nodeGroupName),
      }),
    );
    const rule = (ruleName: string, fields: Record<string, unknown>, deps: string[]) =>
      add(
        child(cluster.urn, "aws:ec2/securityGroupRule:SecurityGroupRule", `${name}-${ruleName}`, {
          inputs: fields,
          dependencies: deps,
        }),
      );
    const all = { fromPort: 0, toPort: 0, protocol: "-1" };
    rule(
      "eksNodeIngressRule",
      {
        description: "Allow nodes to communicate with each other",
        type: "ingress",
        ...all,
        securityGroupId: nodeGroup.id,
        self: true,
      },
      [nodeGroup.urn],
    );
    rule(
      "eksNodeClusterIngressRule",
      {
        description: "Allow worker Kubelets and pods to receive communication from the cluster control plane",
        type: "ingress",
        fromPort: 1025,
        toPort: 65535,
        protocol: "tcp",
        securityGroupId: nodeGroup.id,
        sourceSecurityGroupId: clusterGroup.id,
      },
      [nodeGroup.urn, clusterGroup.urn],
    );
    rule(
      "eksExtApiServerClusterIngressRule",
      {
        description:
          "Allow pods running extension API servers on port 443 to receive communication from cluster control plane",
        type: "ingress",
        fromPort: 443,
        toPort: 443,
        protocol: "tcp",
        securityGroupId: nodeGroup.id,
        sourceSecurityGroupId: clusterGroup.id,
      },
      [nodeGroup.urn, clusterGroup.urn],
    );
    rule(
      "eksNodeInternetEgressRule",
      {
        description: "Allow internet access.",
        type: "egress",
        ...all,
        cidrBlocks: ["0.0.0.0/0"],
        securityGroupId: nodeGroup.id,
      },
      [nodeGroup.urn],
    );
    rule(
      "eksClusterIngressRule",
      {
        description: "Allow pods to communicate with the cluster API Server",
        type: "ingress",
        fromPort: 443,
        toPort: 443,
        protocol: "tcp",
        securityGroupId: clusterGroup.id,
        sourceSecurityGroupId: nodeGroup.id,
      },
      [clusterGroup.urn, nodeGroup.urn],
    );
  }

  // Managed add-ons pulumi-eks installs itself. Without a pinned version it asks AWS for the newest at preview time.
  const addon = (addonName: string, key: string) => {
    const options = asMap(inputs[key]);
    add(
      child(cluster.urn, "aws:eks/addon:Addon", `${name}-${addonName}`, {
        inputs: {
          clusterName,
          addonName,
          preserve: true,
          tags,
          resolveConflictsOnCreate: options.resolveConflictsOnCreate ?? "OVERWRITE",
          resolveConflictsOnUpdate: options.resolveConflictsOnUpdate ?? "OVERWRITE",
          addonVersion: options.version ?? UNKNOWN,
          configurationValues: isSet(options.configurationValues) ? stableJson(options.configurationValues) : undefined,
        },
        dependencies: [...onCluster, ...argDeps(key, "tags")],
        // AWS\'s ids, as `pulumi import` takes them (the pinned @pulumi/aws\'s docs): cluster:addon.
        id: `${clusterName}:${addonName}`,
      }),
    );
  };
  if ((asMap(inputs.kubeProxyAddonOptions).enabled ?? true) !== false) addon("kube-proxy", "kubeProxyAddonOptions");

  add(
    child(cluster.urn, "pulumi:providers:kubernetes", `${name}-eks-k8s`, {
      inputs: {
        kubeconfig: JSON.stringify(outputs.kubeconfig),
        enableConfigMapMutable: inputs.enableConfigMapMutable,
      },
      dependencies: [...onCluster, ...argDeps("enableConfigMapMutable")],
    }),
  );

  for (const [key, value] of Object.entries(asMap(inputs.accessEntries))) {
    const entry = asMap(value);
    const entryDeps = [...onCluster, ...argDeps("accessEntries")];
    const accessEntry = add(
      child(cluster.urn, "aws:eks/accessEntry:AccessEntry", `${name}-${key}`, {
        inputs: {
          clusterName,
          kubernetesGroups: entry.kubernetesGroups,
          principalArn: entry.principalArn,
          tags: entry.tags,
          type: entry.type,
          userName: entry.username,
        },
        dependencies: entryDeps,
        id: `${clusterName}:${String(entry.principalArn)}`,
      }),
    );
    for (const [association, policy] of Object.entries(asMap(entry.accessPolicies))) {
      add(
        child(
          accessEntry.urn,
          "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
          `${name}-${key}-${association}`,
          {
            inputs: {
              accessScope: asMap(policy).accessScope,
              principalArn: entry.principalArn,
              policyArn: asMap(policy).policyArn,
              clusterName,
            },
            dependencies: [accessEntry.urn, ...entryDeps],
            id: `${clusterName}#${String(entry.principalArn)}#${String(asMap(policy).policyArn)}`,
          },
        ),
      );
    }
  }

  const coredns = asMap(inputs.corednsAddonOptions);
  if (coredns.enabled === true || isSet(coredns.configurationValues)) addon("coredns", "corednsAddonOptions");

  if (inputs.createOidcProvider === true) {
    add(
      child(cluster.urn, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", `${name}-oidcProvider`, {
        inputs: {
          clientIdLists: ["sts.amazonaws.com"],
          url: outputs.oidcProviderUrl,
          // pulumi-eks fetches the issuer's CA thumbprint over TLS at preview time; offline it cannot be known.
          thumbprintLists: [UNKNOWN],
        },
        dependencies: onCluster,
        outputs: { arn: outputs.oidcProviderArn },
      }),
    );
  }
  return children;
}

/** The inputs of `aws.eks.NodeGroup` pulumi-eks passes through from the component's own arguments. */
const nodeGroupInputKeys = [
  "amiType",
  "capacityType",
  "clusterName",
  "diskSize",
  "forceUpdateVersion",
  "instanceTypes",
  "labels",
  "launchTemplate",
  "nodeGroupName",
  "nodeGroupNamePrefix",
  "nodeRepairConfig",
  "nodeRoleArn",
  "releaseVersion",
  "remoteAccess",
  "scalingConfig",
  "subnetIds",
  "tags",
  "taints",
  "updateConfig",
  "version",
];

/** The inputs that make pulumi-eks build the node group's own launch template (all but enableIMDSv2 unmodelled). */
const customLaunchTemplateInputs = [
  "kubeletExtraArgs",
  "bootstrapExtraArgs",
  "bottlerocketSettings",
  "nodeadmExtraOptions",
  "userData",
  "amiId",
  "enableEfaSupport",
];

/** The children of the `eks:index:ManagedNodeGroup` `group`; its cluster is read from the record (`context.byUrn`). */
export function managedNodeGroupChildren(group: RecordedResource, context: ModelContext): Child[] {
  const { inputs, outputs, name } = group;
  const unmodelled = (input: string) => new UnmodelledInput(group, input, nodeGroupSource);
  for (const input of [...customLaunchTemplateInputs, "nodeRole", "placementGroupAvailabilityZone", "gpu"])
    if (isSet(inputs[input]) && inputs[input] !== false) throw unmodelled(input);
  if (!isSet(inputs.amiType) && isSet(inputs.operatingSystem)) throw unmodelled("operatingSystem without amiType");
  const clusterUrn = asMap(inputs.cluster).$resource;
  const cluster = typeof clusterUrn === "string" ? context.byUrn.get(clusterUrn) : undefined;
  if (!cluster && !isSet(inputs.clusterName)) throw unmodelled("cluster (not a cluster of this record)");
  const argDeps = (...keys: string[]) => inputDependencies(group, ...keys);
  const children: Child[] = [];

  // Switching IMDSv2 through the component makes pulumi-eks create the node group's launch template.
  const imds = inputs.enableIMDSv2;
  let launchTemplate: Child | undefined;
  if (isSet(imds)) {
    if (isSet(inputs.launchTemplate)) throw unmodelled("launchTemplate with enableIMDSv2 (pulumi-eks refuses both)");
    const bottlerocket =
      String(inputs.amiType ?? "").startsWith("BOTTLEROCKET") || inputs.operatingSystem === "Bottlerocket";
    const ltName = `${name}-launchTemplate`;
    const ltInputs = {
      blockDeviceMappings: isSet(inputs.diskSize)
        ? [{ deviceName: bottlerocket ? "/dev/xvdb" : "/dev/xvda", ebs: { volumeSize: inputs.diskSize } }]
        : undefined,
      metadataOptions: {
        httpTokens: imds ? "required" : "optional",
        httpPutResponseHopLimit: 2,
        httpEndpoint: "enabled",
      },
    };
    const ltMock = context.mock("aws:ec2/launchTemplate:LaunchTemplate", ltName, ltInputs);
    launchTemplate = child(group.urn, "aws:ec2/launchTemplate:LaunchTemplate", ltName, {
      inputs: ltInputs,
      dependencies: argDeps("diskSize", "enableIMDSv2", "amiType"),
      id: ltMock.id,
    });
    launchTemplate.outputs = { latestVersion: ltMock.state.latestVersion };
    children.push(launchTemplate);
  }

  const core = asMap(cluster?.inputs);
  const scaling = asMap(inputs.scalingConfig);
  const passed = Object.fromEntries(
    nodeGroupInputKeys.filter((key) => !(launchTemplate && key === "diskSize")).map((key) => [key, inputs[key]]),
  );
  const subnetIds = isSet(inputs.subnetIds)
    ? inputs.subnetIds
    : isSet(core.subnetIds)
      ? core.subnetIds
      : [...asList(core.publicSubnetIds), ...asList(core.privateSubnetIds)];
  const clusterName = inputs.clusterName ?? asMap(cluster?.outputs.eksCluster).name;
  children.push(
    child(group.urn, "aws:eks/nodeGroup:NodeGroup", name, {
      inputs: {
        ...passed,
        clusterName,
        scalingConfig: {
          desiredSize: scaling.desiredSize ?? 2,
          minSize: scaling.minSize ?? 1,
          maxSize: scaling.maxSize ?? 2,
        },
        subnetIds,
        launchTemplate: launchTemplate
          ? { id: launchTemplate.id, version: String(launchTemplate.outputs?.latestVersion) }
          : inputs.launchTemplate,
        // Without a launch template of its own the node group runs the cluster's Kubernetes version.
        version: inputs.version ?? (isSet(inputs.launchTemplate) ? undefined : core.version),
      },
      dependencies: [
        launchTemplate?.urn,
        // The cluster's name comes from the cluster component the group is given.
        cluster?.urn,
        ...argDeps(...nodeGroupInputKeys, "clusterName"),
        ...(isSet(inputs.subnetIds) || !cluster
          ? []
          : inputDependencies(cluster, "subnetIds", "publicSubnetIds", "privateSubnetIds")),
      ],
      ignoreChanges: inputs.ignoreScalingChanges === true ? ["scalingConfig.desiredSize"] : [],
      id: `${String(clusterName)}:${String(inputs.nodeGroupName ?? name)}`,
      outputs: asMap(outputs.nodeGroup),
    }),
  );
  return children;
}
