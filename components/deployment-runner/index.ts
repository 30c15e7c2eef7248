/**
 * The deployment runner (SPEC P3): a Pulumi Cloud agent pool for this stack, its token kept secret in Secrets
 * Manager, the customer-managed agent on an EC2 Auto Scaling group of 1 in the private subnets (outbound only, no
 * public IP, IMDSv2 with one hop, encrypted root volume), and this stack's Deployments settings pointing at the
 * pool. The runner's IAM role is created by the identity component (the deploy role's trust names it by ARN);
 * this component gives it its permissions and its instance profile.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";
import { type AccountRef } from "../iam";
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
import { declareDeploymentSettings } from "./deployment-settings";

export interface DeploymentRunnerArgs {
  /** Account id, partition and region, for ARNs. */
  account: AccountRef;
  /** Prefix of physical names (`qualisys-dev`). */
  prefix: string;
  /** Pulumi Cloud organisation, project and stack the settings are for. */
  organization: string;
  project: string;
  stack: string;
  /** `owner/name` of the GitHub repository Deployments checks out. */
  repository: string;
  /** VPC and its CIDR (DNS egress goes to its resolver). */
  vpcId: pulumi.Input<string>;
  vpcCidr: string;
  /** Private subnets (NAT egress); the runner never gets a public address. */
  privateSubnetIds: pulumi.Input<string[]>;
  /** The runner's role (from the identity component) and the deploy role it may assume. */
  runnerRoleName: pulumi.Input<string>;
  deployRoleArn: pulumi.Input<string>;
  /** KMS keys: the pool token's secret, the runner's root volume. */
  secretsKeyArn: pulumi.Input<string>;
  /** Secrets Manager recovery window for the token secret, in days. */
  secretRecoveryWindowDays: number;
  /** Instance type of the runner. Default t3.small. */
  instanceType?: string;
}

export class DeploymentRunner extends pulumi.ComponentResource {
  /** The Pulumi Cloud agent pool's id (Deployments settings name it). */
  public readonly agentPoolId: pulumi.Output<string>;
  /** The pool's access token: a secret end to end. */
  public readonly agentPoolToken: pulumi.Output<string>;
  /** The runner's security group (the cluster's API admits it on 443). */
  public readonly securityGroupId: pulumi.Output<string>;
  /** The Auto Scaling group that keeps one runner alive. */
  public readonly autoScalingGroupName: pulumi.Output<string>;

  constructor(name: string, args: DeploymentRunnerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:deployment:DeploymentRunner", name, {}, opts);
    const parent = { parent: this };
    const names = runnerNames(args.prefix);

    const pool = new pulumiservice.AgentPool(
      `${name}-pool`,
      {
        organizationName: args.organization,
        name: names.pool,
        description: `Runs Pulumi Deployments of ${args.project}/${args.stack} inside its VPC`,
        forceDestroy: false,
      },
      parent,
    );
    this.agentPoolId = pool.agentPoolId;
    this.agentPoolToken = pulumi.secret(pool.tokenValue);

    const tokenSecret = new aws.secretsmanager.Secret(
      `${name}-token`,
      {
        name: names.tokenSecret,
        description: "Pulumi Cloud agent pool token of the deployment runner",
        kmsKeyId: args.secretsKeyArn,
        recoveryWindowInDays: args.secretRecoveryWindowDays,
      },
      parent,
    );
    new aws.secretsmanager.SecretVersion(
      `${name}-token`,
      { secretId: tokenSecret.id, secretString: this.agentPoolToken },
      parent,
    );

    new aws.iam.RolePolicy(
      `${name}-permissions`,
      {
        role: args.runnerRoleName,
        policy: pulumi
          .all([args.account.accountId, args.deployRoleArn, tokenSecret.arn, args.secretsKeyArn])
          .apply(([accountId, deployRoleArn, tokenSecretArn, secretsKeyArn]) =>
            JSON.stringify(
              runnerPermissions({ ...args.account, accountId }, { deployRoleArn, tokenSecretArn, secretsKeyArn }),
            ),
          ),
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
        egress: runnerEgress(args.vpcCidr).map((r) => ({
          description: r.description,
          protocol: r.protocol,
          fromPort: r.port,
          toPort: r.port,
          cidrBlocks: [r.cidr],
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
        userData: pulumi
          .output(tokenSecret.arn)
          .apply((tokenSecretArn) =>
            Buffer.from(userData({ region: args.account.region, tokenSecretArn })).toString("base64"),
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

    declareDeploymentSettings(
      `${name}-settings`,
      {
        organization: args.organization,
        project: args.project,
        stack: args.stack,
        repository: args.repository,
        region: args.account.region,
        deployRoleArn: args.deployRoleArn,
        agentPoolId: pool.agentPoolId,
      },
      parent,
    );

    this.registerOutputs({
      agentPoolId: this.agentPoolId,
      agentPoolToken: this.agentPoolToken,
      securityGroupId: this.securityGroupId,
      autoScalingGroupName: this.autoScalingGroupName,
    });
  }
}
