/**
 * The qualisys platform foundation, one stack per environment. Reads like the architecture: configuration
 * first (validated before anything is declared), then the components in dependency order, then the outputs.
 * Nothing here declares a resource itself. The platform (network, runner, cluster) is the stack's own, or, with
 * `qualisys:platform`, another stack's (components/platform/). One stack of the project is of the other kind: the
 * organisation stack (`Pulumi.organization.yaml`) declares Pulumi Cloud itself (components/organization/).
 */
import { loadStackConfig } from "./config";
import { currentAccount } from "./components/account";
import { Alerting } from "./components/alerting";
import { Cache } from "./components/cache";
import { Database } from "./components/database";
import { DatabaseBootstrap } from "./components/database/bootstrap";
import { Identity } from "./components/identity";
import { EncryptionKeys } from "./components/keys";
import { Monitoring } from "./components/monitoring";
import { Organization } from "./components/organization";
import { DataTierExporters } from "./components/monitoring/exporters";
import {
  cacheReplicationGroupId,
  clusterLogGroupName,
  clusterName,
  databaseIdentifier,
  logGroupPrefix,
  platformNamespaces,
  secretName,
} from "./components/naming";
import { tenantBoundary } from "./components/identity/boundary";
import { ownPlatform, readHost, readOwnContract, sharedPlatform } from "./components/platform";
import { tenantClusterAccess } from "./components/platform/tenancy";
import { Registry } from "./components/registry";
import { Secrets } from "./components/secrets";

export default async function main() {
  const loaded = loadStackConfig();
  // The organisation stack: agent pools, every stack's Deployments settings and schedules, teams, the GitHub OIDC
  // issuer and the policy group (SPEC P2, P4, P5). Application stacks declare none of it and never read it.
  if (loaded.kind === "organization") return new Organization(loaded.stack, loaded).outputs;
  const config = loaded;
  const { prefix } = config;
  const account = currentAccount(config.region);
  const logs = logGroupPrefix(config.appName, config.stack);
  // A tenant reads its host first: a missing or mismatched host stops it before anything is declared. A host with
  // tenants reads what it last deployed, and stops a change that would replace what they run on.
  const host = config.platform ? await readHost(config) : undefined;
  if (!config.platform && config.tenants.length) await readOwnContract(config);
  const repositories = host ? Object.keys(host.ref.registry.repositoryUrls) : config.registry.repositories;

  // Identity and keys first: key policies name the devops role, and everything after encrypts with the keys.
  const identity = new Identity(prefix, {
    account,
    prefix,
    project: config.project,
    stack: config.stack,
    isProduction: config.isProduction,
    expires: config.lifetime.kind === "expires",
    ...config.identity,
    deploymentRunner: !host,
    clusterName: host?.ref.clusterName ?? clusterName(prefix),
    repositories,
    // One non-production registry, the host's: its CI pushes, a tenant's CI and developers pull (by digest).
    pushImages: !host,
    logGroupPrefixes: host ? [`${logs}/`] : [`${logs}/`, clusterLogGroupName(prefix)],
    // A tenant's roles are bounded to its own resources; the host's devops role stays the account's administrator.
    permissionsBoundary:
      config.platform && host
        ? (a) =>
            tenantBoundary({
              account: a,
              prefix,
              logGroupPrefix: logs,
              tag: config.budget.costTag!,
              clusterName: host.ref.clusterName,
              clusterAccess: Object.values(tenantClusterAccess(config.stack, prefix, config.platform.namespaces)),
            })
        : undefined,
  });

  const keys = new EncryptionKeys(prefix, {
    account,
    prefix,
    adminRoleArns: [identity.devopsRoleArn],
    protect: config.protect,
    cluster: !host,
  });

  // Network, deployment runner and cluster (SPEC N1–N3, P3, E1–E6): the stack's own, or its share of the host's.
  const wiring = { account, identity, keys, logs };
  const platform = config.platform && host ? sharedPlatform(config, host, wiring) : ownPlatform(config, wiring);

  // Data tier (SPEC D1, R1, G1, S1).
  const database = new Database(`${prefix}-db`, {
    identifier: databaseIdentifier(prefix),
    ...config.database,
    subnetIds: platform.databaseSubnetIds,
    securityGroupId: platform.securityGroupIds.database,
    rdsKeyArn: keys.arns.rds,
    secretsKeyArn: keys.arns.secrets,
    logsKeyArn: keys.arns.logs,
    logRetentionDays: config.logRetentionDays,
    protect: config.protect,
  });

  const cache = new Cache(`${prefix}-cache`, {
    replicationGroupId: cacheReplicationGroupId(prefix),
    ...config.cache,
    subnetIds: platform.databaseSubnetIds,
    securityGroupId: platform.securityGroupIds.cache,
    cacheKeyArn: keys.arns.elasticache,
    secretsKeyArn: keys.arns.secrets,
    authSecretName: secretName(prefix, "redis-auth"),
    secretRecoveryWindowDays: config.secretsManager.recoveryWindowDays,
    logGroupPrefix: logs,
    logRetentionDays: config.logRetentionDays,
    logsKeyArn: keys.arns.logs,
    protect: config.protect,
  });

  // A tenant creates no repositories: the host's registry serves it (decision in docs/shared-platform.md).
  const registry =
    !host &&
    new Registry(`${prefix}-registry`, {
      ...config.registry,
      ecrKeyArn: keys.arns.ecr,
      pushPrincipalArns: [identity.cicdRoleArn],
      pullPrincipalArns: [platform.nodeRoleArn],
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
      provider: platform.provider,
      secretsSyncReady: platform.secretsSyncReady,
      oidcProviderArn: platform.oidcProviderArn,
      oidcIssuer: platform.oidcIssuer,
      account,
      prefix,
      namespace: platform.bootstrapNamespace,
      permissionsBoundary: identity.permissionsBoundaryArn,
      address: database.address,
      port: database.port,
      engineMajor: config.database.engineMajor,
      masterUserSecretArn: database.masterUserSecretArn,
      appUserSecretArn: secrets.appUserSecretArn,
      monitorSecretArn: secrets.postgresExporterSecretArn,
      secretsKeyArn: keys.arns.secrets,
      rolePasswordsVersion: secrets.rolePasswordsVersion,
      maxTenants: config.database.maxTenants,
    },
    { dependsOn: [platform.ready, database, secrets] },
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
    loadBalancerName: platform.loadBalancerName,
    budget: config.budget,
    budgetAlertEmails: config.budgetAlertEmails,
  });

  // In-cluster monitoring belongs to the cluster's owner. A stack on another's platform adds its data tier's
  // exporters in its own namespace, which the host's Prometheus scrapes; its CloudWatch alarms are its own.
  const { cluster } = platform;
  const dataTier = {
    prefix,
    databaseAddress: database.address,
    databasePort: database.port,
    cacheAddress: cache.configurationEndpointAddress,
    cachePort: cache.port,
  };
  const monitoring =
    cluster &&
    new Monitoring(
      prefix,
      {
        provider: cluster.provider,
        namespace: cluster.namespaces[platformNamespaces.monitoring],
        clusterSecretStoreName: cluster.clusterSecretStoreName,
        secretsSyncReady: cluster.secretsSyncReady,
        ...dataTier,
        domain: config.domain,
        slackWebhookUrl: config.secrets.slackWebhookUrl,
        secretsKeyArn: keys.arns.secrets,
        protect: config.protect,
        ...config.monitoring,
      },
      { dependsOn: [cluster, database, cache] },
    );
  if (platform.exporters) {
    new DataTierExporters(
      prefix,
      {
        ...dataTier,
        provider: platform.provider,
        ...platform.exporters,
        secretsSyncReady: platform.secretsSyncReady,
        charts: config.monitoring.charts,
      },
      { dependsOn: [platform.ready, database, cache] },
    );
  }

  return {
    ...platform.outputs,
    keyArns: keys.arns,
    roleArns: {
      devops: identity.devopsRoleArn,
      developer: identity.developerRoleArn,
      cicd: identity.cicdRoleArn,
      ciPreview: identity.previewRoleArn,
      deploy: identity.deployRoleArn,
      ...(identity.runnerRole ? { runner: identity.runnerRole.arn } : {}),
    },
    humanGroups: { devops: identity.devopsGroupName, developer: identity.developerGroupName },
    database: {
      address: database.address,
      port: database.port,
      instanceIdentifier: database.instanceIdentifier,
      masterUserSecretArn: database.masterUserSecretArn,
    },
    databaseBootstrapJob: bootstrap.jobName,
    cache: { configurationEndpointAddress: cache.configurationEndpointAddress, port: cache.port },
    repositoryUrls: registry ? registry.repositoryUrls : host?.ref.registry.repositoryUrls,
    secretArns: {
      ...secrets.appSecretArns,
      appUser: secrets.appUserSecretArn,
      postgresExporter: secrets.postgresExporterSecretArn,
      redisAuth: cache.authSecretArn,
    },
    alarmTopicArn: alerting.topicArn,
    ...(monitoring
      ? {
          grafanaAdminSecretArn: monitoring.grafanaAdminSecretArn,
          ...(config.domain ? { grafanaUrl: monitoring.grafanaUrl } : {}),
        }
      : {}),
  };
}
