/**
 * Who may do what in the stack's account (SPEC I1, I2): the human roles (`devops`, `developer`) behind MFA,
 * the CI roles GitHub Actions assumes through OIDC, the role Pulumi Deployments assumes through Pulumi OIDC,
 * the groups human users join, and the account password policy. No access keys are created anywhere.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { IdentitySettings } from "../../config";
import { arn, managedPolicy, type AwsAccount, type PolicyDocument } from "../iam";
import { policyJson, type AccountRef } from "../account";
import {
  assumeRolePolicy,
  cicdPolicy,
  deployOperations,
  developerPolicy,
  githubIssuer,
  githubTrustPolicy,
  humanTrustPolicy,
  mfaEnforcementPolicy,
  previewGuardPolicy,
  pulumiIssuer,
  pulumiTrustPolicy,
  type WorkloadScope,
} from "./policies";
import { purposeTag, runnerNames, runnerTrustPolicy } from "../deployment-runner/plan";
import { boundaryPolicyName, boundaryTag } from "./boundary";

/** The validated `identity` settings (GitHub, Pulumi, MFA, account-wide switches), plus what the stack wires in. */
export interface IdentityArgs extends IdentitySettings {
  /** Where the stack runs. */
  account: AccountRef;
  /** Prefix of every IAM name (`qualisys-dev`). */
  prefix: string;
  /** Pulumi project and stack, for the Pulumi Deployments trust. */
  project: string;
  stack: string;
  /**
   * OIDC subjects the read-only preview role trusts. Default: pull requests and the main branch; in prod the main
   * branch only (pull-request code never previews prod in the cloud, SPEC P4: docs/delivery.md).
   */
  previewSubjects?: string[];
  /** Whether the stack expires (a review stack): its TTL schedule destroys it, so its deploy role serves `destroy`. */
  expires?: boolean;
  /** Prod: developers get no image push rights and the CI role trusts only a reviewed GitHub Environment. */
  isProduction: boolean;
  /**
   * Whether the stack runs its own deployment runner (SPEC P3). False for a stack hosted on another's platform:
   * its deployments run on the host's runner through Pulumi OIDC, so it gets no runner role. Default true.
   */
  deploymentRunner?: boolean;
  /** What the workload roles are scoped to. */
  clusterName: string;
  repositories: string[];
  /** Whether CI pushes to `repositories` (its own registry) or only pulls (its host's). Default true. */
  pushImages?: boolean;
  logGroupPrefixes: string[];
  /**
   * A stack hosted on another's platform: the permissions boundary every role it creates carries
   * (./boundary.ts), as a document of the account. Default none (the stack's devops role is the account's admin).
   */
  permissionsBoundary?: (account: AwsAccount) => PolicyDocument;
}

/** Minimum IAM password policy for human users (CIS AWS Foundations 1.8–1.9). */
const passwordPolicy = {
  minimumPasswordLength: 14,
  requireLowercaseCharacters: true,
  requireUppercaseCharacters: true,
  requireNumbers: true,
  requireSymbols: true,
  allowUsersToChangePassword: true,
  maxPasswordAge: 90,
  passwordReusePrevention: 24,
};

export class Identity extends pulumi.ComponentResource {
  /** Break-glass administrators (MFA). */
  public readonly devopsRoleArn: pulumi.Output<string>;
  /** Developers (MFA): view-only, their cluster, their logs. */
  public readonly developerRoleArn: pulumi.Output<string>;
  /** GitHub Actions deploy role (OIDC, exact subjects). */
  public readonly cicdRoleArn: pulumi.Output<string>;
  /** GitHub Actions read-only role for `pulumi preview` on pull requests. */
  public readonly previewRoleArn: pulumi.Output<string>;
  /** Pulumi Deployments role (Pulumi OIDC: this stack's operations that change it, never a preview). */
  public readonly deployRoleArn: pulumi.Output<string>;
  /**
   * The deployment runner's instance role (EC2 only); its permissions come with the runner (SPEC P3). None when
   * the stack has no runner of its own (`deploymentRunner: false`).
   */
  public readonly runnerRole?: { arn: pulumi.Output<string>; name: pulumi.Output<string> };
  /** The permissions boundary on every role, for a stack hosted on another's platform. */
  public readonly permissionsBoundaryArn?: pulumi.Output<string>;
  /** IAM groups human users join; each carries the MFA enforcement policy. */
  public readonly devopsGroupName: pulumi.Output<string>;
  public readonly developerGroupName: pulumi.Output<string>;

  constructor(name: string, args: IdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:identity:Identity", name, {}, opts);
    const parent = { parent: this };
    const { account } = args;
    const json = (build: (a: AwsAccount) => PolicyDocument) => policyJson(account, build);
    const scope = (a: AwsAccount): WorkloadScope => ({
      account: a,
      clusterName: args.clusterName,
      repositories: args.repositories,
      logGroupPrefixes: args.logGroupPrefixes,
    });

    const oidcProvider = (part: string, issuer: string, audience: string, create: boolean): pulumi.Output<string> =>
      create
        ? new aws.iam.OpenIdConnectProvider(
            `${name}-${part}-oidc`,
            { url: `https://${issuer}`, clientIdLists: [audience] },
            parent,
          ).arn
        : pulumi
            .output(account.accountId)
            .apply((accountId) => arn({ ...account, accountId }, "iam", `oidc-provider/${issuer}`));
    const githubProvider = oidcProvider("github", githubIssuer, "sts.amazonaws.com", args.createGithubOidcProvider);
    const pulumiProvider = oidcProvider("pulumi", pulumiIssuer, args.pulumiOrganization, args.createPulumiOidcProvider);

    // Created before any role, which IAM checks it exists for. Its own document denies the roles it bounds any
    // change to it: after the first deploy, only an account administrator changes it (docs/shared-platform.md).
    const boundary =
      args.permissionsBoundary &&
      new aws.iam.Policy(
        `${name}-boundary`,
        {
          name: boundaryPolicyName(args.prefix),
          description: `Permissions boundary of every role of ${args.stack}, a stack hosted on another's platform`,
          policy: json(args.permissionsBoundary),
          tags: { [boundaryTag.key]: boundaryTag.value },
        },
        parent,
      );
    const permissionsBoundary = boundary ? { permissionsBoundary: boundary.arn } : {};

    const role = (
      part: string,
      description: string,
      trust: pulumi.Input<string>,
      managed: string[],
      inline?: pulumi.Input<string>,
    ) => {
      const created = new aws.iam.Role(
        `${name}-${part}`,
        {
          name: `${args.prefix}-${part}`,
          description,
          assumeRolePolicy: trust,
          maxSessionDuration: 3600,
          ...permissionsBoundary,
        },
        parent,
      );
      for (const policy of managed) {
        new aws.iam.RolePolicyAttachment(
          `${name}-${part}-${policy.split("/").pop()}`,
          { role: created.name, policyArn: managedPolicy(account.partition, policy) },
          parent,
        );
      }
      if (inline) new aws.iam.RolePolicy(`${name}-${part}-scoped`, { role: created.name, policy: inline }, parent);
      return created;
    };

    const humanTrust = json((a) =>
      humanTrustPolicy(a.partition, args.humanAccountId ?? a.accountId, args.mfaMaxAgeSeconds),
    );
    const devops = role("devops", "Break-glass administrators; MFA required", humanTrust, ["AdministratorAccess"]);
    const developer = role(
      "developer",
      "Developers: view-only, this cluster, this stack's logs; MFA required",
      humanTrust,
      ["job-function/ViewOnlyAccess"],
      json((a) => developerPolicy(scope(a), !args.isProduction)),
    );
    const cicd = role(
      "cicd",
      `GitHub Actions of ${args.githubRepository} (${args.githubSubjects.join(", ")}): push images, deploy workloads`,
      githubProvider.apply((provider) =>
        JSON.stringify(githubTrustPolicy(provider, args.githubRepository, args.githubSubjects)),
      ),
      [],
      json((a) => cicdPolicy(scope(a), args.pushImages ?? true)),
    );
    const previewSubjects =
      args.previewSubjects ?? (args.isProduction ? ["ref:refs/heads/main"] : ["pull_request", "ref:refs/heads/main"]);
    const preview = role(
      "ci-preview",
      `GitHub Actions of ${args.githubRepository}: read-only, for pulumi preview`,
      githubProvider.apply((provider) =>
        JSON.stringify(githubTrustPolicy(provider, args.githubRepository, previewSubjects)),
      ),
      ["ReadOnlyAccess"],
      JSON.stringify(previewGuardPolicy()),
    );
    // The runner's host identity (SPEC P3): assumable by EC2 only, and by nothing else; it may assume no role (the
    // deployments it runs get their credentials from Pulumi OIDC). Its permissions come with the runner.
    const runner =
      args.deploymentRunner === false
        ? undefined
        : new aws.iam.Role(
            `${name}-runner`,
            {
              name: runnerNames(args.prefix).role,
              description: `Pulumi deployment runner of ${args.pulumiOrganization}/${args.project}/${args.stack} (EC2)`,
              assumeRolePolicy: JSON.stringify(runnerTrustPolicy()),
              maxSessionDuration: 3600,
              tags: { ...purposeTag },
            },
            parent,
          );
    // Deploying this program creates IAM roles, KMS keys and an EKS cluster; IAM cannot be scoped below
    // administrator without a permissions-boundary scheme, so this role is on the policy pack's admin allow-list.
    // Only Pulumi Deployments' operations that change the stack may assume it (SPEC P4): never a preview.
    const deploy = role(
      "deploy",
      `Pulumi Deployments of ${args.pulumiOrganization}/${args.project}/${args.stack} (update, refresh, drift runs${args.expires ? ", destroy" : ""}; never preview)`,
      pulumiProvider.apply((provider) =>
        JSON.stringify(
          pulumiTrustPolicy(
            provider,
            args.pulumiOrganization,
            args.project,
            args.stack,
            deployOperations(args.expires === true),
          ),
        ),
      ),
      ["AdministratorAccess"],
    );

    const mfaPolicy = JSON.stringify(mfaEnforcementPolicy(account.partition));
    const group = (part: string, roleArn: pulumi.Output<string>) => {
      const created = new aws.iam.Group(`${name}-${part}`, { name: `${args.prefix}-${part}` }, parent);
      new aws.iam.GroupPolicy(`${name}-${part}-mfa`, { group: created.name, policy: mfaPolicy }, parent);
      new aws.iam.GroupPolicy(
        `${name}-${part}-assume`,
        { group: created.name, policy: roleArn.apply((r) => JSON.stringify(assumeRolePolicy(r))) },
        parent,
      );
      return created;
    };
    const devopsGroup = group("devops-users", devops.arn);
    const developerGroup = group("developer-users", developer.arn);

    if (args.manageAccountPasswordPolicy) {
      new aws.iam.AccountPasswordPolicy(`${name}-password-policy`, passwordPolicy, parent);
    }

    this.devopsRoleArn = devops.arn;
    this.developerRoleArn = developer.arn;
    this.cicdRoleArn = cicd.arn;
    this.previewRoleArn = preview.arn;
    this.deployRoleArn = deploy.arn;
    this.runnerRole = runner && { arn: runner.arn, name: runner.name };
    this.permissionsBoundaryArn = boundary?.arn;
    this.devopsGroupName = devopsGroup.name;
    this.developerGroupName = developerGroup.name;
    this.registerOutputs({
      devopsRoleArn: this.devopsRoleArn,
      developerRoleArn: this.developerRoleArn,
      cicdRoleArn: this.cicdRoleArn,
      previewRoleArn: this.previewRoleArn,
      deployRoleArn: this.deployRoleArn,
      runnerRoleArn: runner?.arn,
    });
  }
}
