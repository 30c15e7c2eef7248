/**
 * The identity layer's IAM documents (SPEC I1, I2, I4). Pure functions: the component turns them into roles and
 * policies, the tests read them directly, and docs/access.md's least-privilege table describes exactly these.
 */
import { accountRoot, arn, policyDocument, webIdentityTrust, type AwsAccount, type PolicyDocument } from "../iam";
import { pullActions, pushActions } from "../registry/policy";

export const githubIssuer = "token.actions.githubusercontent.com";
export const pulumiIssuer = "api.pulumi.com/oidc";

/** Human roles: assumable by IAM users of `humanAccountId`, only with MFA no older than `maxAgeSeconds`. */
export function humanTrustPolicy(partition: string, humanAccountId: string, maxAgeSeconds: number): PolicyDocument {
  return policyDocument({
    Sid: "AssumeWithRecentMfa",
    Effect: "Allow",
    Principal: { AWS: accountRoot(partition, humanAccountId) },
    Action: "sts:AssumeRole",
    Condition: {
      Bool: { "aws:MultiFactorAuthPresent": "true" },
      NumericLessThan: { "aws:MultiFactorAuthAge": String(maxAgeSeconds) },
    },
  });
}

/**
 * GitHub Actions: only tokens minted for this repository, for exactly the listed subjects (a branch, a GitHub
 * Environment, or pull requests). StringEquals, not StringLike: no wildcard widens the subject.
 */
export function githubTrustPolicy(providerArn: string, repository: string, subjects: string[]): PolicyDocument {
  return webIdentityTrust("GithubActionsOidc", providerArn, {
    StringEquals: {
      [`${githubIssuer}:aud`]: "sts.amazonaws.com",
      [`${githubIssuer}:sub`]: subjects.map((subject) => `repo:${repository}:${subject}`),
    },
  });
}

/**
 * The operations Pulumi Deployments runs, as its OIDC token's subject names them. Pulumi's Deployments OIDC page
 * lists `preview`, `update`, `refresh` and `destroy`; its REST API's OperationContext adds `detect-drift` and
 * `remediate-drift` (the drift runs). Sources: https://www.pulumi.com/docs/pulumi-cloud/deployments/oidc/ ("Token
 * claims") and https://www.pulumi.com/docs/reference/cloud-rest-api/schema/operationcontext/, read 2026-12-06.
 */
export const pulumiOperations = ["preview", "update", "refresh", "destroy", "detect-drift", "remediate-drift"] as const;
export type PulumiOperation = (typeof pulumiOperations)[number];

/**
 * The `sub` of a Pulumi Deployments OIDC token, in the format Pulumi documents:
 * `pulumi:deploy:org:<organization name>:project:<project name>:stack:<stack name>:operation:<operation kind>:scope:write`
 * (https://www.pulumi.com/docs/pulumi-cloud/deployments/oidc/, "Token claims", read 2026-12-06). Every operation
 * says `scope:write`, previews included: only the operation tells a preview from an update.
 */
export function pulumiDeploymentsSubject(
  organization: string,
  project: string,
  stack: string,
  operation: PulumiOperation,
): string {
  return `pulumi:deploy:org:${organization}:project:${project}:stack:${stack}:operation:${operation}:scope:write`;
}

/**
 * The operations the deploy role serves (SPEC P4): those that change the stack, and the drift runs, all of which run
 * the code of the settings' branch (main, reviewed). Never `preview`, the one operation a pull request can trigger
 * (Deployments PR previews run the pull request's program). `destroy` only for a stack that expires: its TTL
 * schedule destroys it; a long-lived stack is destroyed by an administrator, never by a deployment.
 */
export function deployOperations(expires: boolean): PulumiOperation[] {
  return pulumiOperations.filter((operation) => operation !== "preview" && (expires || operation !== "destroy"));
}

/**
 * Pulumi Deployments: only this organisation's deployments of this project and stack, and only the listed
 * operations, each by its exact subject (StringEquals: no wildcard can stretch to `preview`).
 */
export function pulumiTrustPolicy(
  providerArn: string,
  organization: string,
  project: string,
  stack: string,
  operations: PulumiOperation[],
): PolicyDocument {
  return webIdentityTrust("PulumiDeploymentsOidc", providerArn, {
    StringEquals: {
      [`${pulumiIssuer}:aud`]: organization,
      [`${pulumiIssuer}:sub`]: operations.map((operation) =>
        pulumiDeploymentsSubject(organization, project, stack, operation),
      ),
    },
  });
}

/**
 * The classic "force MFA" policy for human IAM users (SPEC I2): without MFA a user may only see their own account
 * and set up their own MFA device and password; everything else is denied. Attached to every human group.
 */
export function mfaEnforcementPolicy(partition: string): PolicyDocument {
  const self = `arn:${partition}:iam::*:user/\${aws:username}`;
  const ownMfa = `arn:${partition}:iam::*:mfa/\${aws:username}`;
  return policyDocument(
    {
      Sid: "ViewAccountInfoWithoutMfa",
      Effect: "Allow",
      Action: ["iam:GetAccountPasswordPolicy", "iam:ListVirtualMFADevices"],
      Resource: "*",
    },
    {
      Sid: "ManageOwnPasswordAndMfaWithoutMfa",
      Effect: "Allow",
      Action: [
        "iam:ChangePassword",
        "iam:GetUser",
        "iam:GetLoginProfile",
        "iam:CreateVirtualMFADevice",
        "iam:EnableMFADevice",
        "iam:ListMFADevices",
        "iam:ResyncMFADevice",
      ],
      Resource: [self, ownMfa],
    },
    {
      Sid: "DenyEverythingElseWithoutMfa",
      Effect: "Deny",
      NotAction: [
        "iam:ChangePassword",
        "iam:GetUser",
        "iam:GetLoginProfile",
        "iam:GetAccountPasswordPolicy",
        "iam:CreateVirtualMFADevice",
        "iam:EnableMFADevice",
        "iam:ListMFADevices",
        "iam:ListVirtualMFADevices",
        "iam:ResyncMFADevice",
        "sts:GetSessionToken",
      ],
      Resource: "*",
      Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
    },
  );
}

/** A group's right to assume one role (the role's trust policy still demands MFA). */
export function assumeRolePolicy(roleArn: string): PolicyDocument {
  return policyDocument({ Sid: "AssumeOwnRole", Effect: "Allow", Action: "sts:AssumeRole", Resource: roleArn });
}

export interface WorkloadScope {
  account: AwsAccount;
  /** The EKS cluster's name. */
  clusterName: string;
  /** ECR repository names: this stack's, or (a stack hosted on another's platform) its host's. */
  repositories: string[];
  /** Log group name prefixes the role may read. */
  logGroupPrefixes: string[];
}

function repositoryArns(scope: WorkloadScope): string[] {
  return scope.repositories.map((name) => arn(scope.account, "ecr", `repository/${name}`));
}

/**
 * Developers: view-only on AWS (the ViewOnlyAccess managed policy is attached beside this), plus what their
 * daily work needs: a kubeconfig for this cluster, this stack's logs and, outside prod, pulling images (to run
 * what CI built). Only CI pushes (SPEC G1).
 */
export function developerPolicy(scope: WorkloadScope, canPullImages: boolean): PolicyDocument {
  const statements = [
    {
      Sid: "DescribeThisCluster",
      Effect: "Allow" as const,
      Action: ["eks:DescribeCluster", "eks:ListNodegroups", "eks:DescribeNodegroup", "eks:ListAddons"],
      Resource: arn(scope.account, "eks", `cluster/${scope.clusterName}`),
    },
    {
      Sid: "ReadThisStacksLogs",
      Effect: "Allow" as const,
      Action: ["logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery"],
      Resource: scope.logGroupPrefixes.map((prefix) => arn(scope.account, "logs", `log-group:${prefix}*`)),
    },
  ];
  if (canPullImages) {
    statements.push(
      // GetAuthorizationToken has no resource to scope to; AWS documents "*" as its only form.
      { Sid: "EcrLogin", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
      { Sid: "PullFromTheRepositories", Effect: "Allow", Action: pullActions, Resource: repositoryArns(scope) },
    );
  }
  return policyDocument(...statements);
}

/**
 * CI: push images to this stack's repositories (or, on another's platform, only pull the images the host's CI
 * pushed: staging deploys dev's images by digest) and describe this cluster (to deploy workloads with kubectl/helm).
 */
export function cicdPolicy(scope: WorkloadScope, pushes = true): PolicyDocument {
  return policyDocument(
    { Sid: "EcrLogin", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
    pushes
      ? { Sid: "PushToThisStacksRepositories", Effect: "Allow", Action: pushActions, Resource: repositoryArns(scope) }
      : { Sid: "PullFromTheHostsRepositories", Effect: "Allow", Action: pullActions, Resource: repositoryArns(scope) },
    {
      Sid: "DescribeThisCluster",
      Effect: "Allow",
      Action: ["eks:DescribeCluster"],
      Resource: arn(scope.account, "eks", `cluster/${scope.clusterName}`),
    },
  );
}

/**
 * Pull-request previews run code that is not yet reviewed, so beside ReadOnlyAccess they are explicitly denied
 * every action that reads data rather than configuration: objects and their versions, items in any form, stream
 * records, log events, database log downloads, secret and parameter values, decryption, queue messages, query
 * results, archive retrievals, image layers and function code. ReadOnlyAccess grants these through wildcards
 * (`s3:Get*`, `dynamodb:BatchGet*`, `rds:Download*`, `ssm:Get*`…), so naming only the best-known action of each
 * (GetObject, GetItem) left its siblings open. tests/access.test.ts asks AWS's IAM catalogue for every action of
 * those classes and simulates each against this role.
 */
export function previewGuardPolicy(): PolicyDocument {
  return policyDocument({
    Sid: "NoDataPlaneReads",
    Effect: "Deny",
    Action: [
      "s3:GetObject*",
      "dynamodb:GetItem",
      "dynamodb:BatchGetItem",
      "dynamodb:ConditionCheckItem",
      "dynamodb:Query",
      "dynamodb:Scan",
      "dynamodb:PartiQLSelect",
      "dynamodb:GetRecords",
      "dynamodb:ReadDataForReplication",
      "dynamodb:SearchVectors",
      "dax:GetItem",
      "dax:BatchGetItem",
      "dax:Query",
      "dax:Scan",
      "rds:Download*",
      "secretsmanager:GetSecretValue",
      "secretsmanager:BatchGetSecretValue",
      "ssm:GetParameter*",
      "kms:Decrypt",
      "logs:GetLogEvents",
      "logs:FilterLogEvents",
      "logs:GetLogRecord",
      "logs:GetQueryResults",
      "logs:StartQuery",
      "logs:StartLiveTail",
      "logs:Unmask",
      "kinesis:GetRecords",
      "kinesis:SubscribeToShard",
      "sqs:ReceiveMessage",
      "athena:GetQueryResults",
      "athena:GetQueryResultsStream",
      "glacier:GetJobOutput",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
      "lambda:GetFunction",
      "lambda:GetLayerVersion",
    ],
    Resource: "*",
  });
}
