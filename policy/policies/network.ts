/**
 * Network exposure (SPEC X1, N2, E1, E2): no public database or cache, no ingress from the whole internet except
 * the load balancer's 80/443, the EKS API not open to the world, IMDSv2 everywhere.
 */
import type { PolicyResource } from "@pulumi/policy";
import { patternList, resourcePolicy, stackPolicy } from "../lib/define";
import { referenced } from "../lib/links";
import { broadestPrefixConfig, tooBroad, type BroadestPrefix } from "../lib/cidr";
import { globMatch, isSet, list, path, prop, Unknown } from "../lib/values";
import { T } from "./types";

const broadestOf = (config: Record<string, unknown>): BroadestPrefix => ({
  ipv4: config.broadestPublicPrefixIpv4 as number,
  ipv6: config.broadestPublicPrefixIpv6 as number,
});
const known = (cidrs: unknown[]) => cidrs.filter((c): c is string => typeof c === "string");

export const dbNotPublic = resourcePolicy({
  name: "rds-not-public",
  description: "RDS instances, cluster instances and Aurora shard groups are not publicly accessible.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediation: "set publiclyAccessible: false and place the instance in the isolated database subnets.",
  coverage: [
    {
      control: "exposure",
      types: [T.rdsInstance, T.rdsClusterInstance, T.rdsShardGroup],
      checkov: ["CKV_AWS_17"],
      cis: ["aws-5.0:2.2.3"],
    },
  ],
  types: [T.rdsInstance, T.rdsClusterInstance, T.rdsShardGroup],
  check: ({ props }) => {
    const v = prop(props, "publiclyAccessible");
    return v === true || v === Unknown ? ["The database has (or may get) a public endpoint."] : [];
  },
});

export const cacheNotExposed = resourcePolicy({
  name: "elasticache-not-exposed",
  description:
    "ElastiCache replication groups sit in a named subnet group with explicit security groups (never the VPC default group).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation:
    "set subnetGroupName (database subnets) and securityGroupIds (the cache group, which admits only the nodes).",
  coverage: [{ control: "exposure", types: [T.replicationGroup] }],
  types: [T.replicationGroup],
  check: ({ props }) => {
    const out: string[] = [];
    if (!isSet(props, "subnetGroupName")) out.push("No subnet group: the cache lands in the default VPC's subnets.");
    if (!isSet(props, "securityGroupIds")) out.push("No security groups: the VPC default group applies.");
    return out;
  },
});

const lbConfig = {
  properties: {
    loadBalancerGroupPatterns: patternList(
      "Security groups (by name, Name tag or logical name; globs) that may accept the internet on the allowed ports.",
      ["*-loadBalancer"],
    ),
    allowedPorts: {
      type: "array" as const,
      items: { type: "integer" as const },
      default: [80, 443],
      description: "Ports the load balancer groups may open to the internet.",
    },
    ...broadestPrefixConfig,
  },
};

type Rule = { from: number | typeof Unknown; to: number | typeof Unknown; protocol: unknown; cidrs: unknown[] };

/** True when the rule is the load balancer's allowed exception (a single allowed TCP port on a load balancer group). */
function isAllowedException(rule: Rule, isLoadBalancer: boolean, allowedPorts: number[]): boolean {
  const protocol = String(rule.protocol);
  const single = rule.from !== Unknown && rule.from === rule.to && allowedPorts.includes(rule.from as number);
  return isLoadBalancer && single && (protocol === "tcp" || protocol === "6");
}

function worldProblems(
  rule: Rule,
  isLoadBalancer: boolean,
  allowedPorts: number[],
  broadest: BroadestPrefix,
  what: string,
): string[] {
  const reach = tooBroad(known(rule.cidrs), broadest);
  if (!reach || isAllowedException(rule, isLoadBalancer, allowedPorts)) return [];
  const protocol = String(rule.protocol);
  const ports = protocol === "-1" || protocol === "all" ? "all ports" : `ports ${String(rule.from)}-${String(rule.to)}`;
  return [
    `${what} admits ${known(rule.cidrs).join(", ")} (${reach}) on ${ports}${isLoadBalancer ? "" : " and is not a load balancer group"}.`,
  ];
}

function isLoadBalancerGroup(group: PolicyResource | undefined, patterns: string[]): boolean {
  if (!group) return false;
  const names = [prop(group.props, "name"), path(group.props, "tags", "Name"), group.name].filter(
    (n): n is string => typeof n === "string",
  );
  return names.some((n) => patterns.some((p) => globMatch(p, n)));
}

const ingressOf = (r: PolicyResource): Rule | undefined => {
  const p = r.props;
  if (r.type === T.ingressRule)
    return {
      from: prop(p, "fromPort") as number,
      to: prop(p, "toPort") as number,
      protocol: prop(p, "ipProtocol"),
      cidrs: [prop(p, "cidrIpv4"), prop(p, "cidrIpv6")],
    };
  if (r.type === T.securityGroupRule && prop(p, "type") === "ingress")
    return {
      from: prop(p, "fromPort") as number,
      to: prop(p, "toPort") as number,
      protocol: prop(p, "protocol"),
      cidrs: [...list(prop(p, "cidrBlocks")), ...list(prop(p, "ipv6CidrBlocks"))],
    };
  return undefined;
};

export const noWorldIngress = stackPolicy({
  name: "sg-no-world-ingress",
  description:
    "No security group admits the internet (CIDRs judged by the public addresses they cover, per rule and per group together: 0.0.0.0/1 + 128.0.0.0/1 is 0.0.0.0/0; broadest allowed reach is config), except load balancer groups (config: name pattern, default *-loadBalancer) on TCP 80/443. Checks inline ingress blocks and standalone rules, resolving each rule's group.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediation:
    "admit the peer security group (nodes, load balancer) instead of a CIDR; only the load balancer group may face the internet, on 80/443.",
  coverage: [
    {
      control: "exposure",
      types: [T.securityGroup, T.securityGroupRule, T.ingressRule],
      checkov: ["CKV_AWS_24", "CKV_AWS_260", "CKV_AWS_277"],
      cis: ["aws-5.0:5.3", "aws-5.0:5.4"],
    },
  ],
  configSchema: lbConfig,
  check: (resources, config) => {
    const out: { resource?: PolicyResource; message: string }[] = [];
    const patterns: string[] = config.loadBalancerGroupPatterns;
    const ports: number[] = config.allowedPorts;
    const broadest = broadestOf(config);
    const groups = resources.filter((r) => r.type === T.securityGroup);
    // Every non-exempt CIDR a group admits, across its rules: many narrow rules can add up to the internet.
    const admitted = new Map<PolicyResource, { cidrs: string[]; flagged: boolean }>();
    const collect = (group: PolicyResource | undefined, rule: Rule, lb: boolean, flagged: boolean) => {
      if (!group || isAllowedException(rule, lb, ports)) return;
      const entry = admitted.get(group) ?? { cidrs: [], flagged: false };
      entry.cidrs.push(...known(rule.cidrs));
      entry.flagged ||= flagged;
      admitted.set(group, entry);
    };
    for (const group of groups) {
      const lb = isLoadBalancerGroup(group, patterns);
      list(prop(group.props, "ingress")).forEach((i, n) => {
        if (i === Unknown) return;
        const rule = {
          from: prop(i, "fromPort") as number,
          to: prop(i, "toPort") as number,
          protocol: prop(i, "protocol"),
          cidrs: [...list(prop(i, "cidrBlocks")), ...list(prop(i, "ipv6CidrBlocks"))],
        };
        const found = worldProblems(rule, lb, ports, broadest, `Security group ${group.name} ingress #${n + 1}`);
        for (const message of found) out.push({ resource: group, message });
        collect(group, rule, lb, found.length > 0);
      });
    }
    for (const r of resources) {
      const rule = ingressOf(r);
      if (!rule) continue;
      const owners = referenced(r, "securityGroupId", groups);
      const lb = owners.length === 1 && isLoadBalancerGroup(owners[0], patterns);
      const found = worldProblems(
        rule,
        lb,
        ports,
        broadest,
        `Rule ${r.name}${owners.length === 1 ? ` (group ${owners[0].name})` : ""}`,
      );
      for (const message of found) out.push({ resource: r, message });
      if (owners.length === 1) collect(owners[0], rule, lb, found.length > 0);
    }
    for (const [group, { cidrs, flagged }] of admitted) {
      const reach = flagged ? undefined : tooBroad(cidrs, broadest);
      if (reach)
        out.push({
          resource: group,
          message: `Security group ${group.name} admits ${cidrs.join(", ")} across its rules: together ${reach}.`,
        });
    }
    return out;
  },
});

function publicEndpointProblem(publicAccess: unknown, cidrs: unknown, broadest: BroadestPrefix): string[] {
  if (publicAccess === false) return [];
  if (cidrs === Unknown) return [];
  const list_ = list(cidrs);
  if (!list_.length) return ["The API server endpoint is public to the whole internet (no publicAccessCidrs)."];
  if (list_.includes(Unknown)) return [];
  const reach = tooBroad(known(list_), broadest);
  return reach ? [`The API server endpoint is public to ${known(list_).join(", ")}: ${reach}.`] : [];
}

export const eksEndpoint = resourcePolicy({
  name: "eks-public-endpoint-restricted",
  description:
    "The EKS API endpoint is private, or public only to listed CIDRs that together reach no more public addresses than the broadest allowed prefix (config; 0.0.0.0/1 + 128.0.0.0/1 is the whole internet).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation:
    "set endpointPublicAccess: false (with endpointPrivateAccess: true), or publicAccessCidrs to the office/VPN ranges.",
  coverage: [{ control: "exposure", types: [T.eksCluster, T.awsEksCluster], checkov: ["CKV_AWS_38", "CKV_AWS_39"] }],
  configSchema: { properties: { ...broadestPrefixConfig } },
  types: [T.eksCluster, T.awsEksCluster],
  check: ({ type, props }, config) => {
    const cfg = type === T.eksCluster ? props : prop(props, "vpcConfig");
    if (cfg === Unknown) return [];
    const publicAccess = prop(cfg, "endpointPublicAccess") ?? true;
    return publicEndpointProblem(publicAccess, prop(cfg, "publicAccessCidrs"), broadestOf(config));
  },
});

export const eksNoImplicitAdmin = resourcePolicy({
  name: "eks-no-implicit-cluster-admin",
  description:
    "EKS clusters do not bootstrap a cluster-admin access entry for whichever identity creates them (accessConfig.bootstrapClusterCreatorAdminPermissions: false): every cluster admin is an explicit access entry. @pulumi/eks (4.3.0 and its main branch) always sets it true on the aws:eks/cluster:Cluster it creates and has no input for it.",
  // Advisory until the program turns the bootstrap off (components/cluster); then mandatory.
  enforcementLevel: "advisory",
  severity: "high",
  remediation:
    "set accessConfig.bootstrapClusterCreatorAdminPermissions: false on aws.eks.Cluster (for eks.Cluster, through a transform of its aws:eks/cluster:Cluster child, declaring bootstrapClusterCreatorAdminPermissions: false on the component too) and list every administrator as an access entry.",
  coverage: [{ control: "identity", types: [T.eksCluster, T.awsEksCluster], cis: ["k8s-2.0.1:5.1.1"] }],
  types: [T.eksCluster, T.awsEksCluster],
  check: ({ type, props }) => {
    const value =
      type === T.awsEksCluster
        ? path(props, "accessConfig", "bootstrapClusterCreatorAdminPermissions")
        : (prop(props, "bootstrapClusterCreatorAdminPermissions") ??
          path(props, "accessConfig", "bootstrapClusterCreatorAdminPermissions"));
    if (value === false || value === "false" || value === Unknown) return [];
    return [
      `bootstrapClusterCreatorAdminPermissions is ${value === undefined ? "not set (EKS and @pulumi/eks default: true)" : String(value)}: the identity that creates the cluster keeps a cluster-admin access entry that no config lists.`,
    ];
  },
});

export const naclNoBroadIngress = resourcePolicy({
  name: "nacl-no-broad-ingress",
  description:
    "Network ACLs, the VPC's default ACL among them (the database tier's second layer, SPEC N3), allow no ingress from more public addresses than the broadest allowed prefix (config), judged by what the allow entries cover together.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation: "allow only the node subnets (and the tier itself); deny the rest.",
  configSchema: { properties: { ...broadestPrefixConfig } },
  coverage: [
    { control: "exposure", types: [T.networkAcl, T.networkAclRule, T.defaultNetworkAcl], cis: ["aws-5.0:5.2"] },
  ],
  types: [T.networkAcl, T.networkAclRule, T.defaultNetworkAcl],
  check: ({ type, props }, config) => {
    const entries =
      type === T.networkAcl || type === T.defaultNetworkAcl
        ? list(prop(props, "ingress"))
        : prop(props, "egress") === true
          ? []
          : [
              {
                action: prop(props, "ruleAction"),
                cidrBlock: prop(props, "cidrBlock"),
                ipv6CidrBlock: prop(props, "ipv6CidrBlock"),
              },
            ];
    const cidrs = entries
      .filter((e) => e !== Unknown && String(prop(e, "action")).toLowerCase() === "allow")
      .flatMap((e) => known([prop(e, "cidrBlock"), prop(e, "ipv6CidrBlock")]));
    const reach = tooBroad(cidrs, broadestOf(config));
    return reach ? [`Ingress is allowed from ${cidrs.join(", ")}: ${reach}.`] : [];
  },
});

export const eksControlPlaneLogs = resourcePolicy({
  name: "eks-control-plane-logging",
  description: "EKS sends api, audit and authenticator control-plane logs to CloudWatch.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediation: "set enabledClusterLogTypes to include api, audit, authenticator.",
  coverage: [{ control: "logging", types: [T.eksCluster, T.awsEksCluster], checkov: ["CKV_AWS_37"] }],
  types: [T.eksCluster, T.awsEksCluster],
  check: ({ props }) => {
    const types = list(prop(props, "enabledClusterLogTypes"));
    if (types.includes(Unknown)) return [];
    const missing = ["api", "audit", "authenticator"].filter((t) => !types.includes(t));
    return missing.length ? [`Control-plane log types missing: ${missing.join(", ")}.`] : [];
  },
});

export const nodesNoPublicIp = resourcePolicy({
  name: "eks-nodes-no-public-ip",
  description: "Worker nodes get no public IP addresses (they sit in private subnets behind NAT).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation: "leave nodeAssociatePublicIpAddress false and put nodes in the private subnets.",
  coverage: [{ control: "exposure", types: [T.eksCluster, T.launchTemplate], checkov: ["CKV_AWS_88"] }],
  types: [T.eksCluster, T.launchTemplate],
  check: ({ type, props }) => {
    if (type === T.eksCluster)
      return [
        prop(props, "nodeAssociatePublicIpAddress"),
        path(props, "nodeGroupOptions", "nodeAssociatePublicIpAddress"),
      ].includes(true)
        ? ["Nodes are given public IP addresses."]
        : [];
    const nics = list(prop(props, "networkInterfaces"));
    return nics.some((n) => n !== Unknown && ["true", true].includes(prop(n, "associatePublicIpAddress") as string))
      ? ["The launch template gives instances public IP addresses."]
      : [];
  },
});

export const vpcSubnetStrategy = resourcePolicy({
  name: "awsx-vpc-explicit-layout",
  description:
    "awsx VPCs use an explicit, non-legacy subnet layout (subnetStrategy Auto or Exact with CIDR blocks), so provider upgrades never re-lay subnets.",
  enforcementLevel: "mandatory",
  severity: "low",
  remediation: "set subnetStrategy: 'Auto' (or 'Exact') and cidrBlocks on every subnetSpec.",
  types: [T.awsxVpc],
  check: ({ props }) => {
    const out: string[] = [];
    const strategy = prop(props, "subnetStrategy");
    if (strategy !== Unknown && strategy !== "Auto" && strategy !== "Exact")
      out.push(`subnetStrategy is ${String(strategy ?? "unset (Legacy)")}.`);
    const specs = list(prop(props, "subnetSpecs"));
    if (!specs.length) out.push("No subnetSpecs: awsx picks the layout.");
    for (const s of specs)
      if (s !== Unknown && !isSet(s, "cidrBlocks") && !isSet(s, "size"))
        out.push(`Subnet spec ${String(prop(s, "name") ?? prop(s, "type"))} has no fixed CIDR blocks.`);
    return out;
  },
});

export const networkPolicies = [
  dbNotPublic,
  cacheNotExposed,
  noWorldIngress,
  eksEndpoint,
  naclNoBroadIngress,
  eksNoImplicitAdmin,
  eksControlPlaneLogs,
  nodesNoPublicIp,
  vpcSubnetStrategy,
];
