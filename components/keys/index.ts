/**
 * Customer-managed KMS keys, one per data domain (SPEC K1), each with yearly rotation, a 30-day deletion
 * window and a policy from ./policy. Keys are stateful: losing one loses everything encrypted with it, so
 * they are protected whenever stateful resources are.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyJson, type AccountRef } from "../account";
import { keyDescriptions, keyDomains, keyPolicy, type KeyDomain } from "./policy";

export interface EncryptionKeysArgs {
  account: AccountRef;
  /** Prefix of aliases and descriptions (`qualisys-dev`). */
  prefix: string;
  /** Roles that administer the keys (the devops role). */
  adminRoleArns: pulumi.Input<string>[];
  /** Protect keys from deletion (prod). */
  protect: boolean;
  /**
   * Whether the stack has a cluster of its own whose Kubernetes secrets need the `eks` key. False for a stack on
   * another's platform (`qualisys:platform`). Default true.
   */
  cluster?: boolean;
}

/** The key ARN per domain; `eks` only when the stack has its own cluster. */
export type KeyArns = Record<Exclude<KeyDomain, "eks">, pulumi.Output<string>> & { eks?: pulumi.Output<string> };

export class EncryptionKeys extends pulumi.ComponentResource {
  /** Key ARN per domain. */
  public readonly arns: KeyArns;

  constructor(name: string, args: EncryptionKeysArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:keys:EncryptionKeys", name, {}, opts);
    const admins = pulumi.all(args.adminRoleArns);
    const domains = keyDomains.filter((domain) => domain !== "eks" || args.cluster !== false);
    const entries = domains.map((domain) => {
      const key = new aws.kms.Key(
        `${name}-${domain}`,
        {
          description: `${args.prefix}: ${keyDescriptions[domain]}`,
          enableKeyRotation: true,
          rotationPeriodInDays: 365,
          deletionWindowInDays: 30,
          policy: admins.apply((adminRoleArns) =>
            policyJson(args.account, (account) => keyPolicy({ account, domain, adminRoleArns })),
          ),
        },
        { parent: this, protect: args.protect },
      );
      new aws.kms.Alias(
        `${name}-${domain}`,
        { name: `alias/${args.prefix}/${domain}`, targetKeyId: key.keyId },
        { parent: this },
      );
      return [domain, key.arn] as const;
    });
    this.arns = Object.fromEntries(entries) as KeyArns;
    this.registerOutputs({ arns: this.arns });
  }
}
