/**
 * ECR repositories (SPEC G1): scan on push, immutable tags, encrypted with the ECR key, a lifecycle that keeps
 * the last N tagged images and expires untagged ones, and a repository policy from ./policy — CI pushes, the
 * cluster's nodes pull. Images are what a rollback needs, so repositories are protected with the stateful set.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RegistrySettings } from "../../config";
import { lifecyclePolicy, repositoryPolicy } from "./policy";

/** The `registry` settings (repositories, image retention), plus who may push and pull. */
export interface RegistryArgs extends Partial<RegistrySettings> {
  /** Repository names (`qualisys-api`, …). */
  repositories: string[];
  /** KMS key for image layers. */
  ecrKeyArn: pulumi.Input<string>;
  /** Roles that may push (the CI role). */
  pushPrincipalArns: pulumi.Input<string>[];
  /** Roles that may pull (the cluster's node role). Default none (wired when the cluster exists). */
  pullPrincipalArns?: pulumi.Input<string>[];
  /** `protect` (prod). Default false. */
  protect?: boolean;
}

export class Registry extends pulumi.ComponentResource {
  /** Repository URL by name (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`). */
  public readonly repositoryUrls: Record<string, pulumi.Output<string>>;
  /** Repository ARN by name. */
  public readonly repositoryArns: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: RegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:registry:Registry", name, {}, opts);
    if (args.pushPrincipalArns.length + (args.pullPrincipalArns ?? []).length === 0) {
      throw new pulumi.ResourceError("a repository policy needs at least one push or pull principal", this);
    }
    const parent = { parent: this };
    const lifecycle = JSON.stringify(lifecyclePolicy(args.keepLastImages ?? 10, args.untaggedExpiryDays ?? 7));
    const policy = pulumi
      .all([pulumi.all(args.pushPrincipalArns), pulumi.all(args.pullPrincipalArns ?? [])])
      .apply(([push, pull]) => JSON.stringify(repositoryPolicy(push, pull)));

    this.repositoryUrls = {};
    this.repositoryArns = {};
    for (const repositoryName of args.repositories) {
      const repository = new aws.ecr.Repository(
        `${name}-${repositoryName}`,
        {
          name: repositoryName,
          imageTagMutability: "IMMUTABLE",
          imageScanningConfiguration: { scanOnPush: true },
          encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: args.ecrKeyArn }],
          forceDelete: false,
        },
        { parent: this, protect: args.protect ?? false },
      );
      new aws.ecr.LifecyclePolicy(
        `${name}-${repositoryName}`,
        { repository: repository.name, policy: lifecycle },
        parent,
      );
      new aws.ecr.RepositoryPolicy(`${name}-${repositoryName}`, { repository: repository.name, policy }, parent);
      this.repositoryUrls[repositoryName] = repository.repositoryUrl;
      this.repositoryArns[repositoryName] = repository.arn;
    }
    this.registerOutputs({ repositoryUrls: this.repositoryUrls, repositoryArns: this.repositoryArns });
  }
}
