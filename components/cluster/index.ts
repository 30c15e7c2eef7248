/**
 * The EKS cluster and everything the platform runs on it (SPEC E1–E6, I3, L1, S2): the control plane (private
 * endpoint, KMS envelope encryption, audit logs into a pre-created encrypted log group, access entries), the
 * `general` and tainted `playwright` managed node groups, the managed add-ons, the Helm add-ons with one IRSA role
 * each, namespaces with their policies and RBAC, the warm Playwright pool, the secrets sync and the edge (WAF,
 * certificate, ingress class). Plans, policies and manifests are pure functions in the sibling modules; this file
 * only turns them into resources.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import type { StackConfig } from "../../config";
import { managedPolicy, policyJson, serviceAccountTrustPolicy, type AccountRef, type PolicyDocument } from "../iam";
import { clusterLogGroupName, clusterName, loadBalancerName, platformNamespaces } from "../naming";
import {
  charts,
  clusterAutoscalerPolicy,
  externalSecretsPolicy,
  fluentBitPolicy,
  loadBalancerControllerPolicy,
  managedAddonIdentities,
  managedAddonPolicies,
  type ChartAddon,
} from "./addons";
import { hostnames, ingressAnnotations, ingressClassName, webAclRules } from "./edge";
import {
  clusterSecretStore,
  clusterSecretStoreName,
  externalSecrets,
  kubernetesGroups,
  namespaceManifest,
  namespacePlan,
  networkPolicies,
  placeholderDeployment,
  placeholderPriorityClass,
  playwrightLimitRange,
  playwrightQuota,
  rbac,
  typed,
  type Manifest,
} from "./manifests";
import type { IIngressClass } from "kubernetes-models/networking.k8s.io/v1/IngressClass";
import { eksTaint, launchTemplateSpec, nodePools, nodeTemplateTags } from "./pool";

export interface ClusterArgs {
  /** Account id, partition and region, for ARNs in policies. */
  account: AccountRef;
  /** Prefix of physical names (`qualisys-dev`); the cluster is named `clusterName(prefix)`. */
  prefix: string;
  /** The validated `qualisys:cluster` config (version, pools, add-on and chart versions, namespaces…). */
  config: StackConfig["cluster"];
  /** Public domain for app/api/grafana; default none (no certificate, no DNS records). */
  domain?: string;
  /** VPC the cluster runs in. */
  vpcId: pulumi.Input<string>;
  /** VPC CIDR (network policies let pods reach the data tier inside it). */
  vpcCidr: string;
  /** Private subnets: control plane ENIs and nodes. */
  privateSubnetIds: pulumi.Input<string[]>;
  /** Public subnets: the ALB. */
  publicSubnetIds: pulumi.Input<string[]>;
  /** Public subnet CIDRs: where ALB traffic to pods comes from. */
  publicSubnetCidrs: string[];
  /** The network's node security group, added to every node beside the EKS cluster security group. */
  nodeSecurityGroupId: pulumi.Input<string>;
  /** The network's load balancer security group, used by the ALB. */
  loadBalancerSecurityGroupId: pulumi.Input<string>;
  /** KMS keys: EKS secrets envelope encryption, CloudWatch Logs, Secrets Manager (read by external-secrets). */
  keyArns: { eks: pulumi.Input<string>; logs: pulumi.Input<string>; secrets: pulumi.Input<string> };
  /** Retention of the control-plane and container log groups, in days. */
  logRetentionDays: number;
  /** Name of the CloudWatch log group Fluent Bit ships container logs to (`/<app>/<stack>/containers`). */
  containerLogGroupName: string;
  /** IAM roles mapped to Kubernetes groups by access entries. */
  accessRoleArns: { devops: pulumi.Input<string>; developer: pulumi.Input<string>; cicd: pulumi.Input<string> };
  /** Deletion protection on the cluster, in AWS and in Pulumi (prod). Default false. */
  protect?: boolean;
}

/** The Kubernetes resource class for each kind the manifests use. */
const kinds: Record<
  string,
  // Each class takes its own typed args; the manifests are checked against the Kubernetes schemas by the tests.
  new (name: string, args: never, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource
> = {
  "v1/Namespace": k8s.core.v1.Namespace,
  "v1/ResourceQuota": k8s.core.v1.ResourceQuota,
  "v1/LimitRange": k8s.core.v1.LimitRange,
  "networking.k8s.io/v1/NetworkPolicy": k8s.networking.v1.NetworkPolicy,
  "networking.k8s.io/v1/IngressClass": k8s.networking.v1.IngressClass,
  "rbac.authorization.k8s.io/v1/ClusterRole": k8s.rbac.v1.ClusterRole,
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": k8s.rbac.v1.ClusterRoleBinding,
  "rbac.authorization.k8s.io/v1/RoleBinding": k8s.rbac.v1.RoleBinding,
  "scheduling.k8s.io/v1/PriorityClass": k8s.scheduling.v1.PriorityClass,
  "apps/v1/Deployment": k8s.apps.v1.Deployment,
};

export class Cluster extends pulumi.ComponentResource {
  /** Kubernetes provider for this cluster (from its kubeconfig, a secret). */
  public readonly provider: k8s.Provider;
  /** The cluster's name. */
  public readonly name: pulumi.Output<string>;
  /** Kubeconfig (secret); it authenticates with `aws eks get-token`, i.e. the caller's IAM role. */
  public readonly kubeconfig: pulumi.Output<string>;
  /** ARN of the cluster's IAM OIDC provider (IRSA). */
  public readonly oidcProviderArn: pulumi.Output<string>;
  /** OIDC issuer without `https://`, for `serviceAccountTrustPolicy`. */
  public readonly oidcIssuer: pulumi.Output<string>;
  /** The EKS-created cluster security group (control plane ↔ nodes). */
  public readonly clusterSecurityGroupId: pulumi.Output<string>;
  /** IAM role of the managed node groups (ECR repository policies let it pull). */
  public readonly nodeRoleArn: pulumi.Output<string>;
  /** Namespace name → created namespace name, so dependants wait for it. */
  public readonly namespaces: Record<string, pulumi.Output<string>>;
  /** The external-secrets ClusterSecretStore reading `<prefix>/*` from Secrets Manager. */
  public readonly clusterSecretStoreName: pulumi.Output<string>;
  /** IngressClass every platform ingress uses. */
  public readonly ingressClassName: pulumi.Output<string>;
  /** Annotations a platform ingress carries (ALB name, WAF, certificate, redirect, subnets, security group). */
  public readonly ingressAnnotations: pulumi.Output<Record<string, string>>;
  /** The WAF web ACL on the ALB. */
  public readonly webAclArn: pulumi.Output<string>;
  /** The ACM certificate for app/api/grafana, when a domain is configured. */
  public readonly certificateArn: pulumi.Output<string | undefined>;
  /** Auto scaling group names of the node groups, by pool. */
  public readonly autoScalingGroupNames: Record<string, pulumi.Output<string>>;
  /** CloudWatch log group of container logs. */
  public readonly containerLogGroupName: pulumi.Output<string>;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:cluster:Cluster", name, {}, opts);
    const { account, config, prefix } = args;
    const cluster = clusterName(prefix);
    const tags = { cluster };

    // EKS would create this group itself on first log write: unencrypted and never expiring.
    const controlPlaneLogs = new aws.cloudwatch.LogGroup(
      `${name}-control-plane-logs`,
      { name: clusterLogGroupName(prefix), retentionInDays: args.logRetentionDays, kmsKeyId: args.keyArns.logs },
      { parent: this },
    );

    const publicCidrs = config.endpointPublicAccessCidrs;
    const eksCluster = new eks.Cluster(
      `${name}-eks`,
      {
        name: cluster,
        version: config.version,
        vpcId: args.vpcId,
        privateSubnetIds: args.privateSubnetIds,
        publicSubnetIds: args.publicSubnetIds,
        nodeAssociatePublicIpAddress: false,
        endpointPrivateAccess: true,
        endpointPublicAccess: publicCidrs.length > 0,
        ...(publicCidrs.length > 0 ? { publicAccessCidrs: publicCidrs } : {}),
        encryptionConfigKeyArn: args.keyArns.eks,
        enabledClusterLogTypes: ["api", "audit", "authenticator"],
        authenticationMode: eks.AuthenticationMode.Api,
        accessEntries: {
          devops: {
            principalArn: args.accessRoleArns.devops,
            kubernetesGroups: [kubernetesGroups.devops],
            // Break-glass: cluster admin even if the RBAC objects below are broken or deleted.
            accessPolicies: {
              clusterAdmin: {
                policyArn: `arn:${account.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
                accessScope: { type: "cluster" },
              },
            },
          },
          developer: { principalArn: args.accessRoleArns.developer, kubernetesGroups: [kubernetesGroups.developer] },
          cicd: { principalArn: args.accessRoleArns.cicd, kubernetesGroups: [kubernetesGroups.cicd] },
        },
        skipDefaultNodeGroup: true,
        // Nodes get the EKS-created cluster security group plus the network's node group; no extra groups.
        skipDefaultSecurityGroups: true,
        createOidcProvider: true,
        // vpc-cni is managed below as an EKS add-on with IRSA (its role needs the OIDC provider of this cluster).
        useDefaultVpcCni: true,
        corednsAddonOptions: { version: config.addons.coredns },
        kubeProxyAddonOptions: { version: config.addons.kubeProxy },
        deletionProtection: args.protect ?? false,
        tags,
      },
      { parent: this, dependsOn: [controlPlaneLogs], protect: args.protect },
    );

    this.name = pulumi.output(cluster);
    this.kubeconfig = pulumi.secret(eksCluster.kubeconfigJson);
    this.oidcProviderArn = eksCluster.oidcProviderArn;
    this.oidcIssuer = eksCluster.oidcIssuer;
    this.clusterSecurityGroupId = eksCluster.clusterSecurityGroupId;
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: this.kubeconfig, enableServerSideApply: true },
      { parent: this },
    );
    const k8sOpts = (dependsOn: pulumi.Input<pulumi.Resource>[] = []): pulumi.CustomResourceOptions => ({
      parent: this,
      provider: this.provider,
      dependsOn,
    });

    // One IRSA role per service account, trusted for exactly that namespace and service account (SPEC I3).
    const irsaRole = (
      role: string,
      sa: { namespace: string; serviceAccount: string },
      policy?: (a: Parameters<Parameters<typeof policyJson>[1]>[0]) => PolicyDocument,
      managedPolicyArn?: string,
    ) => {
      const r = new aws.iam.Role(
        `${name}-${role}`,
        {
          name: `${prefix}-${role}`,
          description: `IRSA: ${sa.namespace}/${sa.serviceAccount} on ${cluster}`,
          assumeRolePolicy: pulumi
            .all([eksCluster.oidcProviderArn, eksCluster.oidcIssuer])
            .apply(([oidcProviderArn, oidcIssuer]) =>
              JSON.stringify(serviceAccountTrustPolicy({ oidcProviderArn, oidcIssuer, ...sa })),
            ),
          tags,
        },
        { parent: this },
      );
      if (policy)
        new aws.iam.RolePolicy(
          `${name}-${role}`,
          { role: r.name, policy: policyJson(account, policy) },
          { parent: this },
        );
      if (managedPolicyArn) {
        new aws.iam.RolePolicyAttachment(
          `${name}-${role}`,
          { role: r.name, policyArn: managedPolicyArn },
          { parent: this },
        );
      }
      return r;
    };

    // Managed add-ons that need AWS permissions.
    const managed = managedAddonPolicies(account.partition);
    const vpcCniRole = irsaRole("vpc-cni", managedAddonIdentities.vpcCni, undefined, managed.vpcCni);
    const vpcCni = new aws.eks.Addon(
      `${name}-vpc-cni`,
      {
        clusterName: cluster,
        addonName: managedAddonIdentities.vpcCni.addonName,
        addonVersion: config.addons.vpcCni,
        serviceAccountRoleArn: vpcCniRole.arn,
        // NetworkPolicies (SPEC E3) are enforced by the VPC CNI's network policy agent only when this is on.
        configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
        tags,
      },
      { parent: this, dependsOn: [eksCluster] },
    );

    // Node groups (SPEC E2): one IAM role for both pools.
    const nodeRole = new aws.iam.Role(
      `${name}-nodes`,
      {
        name: `${prefix}-nodes`,
        description: `EKS managed node groups of ${cluster}`,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
        tags,
      },
      { parent: this },
    );
    // Worker basics and image pulls; the CNI's permissions live on its own IRSA role, not on every node.
    ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly"].forEach(
      (policy) =>
        new aws.iam.RolePolicyAttachment(
          `${name}-nodes-${policy}`,
          { role: nodeRole.name, policyArn: managedPolicy(account.partition, policy) },
          { parent: this },
        ),
    );
    this.nodeRoleArn = nodeRole.arn;

    const autoScalingGroupNames: Record<string, pulumi.Output<string>> = {};
    const nodeGroups = nodePools(config).map((pool) => {
      const spec = launchTemplateSpec(pool);
      const template = new aws.ec2.LaunchTemplate(
        `${name}-${pool.name}`,
        {
          name: `${prefix}-${pool.name}`,
          description: `${cluster} ${pool.name} nodes: IMDSv2 only, encrypted gp3 root volume`,
          ...spec,
          vpcSecurityGroupIds: [eksCluster.clusterSecurityGroupId, args.nodeSecurityGroupId],
          tagSpecifications: [
            { resourceType: "instance", tags: { ...tags, Name: `${prefix}-${pool.name}` } },
            { resourceType: "volume", tags: { ...tags, Name: `${prefix}-${pool.name}` } },
          ],
          updateDefaultVersion: true,
          tags,
        },
        { parent: this },
      );
      const group = new eks.ManagedNodeGroup(
        `${name}-${pool.name}`,
        {
          cluster: eksCluster,
          nodeGroupName: `${prefix}-${pool.name}`,
          nodeRoleArn: nodeRole.arn,
          subnetIds: args.privateSubnetIds,
          instanceTypes: [pool.instanceType],
          capacityType: "ON_DEMAND",
          amiType: "AL2023_x86_64_STANDARD",
          version: config.version,
          releaseVersion: config.nodeAmiReleaseVersion,
          scalingConfig: { minSize: pool.minSize, maxSize: pool.maxSize, desiredSize: pool.minSize },
          // cluster-autoscaler owns the desired size; `pulumi up` must not reset it.
          ignoreScalingChanges: true,
          labels: pool.labels,
          taints: pool.taints.map(eksTaint),
          launchTemplate: { id: template.id, version: template.latestVersion.apply(String) },
          tags,
        },
        { parent: this, dependsOn: [vpcCni] },
      );
      const asgName = group.nodeGroup
        .apply((ng) => ng.resources)
        .apply((resources) => resources[0].autoscalingGroups[0].name);
      autoScalingGroupNames[pool.name] = asgName;
      // Lets cluster-autoscaler build a template node for an empty group, so the pool can scale from zero.
      for (const [key, value] of Object.entries(nodeTemplateTags(pool.labels, pool.taints))) {
        new aws.autoscaling.Tag(
          `${name}-${pool.name}-${key.split("/").slice(-2).join("-")}`,
          { autoscalingGroupName: asgName, tag: { key, value, propagateAtLaunch: false } },
          { parent: this },
        );
      }
      return group;
    });
    this.autoScalingGroupNames = autoScalingGroupNames;

    const ebsCsiRole = irsaRole("ebs-csi-driver", managedAddonIdentities.ebsCsiDriver, undefined, managed.ebsCsiDriver);
    new aws.eks.Addon(
      `${name}-ebs-csi-driver`,
      {
        clusterName: cluster,
        addonName: managedAddonIdentities.ebsCsiDriver.addonName,
        addonVersion: config.addons.ebsCsiDriver,
        serviceAccountRoleArn: ebsCsiRole.arn,
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
        tags,
      },
      // Its controller needs nodes to become active.
      { parent: this, dependsOn: nodeGroups },
    );

    // Kubernetes objects from the pure manifests.
    const declare = (manifest: Manifest, dependsOn: pulumi.Input<pulumi.Resource>[] = []) => {
      const Kind = kinds[`${manifest.apiVersion}/${manifest.kind}`];
      const id = [manifest.kind.toLowerCase(), manifest.metadata.namespace, manifest.metadata.name]
        .filter(Boolean)
        .join("-")
        .replace(/:/g, "-");
      if (Kind) return new Kind(`${name}-${id}`, manifest as never, k8sOpts(dependsOn));
      return new k8s.apiextensions.CustomResource(
        `${name}-${id}`,
        manifest as k8s.apiextensions.CustomResourceArgs,
        k8sOpts(dependsOn),
      );
    };

    const plans = namespacePlan(config.namespaces);
    const namespaceResources: Record<string, k8s.core.v1.Namespace> = {};
    for (const plan of plans) {
      namespaceResources[plan.name] = declare(namespaceManifest(plan)) as k8s.core.v1.Namespace;
    }
    this.namespaces = Object.fromEntries(
      Object.entries(namespaceResources).map(([ns, resource]) => [ns, resource.metadata.name]),
    );
    const network = { vpcCidr: args.vpcCidr, loadBalancerCidrs: args.publicSubnetCidrs };
    for (const plan of plans) {
      for (const policy of networkPolicies(plan, network)) declare(policy, [namespaceResources[plan.name]]);
    }
    const allNamespaces = Object.values(namespaceResources);
    for (const manifest of rbac(config.namespaces)) declare(manifest, allNamespaces);

    const playwrightNs = [namespaceResources[platformNamespaces.playwright]];
    declare(playwrightQuota(config.playwrightNodes), playwrightNs);
    declare(playwrightLimitRange(config.playwrightNodes), playwrightNs);
    const priorityClass = declare(placeholderPriorityClass());
    declare(
      placeholderDeployment({
        replicas: config.playwrightNodes.warmPlaceholders,
        cpu: config.placeholder.cpu,
        memory: config.placeholder.memory,
        instanceType: config.playwrightNodes.instanceType,
      }),
      [...playwrightNs, priorityClass, ...nodeGroups],
    );

    // Helm add-ons (SPEC E5), each with its own IRSA role.
    const release = (
      addon: ChartAddon,
      values: pulumi.Input<Record<string, unknown>>,
      dependsOn: pulumi.Resource[] = [],
    ) => {
      const chart = charts[addon];
      const file = parseYaml(readFileSync(join(__dirname, "values", `${chart.chart}.yaml`), "utf8"));
      return new k8s.helm.v3.Release(
        `${name}-${chart.chart}`,
        {
          name: chart.chart,
          chart: chart.chart,
          version: config.charts[addon],
          repositoryOpts: { repo: chart.repo },
          namespace: chart.namespace,
          values: pulumi.output(values).apply((extra) => deepMerge(file, extra)),
          atomic: true,
          cleanupOnFail: true,
          maxHistory: 5,
        },
        { ...k8sOpts([...nodeGroups, ...dependsOn]) },
      );
    };
    const roleAnnotation = (role: aws.iam.Role) => ({ "eks.amazonaws.com/role-arn": role.arn });

    const autoscalerRole = irsaRole("cluster-autoscaler", charts.clusterAutoscaler, (a) =>
      clusterAutoscalerPolicy({ account: a, clusterName: cluster }),
    );
    release("clusterAutoscaler", {
      autoDiscovery: { clusterName: cluster },
      awsRegion: account.region,
      rbac: { serviceAccount: { annotations: roleAnnotation(autoscalerRole) } },
    });
    release("metricsServer", {});

    const webAcl = new aws.wafv2.WebAcl(
      `${name}-web-acl`,
      {
        name: `${prefix}-web-acl`,
        description: `${prefix}: rate limit and AWS common rules in front of the ALB`,
        scope: "REGIONAL",
        defaultAction: { allow: {} },
        rules: webAclRules(prefix),
        visibilityConfig: {
          cloudwatchMetricsEnabled: true,
          sampledRequestsEnabled: true,
          metricName: `${prefix}-web-acl`,
        },
        tags,
      },
      { parent: this },
    );
    this.webAclArn = webAcl.arn;

    const lbName = loadBalancerName(prefix);
    const lbRole = irsaRole("aws-load-balancer-controller", charts.awsLoadBalancerController, undefined);
    new aws.iam.RolePolicy(
      `${name}-aws-load-balancer-controller`,
      {
        role: lbRole.name,
        policy: pulumi
          .all([webAcl.arn, args.vpcId, eksCluster.clusterSecurityGroupId, args.nodeSecurityGroupId])
          .apply(([webAclArn, vpcId, clusterSg, nodesSg]) =>
            policyJson(account, (a) =>
              loadBalancerControllerPolicy({
                account: a,
                clusterName: cluster,
                webAclArn,
                loadBalancerName: lbName,
                vpcId,
                targetSecurityGroupIds: [clusterSg, nodesSg],
              }),
            ),
          ),
      },
      { parent: this },
    );
    const lbController = release("awsLoadBalancerController", {
      clusterName: cluster,
      region: account.region,
      vpcId: args.vpcId,
      serviceAccount: { annotations: roleAnnotation(lbRole) },
    });

    const secretsSa = charts.externalSecrets;
    const externalSecretsNs = declare(
      namespaceManifest({ name: secretsSa.namespace, enforce: "restricted", app: false }),
    );
    const secretsRole = irsaRole("external-secrets", secretsSa, undefined);
    new aws.iam.RolePolicy(
      `${name}-external-secrets`,
      {
        role: secretsRole.name,
        policy: pulumi
          .output(args.keyArns.secrets)
          .apply((secretsKeyArn) =>
            policyJson(account, (a) => externalSecretsPolicy({ account: a, prefix, secretsKeyArn })),
          ),
      },
      { parent: this },
    );
    const secretsRelease = release(
      "externalSecrets",
      { serviceAccount: { annotations: roleAnnotation(secretsRole) } },
      [externalSecretsNs],
    );
    const store = declare(
      clusterSecretStore({
        region: account.region,
        namespace: secretsSa.namespace,
        serviceAccount: secretsSa.serviceAccount,
      }),
      [secretsRelease],
    );
    this.clusterSecretStoreName = pulumi.output(clusterSecretStoreName);
    for (const ns of config.namespaces) {
      for (const manifest of externalSecrets(prefix, ns)) declare(manifest, [store, namespaceResources[ns]]);
    }

    const containerLogs = new aws.cloudwatch.LogGroup(
      `${name}-container-logs`,
      { name: args.containerLogGroupName, retentionInDays: args.logRetentionDays, kmsKeyId: args.keyArns.logs },
      { parent: this },
    );
    this.containerLogGroupName = containerLogs.name;
    const fluentBitRole = irsaRole("fluent-bit", charts.fluentBit, (a) =>
      fluentBitPolicy({ account: a, logGroupName: args.containerLogGroupName }),
    );
    release(
      "fluentBit",
      {
        cloudWatchLogs: { region: account.region, logGroupName: containerLogs.name },
        serviceAccount: { annotations: roleAnnotation(fluentBitRole) },
      },
      [containerLogs],
    );

    // Edge (SPEC L1): certificate and its DNS validation only when a domain is configured.
    let certificateArn: pulumi.Output<string> | undefined;
    if (args.domain) {
      if (!config.hostedZoneId) throw new Error("cluster.hostedZoneId is required with a domain");
      const names = Object.values(hostnames(args.domain));
      const certificate = new aws.acm.Certificate(
        `${name}-certificate`,
        { domainName: names[0], subjectAlternativeNames: names.slice(1), validationMethod: "DNS", tags },
        { parent: this },
      );
      const records = names.map((host, i) => {
        const option = certificate.domainValidationOptions.apply((options) =>
          options.find((o) => o.domainName === host)!,
        );
        return new aws.route53.Record(
          `${name}-certificate-validation-${i}`,
          {
            zoneId: config.hostedZoneId!,
            name: option.resourceRecordName,
            type: option.resourceRecordType,
            records: [option.resourceRecordValue],
            ttl: 300,
            allowOverwrite: true,
          },
          { parent: this },
        );
      });
      const validation = new aws.acm.CertificateValidation(
        `${name}-certificate`,
        { certificateArn: certificate.arn, validationRecordFqdns: records.map((r) => r.fqdn) },
        { parent: this },
      );
      certificateArn = validation.certificateArn;
    }
    this.certificateArn = certificateArn ?? pulumi.output(undefined);

    declare(
      {
        apiVersion: "elbv2.k8s.aws/v1beta1",
        kind: "IngressClassParams",
        metadata: { name: ingressClassName },
        spec: { scheme: "internet-facing", group: { name: prefix } },
      },
      [lbController],
    );
    declare(
      typed<IIngressClass>({
        apiVersion: "networking.k8s.io/v1",
        kind: "IngressClass",
        metadata: { name: ingressClassName, annotations: { "ingressclass.kubernetes.io/is-default-class": "true" } },
        spec: {
          controller: "ingress.k8s.aws/alb",
          parameters: { apiGroup: "elbv2.k8s.aws", kind: "IngressClassParams", name: ingressClassName },
        },
      }),
      [lbController],
    );
    this.ingressClassName = pulumi.output(ingressClassName);
    this.ingressAnnotations = pulumi
      .all([webAcl.arn, certificateArn, args.loadBalancerSecurityGroupId, args.publicSubnetIds])
      .apply(([webAclArn, cert, securityGroupId, subnetIds]) =>
        ingressAnnotations({ loadBalancerName: lbName, webAclArn, certificateArn: cert, securityGroupId, subnetIds }),
      );

    this.registerOutputs({
      name: this.name,
      kubeconfig: this.kubeconfig,
      oidcProviderArn: this.oidcProviderArn,
      oidcIssuer: this.oidcIssuer,
      clusterSecurityGroupId: this.clusterSecurityGroupId,
      nodeRoleArn: this.nodeRoleArn,
      namespaces: this.namespaces,
      clusterSecretStoreName: this.clusterSecretStoreName,
      ingressClassName: this.ingressClassName,
      ingressAnnotations: this.ingressAnnotations,
      webAclArn: this.webAclArn,
      certificateArn: this.certificateArn,
      containerLogGroupName: this.containerLogGroupName,
    });
  }
}

/** Values from the file, overridden key by key by the program's computed values. */
export function deepMerge(base: unknown, extra: unknown): unknown {
  if (!isObject(base) || !isObject(extra)) return extra === undefined ? base : extra;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) merged[key] = deepMerge(base[key], value);
  return merged;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
