/**
 * The deployment runner (SPEC P3, P4): Pulumi's customer-managed workflow agent on an EC2 Auto Scaling group of 1 in
 * the private subnets (outbound only, no public IP, IMDSv2 with one hop, encrypted root volume). Its agent pool, the
 * pool's token (kept in a Secrets Manager secret of this account) and the Deployments settings that point stacks at
 * the pool are the organisation stack's (components/organization/): the runner reads its token at boot and this
 * stack's state, config and outputs never hold it. The runner's IAM role is created by the identity component; this
 * component gives it its permissions and its instance profile.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AccountRef } from "../account";
import {
  amiParameter,
  defaultInstanceType,
  metadataOptions,
  purposeTag,
  runnerEgress,
  runnerNames,
  runnerPermissions,
  userData,
} from "./plan";

export interface DeploymentRunnerArgs {
  /** Account id, partition and region, for ARNs. */
  account: AccountRef;
  /** Prefix of physical names (`qualisys-dev`): also names the pool token's secret the organisation stack keeps. */
  prefix: string;
  /** VPC and its CIDR (DNS goes to its Amazon DNS server). */
  vpcId: pulumi.Input<string>;
  vpcCidr: string;
  /** Private subnets (NAT egress, the EKS API's private endpoint); the runner never gets a public address. */
  privateSubnetIds: pulumi.Input<string[]>;
  privateSubnetCidrs: string[];
  /** The runner's role (from the identity component). */
  runnerRoleName: pulumi.Input<string>;
  /** Instance type of the runner. Default t3.small. */
  instanceType?: string;
}

export class DeploymentRunner extends pulumi.ComponentResource {
  /** The runner's security group (the cluster's API admits it on 443). */
  public readonly securityGroupId: pulumi.Output<string>;
  /** The Auto Scaling group that keeps one runner alive. */
  public readonly autoScalingGroupName: pulumi.Output<string>;

  constructor(name: string, args: DeploymentRunnerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:deployment:DeploymentRunner", name, {}, opts);
    const parent = { parent: this };
    const names = runnerNames(args.prefix);

    new aws.iam.RolePolicy(
      `${name}-permissions`,
      {
        role: args.runnerRoleName,
        policy: pulumi
          .output(args.account.accountId)
          .apply((accountId) => JSON.stringify(runnerPermissions({ ...args.account, accountId }, args.prefix))),
      },
      parent,
    );
    const profile = new aws.iam.InstanceProfile(
      `${name}-profile`,
      { name: names.instanceProfile, role: args.runnerRoleName },
      parent,
    );

    const group = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        name: names.securityGroup,
        description: "Pulumi deployment runner: outbound HTTPS and DNS only",
        vpcId: args.vpcId,
        egress: runnerEgress(args.vpcCidr, args.privateSubnetCidrs).map((r) => ({
          description: r.description,
          protocol: r.protocol,
          fromPort: r.port,
          toPort: r.port,
          cidrBlocks: r.cidrs,
        })),
        tags: { ...purposeTag },
      },
      parent,
    );
    this.securityGroupId = group.id;

    const template = new aws.ec2.LaunchTemplate(
      `${name}-template`,
      {
        namePrefix: `${names.role}-`,
        imageId: `resolve:ssm:${amiParameter}`,
        instanceType: args.instanceType ?? defaultInstanceType,
        iamInstanceProfile: { arn: profile.arn },
        networkInterfaces: [
          { associatePublicIpAddress: "false", securityGroups: [group.id], deleteOnTermination: "true" },
        ],
        metadataOptions: { ...metadataOptions },
        blockDeviceMappings: [
          {
            deviceName: "/dev/xvda",
            ebs: { volumeSize: 30, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
          },
        ],
        userData: Buffer.from(userData({ region: args.account.region, tokenSecret: names.tokenSecret })).toString(
          "base64",
        ),
        tagSpecifications: [
          { resourceType: "instance", tags: { Name: names.role, ...purposeTag } },
          { resourceType: "volume", tags: { Name: names.role, ...purposeTag } },
        ],
        tags: { ...purposeTag },
      },
      parent,
    );

    const asg = new aws.autoscaling.Group(
      `${name}-asg`,
      {
        namePrefix: `${names.role}-`,
        minSize: 1,
        maxSize: 1,
        desiredCapacity: 1,
        vpcZoneIdentifiers: args.privateSubnetIds,
        launchTemplate: { id: template.id, version: template.latestVersion.apply(String) },
        healthCheckType: "EC2",
        // No instance refresh: the deployment that changes the launch template (agent version, AMI) runs on this
        // very instance, and replacing it would kill that deployment. New instances take the new version; the
        // running one is rolled by hand at a quiet moment (docs/deploying.md, "The deployment runner").
        tags: [
          { key: "Name", value: names.role, propagateAtLaunch: true },
          { key: "purpose", value: purposeTag.purpose, propagateAtLaunch: true },
        ],
      },
      parent,
    );
    this.autoScalingGroupName = asg.name;

    this.registerOutputs({
      securityGroupId: this.securityGroupId,
      autoScalingGroupName: this.autoScalingGroupName,
    });
  }
}
