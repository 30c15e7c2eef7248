/**
 * The qualisys platform foundation, one stack per environment. Reads like the architecture: configuration
 * first (validated before anything is declared), then the components in dependency order, then the outputs.
 * Nothing here declares a resource itself.
 */
import { loadConfig } from "./config";
import { currentAccount } from "./components/account";
import { Alerting } from "./components/alerting";
import { Identity } from "./components/identity";
import { EncryptionKeys } from "./components/keys";
import { Cluster } from "./components/cluster";
import {
  cacheReplicationGroupId,
  clusterLogGroupName,
  clusterName,
  databaseIdentifier,
  loadBalancerName,
  logGroupPrefix,
} from "./components/naming";
import { Network } from "./components/network";

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

  const cluster = new Cluster(prefix, {
    account,
    prefix,
    config: config.cluster,
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
    },
    protect: config.protect,
  });

  // CloudWatch alarms and the budget name the data tier and the ALB by their fixed names, so they need neither
  // component's outputs and exist from the first deploy on (SPEC O3).
  const alerting = new Alerting(prefix, {
    account,
    prefix,
    snsKeyArn: keys.arns.sns,
    databaseIdentifier: databaseIdentifier(prefix),
    cacheReplicationGroupId: cacheReplicationGroupId(prefix),
    cacheShards: config.cache.shards,
    cacheReplicasPerShard: config.cache.replicasPerShard,
    loadBalancerName: loadBalancerName(prefix),
    thresholds: config.alerting,
    monthlyBudgetUsd: config.monthlyBudgetUsd,
    budgetAlertEmails: config.budgetAlertEmails,
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
    alarmTopicArn: alerting.topicArn,
  };
}
