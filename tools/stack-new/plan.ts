/**
 * A personal or review stack's file (SPEC C4, H1; docs/shared-platform.md "Personal and review stacks"): a tenant
 * of a host's platform (dev's by default), in its own namespaces, in the host's account and region, with its own
 * lean data tier and budget, and none of the account-wide singletons (the host's stack owns the OIDC providers and
 * the password policy). Pure: the host's stack file in, the new file's text out.
 */
import { stringify } from "yaml";
import { declaresTenant, tenantNameProblems } from "../../config/platform";

/** A personal or review stack's monthly budget: its database and cache (tools/stack-new/stack-new.test.ts checks the estimate fits). */
export const tenantBudgetUsd = 95;

/** Why `stack` cannot be a new tenant of `host` (empty when it can), each with what to do instead. */
export function newStackProblems(args: {
  stack: string;
  host: string;
  hostConfig: Record<string, unknown>;
  existing: string[];
}): string[] {
  const { stack, host, hostConfig } = args;
  const problems = tenantNameProblems(stack).map((p) => `${stack}: ${p}`);
  if (args.existing.includes(stack)) problems.push(`Pulumi.${stack}.yaml already exists`);
  if (hostConfig["qualisys:platform"] !== undefined)
    problems.push(`${host} runs on another stack's platform itself; name a host with its own platform (--host)`);
  const tenants = (hostConfig["qualisys:tenants"] as string[] | undefined) ?? [];
  if (!declaresTenant(tenants, stack))
    problems.push(
      `${host} does not declare ${stack} as a tenant (qualisys:tenants: ${JSON.stringify(tenants)}): pick a name that matches, or add it to Pulumi.${host}.yaml`,
    );
  return problems;
}

/** The new stack's file, as text. */
export function newStackFile(stack: string, host: string, hostConfig: Record<string, unknown>): string {
  const tags = ((hostConfig["aws:defaultTags"] as { tags?: Record<string, string> } | undefined)?.tags ?? {}) as Record<
    string,
    string
  >;
  const identity = hostConfig["qualisys:identity"] as Record<string, unknown>;
  const database = hostConfig["qualisys:database"] as Record<string, unknown>;
  const config = {
    "aws:region": hostConfig["aws:region"],
    "aws:allowedAccountIds": hostConfig["aws:allowedAccountIds"],
    // Its own environment tag: its permissions boundary and its budget go by it (no other stack may share it).
    "aws:defaultTags": { tags: { ...tags, environment: stack } },
    "qualisys:environment": hostConfig["qualisys:environment"] ?? host,
    "qualisys:logRetentionDays": hostConfig["qualisys:logRetentionDays"],
    "qualisys:monthlyBudgetUsd": tenantBudgetUsd,
    "qualisys:platform": { stack: host },
    "qualisys:identity": {
      githubRepository: identity.githubRepository,
      githubSubjects: [`environment:${stack}`],
      pulumiOrganization: identity.pulumiOrganization,
      createGithubOidcProvider: false,
      createPulumiOidcProvider: false,
      manageAccountPasswordPolicy: false,
    },
    "qualisys:database": { ...database, multiAz: false, allocatedStorageGb: 20 },
    "qualisys:cache": hostConfig["qualisys:cache"],
  };
  const header = [
    `# ${stack}: a personal or review stack, a tenant of ${host}'s platform (docs/shared-platform.md). Written by`,
    `# \`npm run stack:new -- ${stack}\`. Its namespaces on ${host}'s cluster are ${stack}, ${stack}-db-bootstrap and`,
    `# ${stack}-secrets; its roles are bounded to its own resources; it pulls ${host}'s images. Its own database and`,
    `# cache are budgeted at $${tenantBudgetUsd} a month (\`npm start -- ${stack}\` prints the estimate): \`pulumi destroy -s ${stack}\``,
    `# when done.`,
  ];
  return `${header.join("\n")}\n${stringify({ config }, { lineWidth: 0 })}`;
}
