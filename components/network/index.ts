/**
 * The VPC (SPEC N1–N3): public, private (nodes) and isolated database subnets in each AZ at the fixed layout
 * from ./layout, NAT per AZ or one, the four security groups and their rules from ./rules, a network ACL on the
 * database subnets, and VPC flow logs into a KMS-encrypted log group.
 */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import type { NetworkSettings } from "../../config";
import { policyJson, type AccountRef } from "../account";
import {
  databaseAclRules,
  flowLogsDeliveryPolicy,
  flowLogsTrustPolicy,
  securityGroupDescriptions,
  securityGroupRules,
  securityGroups,
  type SecurityGroupName,
} from "./rules";

/** The validated `network` settings (CIDR, AZs, subnet layout, NAT, flow logs), plus what the stack wires in. */
export interface NetworkArgs extends NetworkSettings {
  account: AccountRef;
  /** Prefix of physical names (`qualisys-dev`). */
  prefix: string;
  /** Pinned AZ names; when absent, the first `azCount` AZs AWS lists. */
  availabilityZones?: string[];
  /** Flow log group: its name, retention and KMS key. */
  flowLogGroupName: string;
  logRetentionDays: number;
  logsKeyArn: pulumi.Input<string>;
}

export class Network extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  /** Subnets for internet-facing load balancers and NAT gateways. */
  public readonly publicSubnetIds: pulumi.Output<string[]>;
  /** Subnets for EKS nodes and pods (egress through NAT). */
  public readonly privateSubnetIds: pulumi.Output<string[]>;
  /** Isolated subnets (no route to the internet) for RDS and ElastiCache. */
  public readonly databaseSubnetIds: pulumi.Output<string[]>;
  /** Security group ids by role. */
  public readonly securityGroupIds: Record<SecurityGroupName, pulumi.Output<string>>;
  public readonly flowLogGroupName: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:network:Network", name, {}, opts);
    const parent = { parent: this };

    // Subnet tags let the AWS Load Balancer Controller find where to place internet-facing and internal ALBs.
    const vpc = new awsx.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock: args.cidr,
        ...(args.availabilityZones
          ? { availabilityZoneNames: args.availabilityZones }
          : { numberOfAvailabilityZones: args.azCount }),
        subnetStrategy: "Auto",
        subnetSpecs: [
          { type: "Public", name: "public", cidrBlocks: args.subnets.public, tags: { "kubernetes.io/role/elb": "1" } },
          {
            type: "Private",
            name: "private",
            cidrBlocks: args.subnets.private,
            tags: { "kubernetes.io/role/internal-elb": "1" },
          },
          { type: "Isolated", name: "database", cidrBlocks: args.subnets.database },
        ],
        natGateways: { strategy: args.natGateways === "onePerAz" ? "OnePerAz" : "Single" },
        enableDnsHostnames: true,
        enableDnsSupport: true,
        tags: { Name: `${args.prefix}-vpc` },
      },
      parent,
    );

    // The provider revokes the allow-all egress rule AWS adds to every new group, so each group starts closed
    // and the rules below open only what ./rules lists. Rules are separate resources so groups can reference
    // each other without a cycle.
    const groups = Object.fromEntries(
      securityGroups.map((group) => [
        group,
        new aws.ec2.SecurityGroup(
          `${name}-${group}`,
          {
            vpcId: vpc.vpcId,
            name: `${args.prefix}-${group}`,
            description: securityGroupDescriptions[group],
            tags: { Name: `${args.prefix}-${group}` },
          },
          parent,
        ),
      ]),
    ) as Record<SecurityGroupName, aws.ec2.SecurityGroup>;

    for (const rule of securityGroupRules()) {
      const peer =
        "group" in rule.peer ? { referencedSecurityGroupId: groups[rule.peer.group].id } : { cidrIpv4: rule.peer.cidr };
      const ruleArgs = {
        securityGroupId: groups[rule.group].id,
        ipProtocol: rule.protocol,
        ...(rule.protocol === "-1" ? {} : { fromPort: rule.fromPort, toPort: rule.toPort }),
        description: rule.description,
        ...peer,
      };
      const ruleName = `${name}-${rule.group}-${rule.direction}-${"group" in rule.peer ? rule.peer.group : "world"}-${rule.fromPort}`;
      if (rule.direction === "ingress") new aws.vpc.SecurityGroupIngressRule(ruleName, ruleArgs, parent);
      else new aws.vpc.SecurityGroupEgressRule(ruleName, ruleArgs, parent);
    }

    const acl = databaseAclRules(args.subnets);
    new aws.ec2.NetworkAcl(
      `${name}-database-acl`,
      {
        vpcId: vpc.vpcId,
        subnetIds: vpc.isolatedSubnetIds,
        ingress: acl.ingress,
        egress: acl.egress,
        tags: { Name: `${args.prefix}-database` },
      },
      parent,
    );

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-flow-logs`,
      { name: args.flowLogGroupName, retentionInDays: args.logRetentionDays, kmsKeyId: args.logsKeyArn },
      parent,
    );
    const deliveryRole = new aws.iam.Role(
      `${name}-flow-logs`,
      {
        name: `${args.prefix}-vpc-flow-logs`,
        description: "VPC flow logs delivery to CloudWatch Logs",
        assumeRolePolicy: policyJson(args.account, flowLogsTrustPolicy),
      },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-flow-logs`,
      { role: deliveryRole.name, policy: logGroup.arn.apply((arn) => JSON.stringify(flowLogsDeliveryPolicy(arn))) },
      parent,
    );
    new aws.ec2.FlowLog(
      `${name}-flow-logs`,
      {
        vpcId: vpc.vpcId,
        trafficType: args.flowLogTrafficType,
        logDestinationType: "cloud-watch-logs",
        logDestination: logGroup.arn,
        iamRoleArn: deliveryRole.arn,
        maxAggregationInterval: 60,
      },
      parent,
    );

    this.vpcId = vpc.vpcId;
    this.publicSubnetIds = vpc.publicSubnetIds;
    this.privateSubnetIds = vpc.privateSubnetIds;
    this.databaseSubnetIds = vpc.isolatedSubnetIds;
    this.securityGroupIds = Object.fromEntries(securityGroups.map((g) => [g, groups[g].id])) as Record<
      SecurityGroupName,
      pulumi.Output<string>
    >;
    this.flowLogGroupName = logGroup.name;
    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      databaseSubnetIds: this.databaseSubnetIds,
      securityGroupIds: this.securityGroupIds,
    });
  }
}
