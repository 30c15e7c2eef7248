/**
 * ElastiCache (SPEC R1): a Redis (or Valkey) replication group in cluster mode — 2 shards with a replica each by
 * default — automatic failover across AZs, TLS required, at-rest encryption with the cache key, an auth token
 * generated here and kept in Secrets Manager (`<prefix>/platform/redis-auth`), `allkeys-lru`, daily snapshots,
 * slow and engine logs into KMS-encrypted log groups, only the cache security group on the isolated subnets.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { CacheSettings } from "../../config";
import * as random from "@pulumi/random";
import { cacheLogTypes, cacheParameterGroupFamily, cacheParameters } from "./settings";

/** The validated `cache` settings (engine, node type, shards, snapshots), plus what the stack wires in. */
export interface CacheArgs extends CacheSettings {
  /** Replication group id (`cacheReplicationGroupId(prefix)`, ≤ 40 characters). */
  replicationGroupId: string;
  /** Isolated subnets for the subnet group. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The cache security group (ingress from the node group only). */
  securityGroupId: pulumi.Input<string>;
  /** KMS key for data at rest. */
  cacheKeyArn: pulumi.Input<string>;
  /** KMS key for the auth token's secret. */
  secretsKeyArn: pulumi.Input<string>;
  /** Secrets Manager name of the auth token (`secretName(prefix, "redis-auth")`). */
  authSecretName: string;
  /** Days a deleted secret can be restored. */
  secretRecoveryWindowDays: number;
  /** Log groups: name prefix (`/qualisys/dev`), retention, KMS key. */
  logGroupPrefix: string;
  logRetentionDays: number;
  logsKeyArn: pulumi.Input<string>;
  /** A final snapshot and `protect` (prod). */
  protect: boolean;
  /** Apply modifications at once instead of in the maintenance window. Default: `!protect`. */
  applyImmediately?: boolean;
}

export class Cache extends pulumi.ComponentResource {
  /** The cluster-mode configuration endpoint (what cluster-aware clients connect to). */
  public readonly configurationEndpointAddress: pulumi.Output<string>;
  /** 6379. */
  public readonly port: pulumi.Output<number>;
  /** The auth token (a Pulumi secret). */
  public readonly authToken: pulumi.Output<string>;
  /** ARN of `<prefix>/platform/redis-auth`, `{"authToken","host","port"}`. */
  public readonly authSecretArn: pulumi.Output<string>;
  /** The replication group id (CloudWatch alarm dimension). */
  public readonly replicationGroupId: pulumi.Output<string>;

  constructor(name: string, args: CacheArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:cache:Cache", name, {}, opts);
    const parent = { parent: this };

    // ElastiCache accepts 16–128 printable characters except @, " and /; alphanumeric keeps URLs and shells simple.
    const token = new random.RandomPassword(`${name}-auth-token`, { length: 64, special: false }, parent);

    const subnetGroup = new aws.elasticache.SubnetGroup(
      `${name}-subnets`,
      {
        name: args.replicationGroupId,
        description: `${args.replicationGroupId}: isolated subnets`,
        subnetIds: args.subnetIds,
      },
      parent,
    );
    const family = cacheParameterGroupFamily(args.engine, args.engineVersion);
    const parameterGroup = new aws.elasticache.ParameterGroup(
      `${name}-params`,
      {
        name: `${args.replicationGroupId}-${family}`,
        family,
        description: `${args.replicationGroupId}: cluster mode, allkeys-lru`,
        parameters: cacheParameters.map((p) => ({ ...p })),
      },
      parent,
    );
    const logGroups = cacheLogTypes.map(
      (log) =>
        new aws.cloudwatch.LogGroup(
          `${name}-${log}`,
          {
            name: `${args.logGroupPrefix}/elasticache/${args.replicationGroupId}/${log}`,
            retentionInDays: args.logRetentionDays,
            kmsKeyId: args.logsKeyArn,
          },
          parent,
        ),
    );

    const group = new aws.elasticache.ReplicationGroup(
      `${name}-redis`,
      {
        replicationGroupId: args.replicationGroupId,
        description: `${args.replicationGroupId}: application cache (cluster mode, TLS, auth token)`,
        engine: args.engine,
        engineVersion: args.engineVersion,
        nodeType: args.nodeType,
        port: 6379,
        clusterMode: "enabled",
        numNodeGroups: args.shards,
        replicasPerNodeGroup: args.replicasPerShard,
        automaticFailoverEnabled: true,
        multiAzEnabled: true,
        parameterGroupName: parameterGroup.name,
        subnetGroupName: subnetGroup.name,
        securityGroupIds: [args.securityGroupId],
        atRestEncryptionEnabled: true,
        kmsKeyId: args.cacheKeyArn,
        transitEncryptionEnabled: true,
        transitEncryptionMode: "required",
        authToken: token.result,
        // A changed token is added beside the old one, so connected clients are not cut off mid-rotation.
        authTokenUpdateStrategy: "ROTATE",
        snapshotRetentionLimit: args.snapshotRetentionDays,
        snapshotWindow: args.snapshotWindow,
        maintenanceWindow: args.maintenanceWindow,
        autoMinorVersionUpgrade: true,
        ...(args.protect ? { finalSnapshotIdentifier: `${args.replicationGroupId}-final` } : {}),
        applyImmediately: args.applyImmediately ?? !args.protect,
        logDeliveryConfigurations: logGroups.map((logGroup, i) => ({
          destination: logGroup.name,
          destinationType: "cloudwatch-logs",
          logFormat: "json",
          logType: cacheLogTypes[i],
        })),
        tags: { Name: args.replicationGroupId },
      },
      { parent: this, protect: args.protect },
    );

    const secret = new aws.secretsmanager.Secret(
      `${name}-auth`,
      {
        name: args.authSecretName,
        description: `${args.replicationGroupId}: Redis auth token and endpoint, {"authToken","host","port"}`,
        kmsKeyId: args.secretsKeyArn,
        recoveryWindowInDays: args.secretRecoveryWindowDays,
      },
      parent,
    );
    new aws.secretsmanager.SecretVersion(
      `${name}-auth`,
      {
        secretId: secret.id,
        secretString: pulumi
          .secret(pulumi.all([token.result, group.configurationEndpointAddress, group.port]))
          .apply(([authToken, host, port]) => JSON.stringify({ authToken, host, port })),
      },
      parent,
    );

    this.configurationEndpointAddress = group.configurationEndpointAddress;
    this.port = group.port.apply((port) => port ?? 6379);
    this.authToken = pulumi.secret(token.result);
    this.authSecretArn = secret.arn;
    this.replicationGroupId = group.replicationGroupId;
    this.registerOutputs({
      configurationEndpointAddress: this.configurationEndpointAddress,
      port: this.port,
      authSecretArn: this.authSecretArn,
      replicationGroupId: this.replicationGroupId,
    });
  }
}
