/**
 * The qualisys platform foundation, one stack per environment. Reads like the architecture: configuration
 * first (validated before anything is declared), then the components in dependency order, then the outputs.
 * Nothing here declares a resource itself.
 */
import { loadConfig } from "./config";
import { currentAccount } from "./components/account";
import { Alerting } from "./components/alerting";
import { Cache } from "./components/cache";
import { Cluster } from "./components/cluster";
import { Database } from "./components/database";
import { DeploymentRunner } from "./components/deployment-runner";
import { DatabaseBootstrap } from "./components/database/bootstrap";
import { Identity } from "./components/identity";
import { EncryptionKeys } from "./components/keys";
import { Monitoring } from "./components/monitoring";
import {
  cacheReplicationGroupId,
  clusterLogGroupName,
  clusterName,
  databaseIdentifier,
  loadBalancerName,
  logGroupPrefix,
  platformNamespaces,
  secretName,
} from "./components/naming";
import { Network } from "./components/network";
import { Registry } from "./components/registry";
import { Secrets } from "./components/secrets";

export default async function main() {
  const config = loadConfig();
  const { prefix } = config;
  const account = currentAccount(config.region);
  const logs = logGroupPrefix(config.appName, config.stack);

  // Identity and keys first: key policies name the devops role, and everything after encrypts with the keys.
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

  // Pulumi Deployments run inside the VPC, where the private EKS endpoint is reachable (SPEC P3).
  const runner = new DeploymentRunner(`${prefix}-runner`, {
    account,
    prefix,
    organization: config.identity.pulumiOrganization,
    project: config.project,
    stack: config.stack,
    repository: config.identity.githubRepository,
    vpcId: network.vpcId,
    vpcCidr: config.network.cidr,
    privateSubnetIds: network.privateSubnetIds,
    runnerRoleName: identity.runnerRoleName,
    deployRoleArn: identity.deployRoleArn,
    secretsKeyArn: keys.arns.secrets,
    secretRecoveryWindowDays: config.secretsManager.recoveryWindowDays,
  });

  const cluster = new Cluster(prefix, {
    ...config.cluster,
    account,
    prefix,
    domain: config.domain,
    vpcId: network.vpcId,
    vpcCidr: config.network.cidr,
    privateSubnetIds: network.privateSubnetIds,
    publicSubnetIds: network.publicSubnetIds,
    publicSubnetCidrs: config.network.subnets.public,
    nodeSecurityGroupId: network.securityGroupIds.nodes,
    loadBalancerSecurityGroupId: network.securityGroupIds.loadBalancer,
    keyArns: { eks: keys.arns.eks, logs: keys.arns.logs, secrets: keys.arns.secrets },
    logRetentionDays: config.logRetentionDays,
    containerLogGroupName: `${logs}/containers`,
    accessRoleArns: {
      devops: identity.devopsRoleArn,
      developer: identity.developerRoleArn,
      cicd: identity.cicdRoleArn,
      ...(config.cluster.deployRoleAccessEntry ? { deploy: identity.deployRoleArn } : {}),
    },
    apiClientSecurityGroupIds: { runner: runner.securityGroupId },
    protect: config.protect,
  });

  // Data tier (SPEC D1, R1, G1, S1).
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
    pullPrincipalArns: [cluster.nodeRoleArn],
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

  // The bootstrap runs inside the VPC as a Job on the cluster (SPEC D2); external-secrets' CRDs must exist first.
  const bootstrap = new DatabaseBootstrap(
    `${prefix}-db-bootstrap`,
    {
      provider: cluster.provider,
      secretsSyncReady: cluster.secretsSyncReady,
      oidcProviderArn: cluster.oidcProviderArn,
      oidcIssuer: cluster.oidcIssuer,
      account,
      prefix,
      address: database.address,
      port: database.port,
      engineMajor: config.database.engineMajor,
      masterUserSecretArn: database.masterUserSecretArn,
      appUserSecretArn: secrets.appUserSecretArn,
      monitorSecretArn: secrets.postgresExporterSecretArn,
      secretsKeyArn: keys.arns.secrets,
      rolePasswordsVersion: secrets.rolePasswordsVersion,
    },
    { dependsOn: [cluster, database, secrets] },
  );

  // Observability (SPEC O1–O3). Alarms and the budget name the data tier and the ALB by their fixed names.
  const alerting = new Alerting(prefix, {
    ...config.alerting,
    account,
    prefix,
    snsKeyArn: keys.arns.sns,
    databaseIdentifier: databaseIdentifier(prefix),
    cacheReplicationGroupId: cacheReplicationGroupId(prefix),
    cacheShards: config.cache.shards,
    cacheReplicasPerShard: config.cache.replicasPerShard,
    loadBalancerName: loadBalancerName(prefix),
    monthlyBudgetUsd: config.monthlyBudgetUsd,
    budgetAlertEmails: config.budgetAlertEmails,
  });

  const monitoring = new Monitoring(
    prefix,
    {
      provider: cluster.provider,
      namespace: cluster.namespaces[platformNamespaces.monitoring],
      clusterSecretStoreName: cluster.clusterSecretStoreName,
      secretsSyncReady: cluster.secretsSyncReady,
      prefix,
      domain: config.domain,
      databaseAddress: database.address,
      databasePort: database.port,
      cacheAddress: cache.configurationEndpointAddress,
      cachePort: cache.port,
      slackWebhookUrl: config.secrets.slackWebhookUrl,
      secretsKeyArn: keys.arns.secrets,
      protect: config.protect,
      ...config.monitoring,
    },
    { dependsOn: [cluster, database, cache] },
  );

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
      runner: identity.runnerRoleArn,
    },
    deploymentRunner: { agentPoolId: runner.agentPoolId, agentPoolToken: runner.agentPoolToken },
    humanGroups: { devops: identity.devopsGroupName, developer: identity.developerGroupName },
    clusterName: cluster.name,
    kubeconfig: cluster.kubeconfig,
    oidcProviderArn: cluster.oidcProviderArn,
    nodeRoleArn: cluster.nodeRoleArn,
    clusterSecretStoreName: cluster.clusterSecretStoreName,
    ingressClassName: cluster.ingressClassName,
    ingressAnnotations: cluster.ingressAnnotations,
    webAclArn: cluster.webAclArn,
    ...(config.domain ? { certificateArn: cluster.certificateArn } : {}),
    containerLogGroupName: cluster.containerLogGroupName,
    database: {
      address: database.address,
      port: database.port,
      instanceIdentifier: database.instanceIdentifier,
      masterUserSecretArn: database.masterUserSecretArn,
    },
    databaseBootstrapJob: bootstrap.jobName,
    cache: { configurationEndpointAddress: cache.configurationEndpointAddress, port: cache.port },
    repositoryUrls: registry.repositoryUrls,
    secretArns: {
      ...secrets.appSecretArns,
      appUser: secrets.appUserSecretArn,
      postgresExporter: secrets.postgresExporterSecretArn,
      redisAuth: cache.authSecretArn,
    },
    alarmTopicArn: alerting.topicArn,
    grafanaAdminSecretArn: monitoring.grafanaAdminSecretArn,
    ...(config.domain ? { grafanaUrl: monitoring.grafanaUrl } : {}),
  };
}
