/**
 * The qualisys platform foundation, one stack per environment. Reads like the architecture: configuration
 * first (validated before anything is declared), then the components in dependency order, then the outputs.
 * Nothing here declares a resource itself.
 */
import { loadConfig } from "./config";
import { currentAccount } from "./components/account";
import { Identity } from "./components/identity";
import { EncryptionKeys } from "./components/keys";
import {
  cacheReplicationGroupId,
  clusterLogGroupName,
  clusterName,
  databaseIdentifier,
  logGroupPrefix,
  secretName,
} from "./components/naming";
import { Network } from "./components/network";
import { Cache } from "./components/cache";
import { Database } from "./components/database";
import { Registry } from "./components/registry";
import { Secrets } from "./components/secrets";

export default async function main() {
  const config = loadConfig();
  const { prefix } = config;
  const account = currentAccount(config.region);
  const logs = logGroupPrefix(config.appName, config.stack);

  const identity = new Identity(prefix, {
    account,
    prefix,
    project: config.project,
    stack: config.stack,
    isProduction: config.isProduction,
    ...config.identity,
    clusterName: clusterName(prefix),
    repositories: config.registry.repositories,
    logGroupPrefixes: [`${logs}/`, clusterLogGroupName(prefix)],
  });

  const keys = new EncryptionKeys(prefix, {
    account,
    prefix,
    adminRoleArns: [identity.devopsRoleArn],
    protect: config.protect,
  });

  const network = new Network(prefix, {
    account,
    prefix,
    ...config.network,
    flowLogGroupName: `${logs}/vpc-flow-logs`,
    logRetentionDays: config.logRetentionDays,
    logsKeyArn: keys.arns.logs,
  });

  // Data tier (SPEC D1, R1, G1, S1). The database bootstrap Job needs the cluster; see components/database/bootstrap.
  const database = new Database(`${prefix}-db`, {
    identifier: databaseIdentifier(prefix),
    ...config.database,
    subnetIds: network.databaseSubnetIds,
    securityGroupId: network.securityGroupIds.database,
    rdsKeyArn: keys.arns.rds,
    secretsKeyArn: keys.arns.secrets,
    logsKeyArn: keys.arns.logs,
    logRetentionDays: config.logRetentionDays,
    protect: config.protect,
  });

  const cache = new Cache(`${prefix}-cache`, {
    replicationGroupId: cacheReplicationGroupId(prefix),
    ...config.cache,
    subnetIds: network.databaseSubnetIds,
    securityGroupId: network.securityGroupIds.cache,
    cacheKeyArn: keys.arns.elasticache,
    secretsKeyArn: keys.arns.secrets,
    authSecretName: secretName(prefix, "redis-auth"),
    secretRecoveryWindowDays: config.secretsManager.recoveryWindowDays,
    logGroupPrefix: logs,
    logRetentionDays: config.logRetentionDays,
    logsKeyArn: keys.arns.logs,
    protect: config.protect,
  });

  const registry = new Registry(`${prefix}-registry`, {
    ...config.registry,
    ecrKeyArn: keys.arns.ecr,
    pushPrincipalArns: [identity.cicdRoleArn],
    protect: config.protect,
  });

  const secrets = new Secrets(`${prefix}-secrets`, {
    account,
    prefix,
    secretsKeyArn: keys.arns.secrets,
    recoveryWindowDays: config.secretsManager.recoveryWindowDays,
    databaseAddress: database.address,
    databasePort: database.port,
    cacheAddress: cache.configurationEndpointAddress,
    cachePort: cache.port,
    cacheAuthToken: cache.authToken,
    rolePasswordsRotatedOn: config.database.rolePasswordsRotatedOn,
    auditAccess: config.secretsManager.auditAccess,
    protect: config.protect,
  });

  return {
    vpcId: network.vpcId,
    publicSubnetIds: network.publicSubnetIds,
    privateSubnetIds: network.privateSubnetIds,
    databaseSubnetIds: network.databaseSubnetIds,
    securityGroupIds: network.securityGroupIds,
    keyArns: keys.arns,
    roleArns: {
      devops: identity.devopsRoleArn,
      developer: identity.developerRoleArn,
      cicd: identity.cicdRoleArn,
      ciPreview: identity.previewRoleArn,
      deploy: identity.deployRoleArn,
    },
    humanGroups: { devops: identity.devopsGroupName, developer: identity.developerGroupName },
    database: {
      address: database.address,
      port: database.port,
      instanceIdentifier: database.instanceIdentifier,
      masterUserSecretArn: database.masterUserSecretArn,
    },
    cache: { configurationEndpointAddress: cache.configurationEndpointAddress, port: cache.port },
    repositoryUrls: registry.repositoryUrls,
    secretArns: {
      ...secrets.appSecretArns,
      appUser: secrets.appUserSecretArn,
      postgresExporter: secrets.postgresExporterSecretArn,
      redisAuth: cache.authSecretArn,
    },
  };
}
