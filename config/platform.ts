/**
 * `qualisys:platform` and `qualisys:tenants` — hosts and tenants (docs/shared-platform.md). A stack either owns a
 * platform (network, EKS cluster, deployment runner) and may host other stacks on it, or runs its environment on
 * another stack's platform. The non-production default: staging and personal or review stacks on dev's platform,
 * which is what puts dev and staging together under the seed's $500 a month (docs/cost.md). Prod always has its
 * own platform and hosts nobody.
 */
import { z } from "zod";

/** Namespaces the host's platform itself uses; a tenant's namespaces can never be one of them. */
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

/**
 * The namespaces a tenant owns on its host's cluster, named from its stack (so two tenants can never pick the
 * same one): its application namespace, the database bootstrap's (master credentials) and the secrets sync's (the
 * external-secrets service account that reads the stack's secrets, where no developer or CI identity runs pods).
 */
export function tenantNamespaces(stack: string) {
  return { app: stack, bootstrap: `${stack}-db-bootstrap`, secrets: `${stack}-secrets` } as const;
}
export type TenantNamespaces = ReturnType<typeof tenantNamespaces>;

/** The Kubernetes label every tenant namespace and ClusterSecretStore carries, naming the stack that owns it. */
export const ownerLabel = "qualisys.io/owner";

/**
 * The longest physical-name prefix (`<appName>-<stack>`) of a tenant, and of its host: a tenant's permissions boundary
 * names both many times and must fit IAM's 6,144-character limit for a managed policy
 * (components/identity/boundary.test.ts checks the longest allowed fits).
 */
export const maxTenantPrefixLength = 26;

/** A stack name as Pulumi accepts it. */
const stackName = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,99}$/;

/** Whether `stack` is one of the tenants a host declares (exact names, or globs where `*` is any run of characters). */
export function declaresTenant(patterns: readonly string[], stack: string): boolean {
  return patterns.some((pattern) =>
    new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(stack),
  );
}

/**
 * Why a stack name cannot be a tenant's (empty when it can): its namespaces must be Kubernetes names (lowercase
 * letters, digits, dashes; the longest, `<stack>-db-bootstrap`, at most 63 characters) and none of the host's own.
 */
export function tenantNameProblems(stack: string): string[] {
  const names = Object.values(tenantNamespaces(stack));
  const problems: string[] = [];
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(stack))
    problems.push(
      `the stack name ${stack} names its namespaces on the host's cluster, so it must be lowercase letters, digits and dashes`,
    );
  const long = names.filter((n) => n.length > 63);
  if (long.length)
    problems.push(`namespace ${long[0]} would be longer than 63 characters: use a stack name of at most 50`);
  const reserved = names.filter((n) => (reservedNamespaces as readonly string[]).includes(n));
  if (reserved.length) problems.push(`namespace ${reserved[0]} is one of the host platform's own`);
  return problems;
}

export const platformSchema = z.strictObject({
  /**
   * The stack whose platform this one runs on (same Pulumi organisation and project, same AWS account and region),
   * e.g. `dev`; it must declare this stack in its `qualisys:tenants`. Deployed first: this stack reads its
   * `platform` and `kubeconfig` outputs. This stack's namespaces on the host's cluster are named from its own
   * stack name: `<stack>`, `<stack>-db-bootstrap`, `<stack>-secrets`.
   */
  stack: z.string().regex(stackName, { error: "is not a Pulumi stack name" }),
});
export type PlatformSection = z.infer<typeof platformSchema>;

/**
 * `qualisys:tenants` on a stack that owns a platform: the stacks it hosts, by exact name or glob (`*` matches any
 * run of characters), e.g. `["staging", "dev-*", "review-*"]`, so a personal stack needs no edit to the host's file.
 * While the list is not empty the host protects the network, security groups and cluster its tenants run on.
 * Default none.
 */
export const tenantsSchema = z
  .array(
    z.string().regex(/^[a-zA-Z0-9*][a-zA-Z0-9._*-]{0,99}$/, {
      error: "is not a stack name or a glob of one (letters, digits, . _ - and *)",
    }),
  )
  .refine((patterns) => new Set(patterns).size === patterns.length, { error: "lists a tenant twice" });
