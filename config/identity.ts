/** `qualisys:identity` — roles, OIDC trust and MFA (SPEC I1, I2). */
import { z } from "zod";
import { count } from "./zod";

/** What a GitHub OIDC token's `sub` may say after `repo:<owner>/<repo>:`. */
const githubSubject = z
  .string()
  .regex(
    /^(environment:[A-Za-z0-9_.-]+|ref:refs\/heads\/[A-Za-z0-9_./-]+|ref:refs\/tags\/[A-Za-z0-9_./-]+|pull_request)$/,
    {
      error:
        'must be "environment:<name>", "ref:refs/heads/<branch>", "ref:refs/tags/<tag>" or "pull_request", without wildcards',
    },
  );

export const identitySchema = z.strictObject({
  /** GitHub repository whose workflows may assume the CI role, as owner/name. Required. */
  githubRepository: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { error: 'must be "owner/name" without wildcards' }),
  /**
   * Which workflow runs of that repository may assume the CI role (the OIDC `sub` after the repo). Default: the
   * GitHub Environment named after the stack's environment (`environment:staging`, `environment:production`).
   * Never `pull_request`: the CI role pushes images, and pull-request code only ever gets the read-only `ci-preview`
   * role (SPEC P4).
   */
  githubSubjects: z
    .array(
      githubSubject.refine((subject) => subject !== "pull_request", {
        error:
          "pull_request is not allowed: the CI role can write, and pull-request code gets only the read-only ci-preview role (SPEC P4)",
      }),
    )
    .min(1, { error: "must list at least one subject" })
    .optional(),
  /** Pulumi Cloud organisation whose Deployments may assume the deploy role. Required. */
  pulumiOrganization: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { error: "is not a Pulumi organisation name" }),
  /**
   * Create the account's GitHub OIDC provider. An account has one provider per issuer URL, so when several stacks
   * share an account exactly one of them creates it and the others set false. Default true.
   */
  createGithubOidcProvider: z.boolean().default(true),
  /** Create the account's Pulumi Cloud OIDC provider (same rule as above). Default true. */
  createPulumiOidcProvider: z.boolean().default(true),
  /**
   * AWS account whose IAM users may assume the human roles (with MFA). Default: this stack's own account. Set it
   * when people sign in to a separate identity account.
   */
  humanAccountId: z
    .string()
    .regex(/^\d{12}$/, { error: "must be a 12-digit AWS account id" })
    .optional(),
  /** Longest MFA session (seconds) that may assume a human role. Default 3600; IAM's ceiling is 43200. */
  mfaMaxAgeSeconds: count(300, 43200).default(3600),
  /** Manage the account-wide IAM password policy from this stack (only one stack per account should). Default false. */
  manageAccountPasswordPolicy: z.boolean().default(false),
});

export type IdentityConfig = z.infer<typeof identitySchema>;
