/**
 * `qualisys:platform` — run this stack's environment on another stack's platform (its network, EKS cluster and
 * deployment runner) instead of creating its own. The non-production default: staging on dev's platform, which is
 * what puts dev and staging together under the seed's $500 a month (docs/cost.md). Prod always has its own.
 */
import { z } from "zod";

/** Namespaces the host's platform itself uses; a hosted environment cannot take one of them. */
export const reservedNamespaces = [
  "default",
  "kube-system",
  "kube-public",
  "kube-node-lease",
  "monitoring",
  "playwright-pool",
  "external-secrets",
  "db-bootstrap",
] as const;

export const platformSchema = z.strictObject({
  /**
   * The stack whose platform this one shares (same Pulumi organisation and project, same AWS account and region),
   * e.g. `dev`. It must be deployed first: this stack reads its `platform` and `kubeconfig` outputs.
   */
  stack: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,99}$/, { error: "is not a Pulumi stack name" }),
  /**
   * The application namespace this stack owns on the host's cluster. Default: its environment's (`staging`). At
   * most 50 characters: the database bootstrap runs in `<namespace>-db-bootstrap` (a namespace name has 63).
   */
  namespace: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,48}[a-z0-9])?$/, {
      error: "is not a Kubernetes namespace name of at most 50 characters",
    })
    .refine((ns) => !(reservedNamespaces as readonly string[]).includes(ns), {
      error: (issue) => `"${issue.input}" is one of the host platform's own namespaces`,
    })
    .optional(),
});
export type PlatformSection = z.infer<typeof platformSchema>;
