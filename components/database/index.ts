/**
 * RDS for PostgreSQL (SPEC D1): the configured major, class and Multi-AZ per stack, 7-day backups in the 03:00
 * UTC window, storage and Performance Insights encrypted with the RDS key, a parameter group from ./settings,
 * IAM authentication, a master password RDS generates and keeps in Secrets Manager (encrypted with the secrets
 * key, rotated every 90 days), only the database security group (which admits the nodes) on the isolated
 * database subnets, logs exported into log groups created here with retention and the logs key. In prod:
 * deletion protection, a final snapshot and `protect`.
 *
 * The roles, databases and tenant schemas inside it come from ./bootstrap (a Kubernetes Job in the VPC).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseSettings } from "../../config";
import { databaseParameters, logExports, masterUsername, parameterGroupFamily, rdsLogGroupName } from "./settings";

/** The validated `database` settings (engine, class, storage, backups, logging), plus what the stack wires in. */
export interface DatabaseArgs extends DatabaseSettings {
  /** RDS instance identifier (`databaseIdentifier(prefix)` from components/naming.ts). */
  identifier: string;
  /** Isolated subnets for the subnet group. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The database security group (ingress from the node group only). */
  securityGroupId: pulumi.Input<string>;
  /** KMS key for storage and Performance Insights. */
  rdsKeyArn: pulumi.Input<string>;
  /** KMS key for the RDS-managed master secret. */
  secretsKeyArn: pulumi.Input<string>;
  /** KMS key and retention for the exported logs. */
  logsKeyArn: pulumi.Input<string>;
  logRetentionDays: number;
  /** Days between rotations of the RDS-managed master password. Default 90 (SPEC D4). */
  masterPasswordRotationDays?: number;
  /** Deletion protection, a final snapshot and `protect` (prod). */
  protect: boolean;
  /** Apply modifications at once instead of in the maintenance window. Default: `!protect`. */
  applyImmediately?: boolean;
}

export class Database extends pulumi.ComponentResource {
  /** DNS name of the instance (private). */
  public readonly address: pulumi.Output<string>;
  /** 5432. */
  public readonly port: pulumi.Output<number>;
  /** ARN of the RDS-managed Secrets Manager secret holding `{"username","password"}` of the master user. */
  public readonly masterUserSecretArn: pulumi.Output<string>;
  /** The RDS instance identifier (CloudWatch alarm dimension). */
  public readonly instanceIdentifier: pulumi.Output<string>;
  /** The instance ARN. */
  public readonly arn: pulumi.Output<string>;
  /** The master user's name. */
  public readonly masterUsername: string = masterUsername;

  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:database:Database", name, {}, opts);
    const parent = { parent: this };
    const stateful = { parent: this, protect: args.protect };

    const subnetGroup = new aws.rds.SubnetGroup(
      `${name}-subnets`,
      {
        name: args.identifier,
        description: `${args.identifier}: isolated database subnets`,
        subnetIds: args.subnetIds,
      },
      parent,
    );

    // The family is part of the name: a major upgrade creates the next group beside the old one instead of
    // modifying the group the running instance uses.
    const parameterGroup = new aws.rds.ParameterGroup(
      `${name}-params`,
      {
        name: `${args.identifier}-pg${args.engineMajor}`,
        family: parameterGroupFamily(args.engineMajor),
        description: `${args.identifier}: TLS only, connection limit, logging`,
        parameters: databaseParameters(args),
      },
      parent,
    );

    const logGroups = logExports.map(
      (log) =>
        new aws.cloudwatch.LogGroup(
          `${name}-${log}-logs`,
          {
            name: rdsLogGroupName(args.identifier, log),
            retentionInDays: args.logRetentionDays,
            kmsKeyId: args.logsKeyArn,
          },
          parent,
        ),
    );

    const instance = new aws.rds.Instance(
      `${name}-instance`,
      {
        identifier: args.identifier,
        engine: "postgres",
        // Major only: RDS picks the current minor and applies minor upgrades in the maintenance window.
        engineVersion: String(args.engineMajor),
        autoMinorVersionUpgrade: true,
        // A major upgrade only ever happens because engineMajor changed in config.
        allowMajorVersionUpgrade: true,
        instanceClass: args.instanceClass,
        multiAz: args.multiAz,
        storageType: "gp3",
        allocatedStorage: args.allocatedStorageGb,
        maxAllocatedStorage: args.maxAllocatedStorageGb,
        storageEncrypted: true,
        kmsKeyId: args.rdsKeyArn,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: [args.securityGroupId],
        publiclyAccessible: false,
        port: 5432,
        parameterGroupName: parameterGroup.name,
        caCertIdentifier: "rds-ca-rsa2048-g1",
        username: masterUsername,
        manageMasterUserPassword: true,
        masterUserSecretKmsKeyId: args.secretsKeyArn,
        iamDatabaseAuthenticationEnabled: true,
        backupRetentionPeriod: args.backupRetentionDays,
        backupWindow: args.backupWindow,
        maintenanceWindow: args.maintenanceWindow,
        copyTagsToSnapshot: true,
        deleteAutomatedBackups: !args.protect,
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: args.rdsKeyArn,
        performanceInsightsRetentionPeriod: args.performanceInsightsRetentionDays,
        enabledCloudwatchLogsExports: [...logExports],
        deletionProtection: args.protect,
        skipFinalSnapshot: !args.protect,
        ...(args.protect ? { finalSnapshotIdentifier: `${args.identifier}-final` } : {}),
        applyImmediately: args.applyImmediately ?? !args.protect,
        tags: { Name: args.identifier },
      },
      { ...stateful, dependsOn: logGroups },
    );

    this.masterUserSecretArn = instance.masterUserSecrets.apply((secrets) => {
      const arn = secrets?.[0]?.secretArn;
      if (!arn) throw new pulumi.ResourceError(`${args.identifier}: RDS returned no master user secret`, this);
      return arn;
    });

    // RDS rotates its managed master secret itself; this only sets the schedule (AWS default: 7 days).
    new aws.secretsmanager.SecretRotation(
      `${name}-master-rotation`,
      {
        secretId: this.masterUserSecretArn,
        rotationRules: { automaticallyAfterDays: args.masterPasswordRotationDays ?? 90 },
      },
      parent,
    );

    this.address = instance.address;
    this.port = instance.port;
    this.instanceIdentifier = instance.identifier;
    this.arn = instance.arn;
    this.registerOutputs({
      address: this.address,
      port: this.port,
      masterUserSecretArn: this.masterUserSecretArn,
      instanceIdentifier: this.instanceIdentifier,
    });
  }
}
