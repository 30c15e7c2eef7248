/**
 * A platform's Pulumi Deployments agent pool (SPEC P3) and where its token goes: a Secrets Manager secret in the
 * platform's own AWS account, under a key of its own, which the platform's runner reads at boot. The token stays in
 * this stack (the pool's state, the secret's version): no application stack holds it (SPEC P4).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";
import { keyPolicy } from "../keys/policy";
import type { PoolPlan } from "./plan";

export interface RunnerPoolArgs {
  /** Pulumi Cloud organisation and project, for the pool's description. */
  organization: string;
  project: string;
  pool: PoolPlan;
  /** The AWS provider of the platform's account. */
  provider: aws.Provider;
}

export class RunnerPool extends pulumi.ComponentResource {
  /** The pool's id, which Deployments settings name. */
  public readonly agentPoolId: pulumi.Output<string>;
  /** Name of the secret holding the token (the runner reads it by this name). */
  public readonly tokenSecretName: string;

  constructor(name: string, args: RunnerPoolArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:organization:RunnerPool", name, {}, opts);
    const { pool } = args;
    const served = [pool.platform, ...pool.tenants].join(", ");

    // Moved here from the platform stack's state (`pulumi state move`, docs/deploying.md), where it sat under the
    // DeploymentRunner component: the move lands it at this stack's root, hence the alias.
    const agentPool = new pulumiservice.AgentPool(
      `${name}-pool`,
      {
        organizationName: args.organization,
        name: pool.names.pool,
        description: `Runs Pulumi Deployments of ${args.project}/${served} inside ${pool.platform}'s VPC`,
        forceDestroy: false,
      },
      { parent: this, protect: pool.protect, aliases: [{ parent: pulumi.rootStackResource }] },
    );
    this.agentPoolId = agentPool.agentPoolId;

    const inAccount = { parent: this, provider: args.provider };
    const account = { accountId: pool.accountId, partition: "aws", region: pool.region };
    const key = new aws.kms.Key(
      `${name}-token-key`,
      {
        description: `${pool.prefix}: the Pulumi Deployments agent pool token (Secrets Manager)`,
        enableKeyRotation: true,
        rotationPeriodInDays: 365,
        deletionWindowInDays: 30,
        // Used only through Secrets Manager by principals of this account; the runner's role is the one allowed to read
        // the secret (its policy in the platform stack), administrators can by being administrators.
        policy: JSON.stringify(keyPolicy({ account, domain: "secrets", adminRoleArns: [] })),
      },
      { ...inAccount, protect: pool.protect },
    );
    new aws.kms.Alias(`${name}-token-key`, { name: pool.names.tokenKeyAlias, targetKeyId: key.keyId }, inAccount);
    const secret = new aws.secretsmanager.Secret(
      `${name}-token`,
      {
        name: pool.names.tokenSecret,
        description: `Pulumi Cloud agent pool token of ${pool.prefix}'s deployment runner (kept by the organisation stack)`,
        kmsKeyId: key.arn,
        recoveryWindowInDays: 7,
      },
      inAccount,
    );
    new aws.secretsmanager.SecretVersion(
      `${name}-token`,
      { secretId: secret.id, secretString: pulumi.secret(agentPool.tokenValue) },
      inAccount,
    );
    this.tokenSecretName = pool.names.tokenSecret;
    this.registerOutputs({ agentPoolId: this.agentPoolId, tokenSecretName: this.tokenSecretName });
  }
}
