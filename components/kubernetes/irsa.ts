/**
 * The one way a workload gets AWS permissions (SPEC I3): an IAM role for one Kubernetes service account (IRSA),
 * trusted through the cluster's OIDC provider for exactly that namespace and service account, with the workload's
 * own policy. No workload borrows the node role.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceAccountTrustPolicy } from "../iam";

export interface IrsaRoleArgs {
  /** The role's name in IAM. */
  roleName: string;
  /** The role's description in IAM. */
  description: string;
  /** The cluster's IAM OIDC provider and its issuer (without `https://`). */
  oidcProviderArn: pulumi.Input<string>;
  oidcIssuer: pulumi.Input<string>;
  /** The only service account that may assume the role. */
  namespace: pulumi.Input<string>;
  serviceAccount: string;
  /** Inline policy (JSON). Default none. */
  policy?: pulumi.Input<string>;
  /** AWS managed policy to attach. Default none. */
  managedPolicyArn?: string;
  /** Tags of the role. Default none. */
  tags?: Record<string, string>;
  /** The permissions boundary of a stack hosted on another's platform (components/identity/boundary.ts). */
  permissionsBoundary?: pulumi.Input<string>;
}

/** The role, plus its inline policy and managed-policy attachment (named like the role) when given. */
export function irsaRole(resourceName: string, args: IrsaRoleArgs, opts: pulumi.CustomResourceOptions): aws.iam.Role {
  const role = new aws.iam.Role(
    resourceName,
    {
      name: args.roleName,
      description: args.description,
      assumeRolePolicy: pulumi
        .all([args.oidcProviderArn, args.oidcIssuer, args.namespace])
        .apply(([oidcProviderArn, oidcIssuer, namespace]) =>
          JSON.stringify(
            serviceAccountTrustPolicy({ oidcProviderArn, oidcIssuer, namespace, serviceAccount: args.serviceAccount }),
          ),
        ),
      ...(args.tags ? { tags: args.tags } : {}),
      ...(args.permissionsBoundary ? { permissionsBoundary: args.permissionsBoundary } : {}),
    },
    opts,
  );
  if (args.policy) new aws.iam.RolePolicy(resourceName, { role: role.name, policy: args.policy }, opts);
  if (args.managedPolicyArn) {
    new aws.iam.RolePolicyAttachment(resourceName, { role: role.name, policyArn: args.managedPolicyArn }, opts);
  }
  return role;
}
