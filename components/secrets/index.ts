/**
 * Secrets Manager entries (SPEC S1, D4), all encrypted with the secrets key:
 * - the application secrets of `appSecrets` at `secretName(prefix, …)`: the database and Redis URLs composed
 *   from outputs, a generated JWT signing key, and the values supplied from outside, created EMPTY (no version),
 *   so Pulumi never writes or overwrites what an operator puts there;
 * - the platform secrets `<prefix>/platform/app-user` and `<prefix>/platform/postgres-exporter` (the monitor
 *   role): generated passwords the bootstrap Job sets on the roles.
 * Generated role passwords rotate when `rotatedOn` changes (their `keepers`), which also re-runs the bootstrap.
 * Optionally (S2) a CloudTrail trail records who read which secret.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { redisUrl } from "../cache/settings";
import { databases, roles } from "../database/bootstrap/plan";
import type { AccountRef } from "../account";
import { appSecrets, secretName, type AppSecret } from "../naming";
import { SecretsAudit } from "./audit";
import { appSecretDescriptions, outsideSecrets, postgresUrl, rotationWarning } from "./values";

export interface SecretsArgs {
  account: AccountRef;
  /** Prefix of secret names (`qualisys-dev`). */
  prefix: string;
  /** KMS key for every secret. */
  secretsKeyArn: pulumi.Input<string>;
  /** Days a deleted secret can be restored. Default 30. */
  recoveryWindowDays?: number;
  /** The database endpoint. */
  databaseAddress: pulumi.Input<string>;
  databasePort: pulumi.Input<number>;
  /** The cache's configuration endpoint and auth token (a secret). */
  cacheAddress: pulumi.Input<string>;
  cachePort: pulumi.Input<number>;
  cacheAuthToken: pulumi.Input<string>;
  /** Date the generated role passwords were last rotated (their `keepers`). */
  rolePasswordsRotatedOn: string;
  /** Record Secrets Manager access with CloudTrail (S2). Default false. */
  auditAccess?: boolean;
  /** Protect the audit bucket (prod). Default false. */
  protect?: boolean;
  /** "Today", for the rotation reminder. Default: the clock. */
  today?: Date;
}

export class Secrets extends pulumi.ComponentResource {
  /** ARN per application secret. */
  public readonly appSecretArns: Record<AppSecret, pulumi.Output<string>>;
  /** `<prefix>/platform/app-user`: `{"username","password"}` of app_user. */
  public readonly appUserSecretArn: pulumi.Output<string>;
  /** `<prefix>/platform/postgres-exporter`: `{"username","password","host","port","database"}` of monitor. */
  public readonly postgresExporterSecretArn: pulumi.Output<string>;
  /** Passed to the bootstrap Job's hash, so rotated passwords re-run it. */
  public readonly rolePasswordsVersion: string;
  /** The audit trail's bucket, when auditing is on. */
  public readonly auditBucketName?: pulumi.Output<string>;

  constructor(name: string, args: SecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:secrets:Secrets", name, {}, opts);
    const parent = { parent: this };
    const warning = rotationWarning(args.rolePasswordsRotatedOn, args.today ?? new Date());
    if (warning) pulumi.log.warn(warning, this);

    const secret = (logical: string, physical: string, description: string) =>
      new aws.secretsmanager.Secret(
        `${name}-${logical}`,
        {
          name: physical,
          description,
          kmsKeyId: args.secretsKeyArn,
          recoveryWindowInDays: args.recoveryWindowDays ?? 30,
        },
        parent,
      );
    const write = (logical: string, target: aws.secretsmanager.Secret, value: pulumi.Input<string>) =>
      new aws.secretsmanager.SecretVersion(
        `${name}-${logical}`,
        { secretId: target.id, secretString: pulumi.secret(value) },
        parent,
      );

    // Alphanumeric: safe in URLs, in PGOPTIONS and in the Job's shell without escaping; 40 characters ≈ 238 bits.
    const keepers = { rotatedOn: args.rolePasswordsRotatedOn };
    const password = (logical: string) =>
      new random.RandomPassword(`${name}-${logical}`, { length: 40, special: false, keepers }, parent);
    const appUserPassword = password("app-user-password");
    const monitorPassword = password("monitor-password");
    const jwtKey = new random.RandomPassword(`${name}-jwt-signing-key`, { length: 64, special: false }, parent);

    const composed: Partial<Record<AppSecret, pulumi.Output<string>>> = {
      "database-url": pulumi
        .all([appUserPassword.result, args.databaseAddress, args.databasePort])
        .apply(([pw, host, port]) => postgresUrl(roles.app, pw, host, port, databases.master)),
      "redis-url": pulumi
        .all([args.cacheAuthToken, args.cacheAddress, args.cachePort])
        .apply(([token, host, port]) => redisUrl(token, host, port)),
      "jwt-signing-key": jwtKey.result,
    };

    const arns: Partial<Record<AppSecret, pulumi.Output<string>>> = {};
    for (const app of appSecrets) {
      const entry = secret(app, secretName(args.prefix, app), appSecretDescriptions[app]);
      arns[app] = entry.arn;
      const value = composed[app];
      if (value) write(app, entry, value);
      else if (!(outsideSecrets as readonly string[]).includes(app))
        throw new pulumi.ResourceError(`secret ${app} has neither a value nor an outside source`, this);
    }
    this.appSecretArns = arns as Record<AppSecret, pulumi.Output<string>>;

    const appUser = secret("app-user", secretName(args.prefix, "app-user"), "app_user login, {username,password}");
    write(
      "app-user",
      appUser,
      appUserPassword.result.apply((pw) => JSON.stringify({ username: roles.app, password: pw })),
    );
    const exporter = secret(
      "postgres-exporter",
      secretName(args.prefix, "postgres-exporter"),
      "monitor login for postgres-exporter, {username,password,host,port,database}; use sslmode=require",
    );
    write(
      "postgres-exporter",
      exporter,
      pulumi
        .all([monitorPassword.result, args.databaseAddress, args.databasePort])
        .apply(([pw, host, port]) =>
          JSON.stringify({ username: roles.monitor, password: pw, host, port, database: databases.master }),
        ),
    );
    this.appUserSecretArn = appUser.arn;
    this.postgresExporterSecretArn = exporter.arn;
    this.rolePasswordsVersion = args.rolePasswordsRotatedOn;

    if (args.auditAccess) {
      const audit = new SecretsAudit(
        `${name}-audit`,
        { account: args.account, prefix: args.prefix, protect: args.protect ?? false },
        parent,
      );
      this.auditBucketName = audit.bucketName;
    }

    this.registerOutputs({
      appSecretArns: this.appSecretArns,
      appUserSecretArn: this.appUserSecretArn,
      postgresExporterSecretArn: this.postgresExporterSecretArn,
    });
  }
}
