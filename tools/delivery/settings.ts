/**
 * Pulumi Deployments settings as code (SPEC P2): one `Pulumi.<stack>.deploy.yaml` per stack, the file the
 * Pulumi CLI reads with `pulumi deployment settings push`. This module is the single definition of what those
 * files must say; the tests and the settings workflow check the committed files against it, and `render`
 * rewrites a file (e.g. with the real AWS account id during the one-time setup).
 *
 *   npx tsx tools/delivery/settings.ts render <stack> <awsAccountId>   # write Pulumi.<stack>.deploy.yaml
 *   npx tsx tools/delivery/settings.ts check <stack> [--require-real-account]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parse, stringify } from "yaml";
import { environments as stacks, type Environment as Stack } from "../../core/environments";

export { stacks, type Stack };

const root = join(__dirname, "..", "..");

/**
 * What a change must touch to need a deploy of `stack`: the program, its config and its dependencies. Docs,
 * tests, tools, workflows, the policy pack (enforced from Pulumi Cloud, see README) and other stacks' config do
 * not. Include globs first, `!` excludes after (Pulumi and GitHub evaluate them the same way).
 */
export function deployPaths(stack: string): string[] {
  return [
    "Pulumi.yaml",
    `Pulumi.${stack}.yaml`,
    "index.ts",
    "core/**",
    "config/**",
    "components/**",
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    "!**/*.md",
    "!**/*.test.ts",
  ];
}

// A path-filter glob as a RegExp: a double star followed by a slash spans any number of directories (zero too);
// a single star stays within one.
export function globToRegExp(glob: string): RegExp {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (glob.startsWith("**/", i)) {
      source += "(?:.*/)?";
      i += 2;
    } else if (glob.startsWith("**", i)) {
      source += ".*";
      i += 1;
    } else if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else source += ".+^$()|[]{}\\".includes(c) ? `\\${c}` : c;
  }
  return new RegExp(`^${source}$`);
}

/** Whether a push changing `files` deploys `stack`: some file matches an include and no exclude. */
export function wouldDeploy(stack: string, files: string[]): boolean {
  const filters = deployPaths(stack);
  const includes = filters.filter((f) => !f.startsWith("!")).map(globToRegExp);
  const excludes = filters.filter((f) => f.startsWith("!")).map((f) => globToRegExp(f.slice(1)));
  return files.some((file) => includes.some((re) => re.test(file)) && !excludes.some((re) => re.test(file)));
}

/** Per stack: who triggers what. Only staging deploys on push (SPEC P1); prod only by the approved workflow. */
export const triggers: Record<Stack, { deployCommits: boolean; previewPullRequests: boolean }> = {
  dev: { deployCommits: false, previewPullRequests: true },
  staging: { deployCommits: true, previewPullRequests: true },
  // No Deployments PR previews on prod: they would run unreviewed code under the prod `deploy` role (admin).
  // pr-checks previews prod on every PR with the read-only `ci-preview` role instead.
  prod: { deployCommits: false, previewPullRequests: false },
};

/** Placeholders committed until the one-time setup renders the real account ids. */
export const placeholderAccounts: Record<Stack, string> = {
  dev: "111111111111",
  staging: "222222222222",
  prod: "333333333333",
};

export interface Identity {
  /** `owner/name` on GitHub (config `qualisys:identity.githubRepository`). */
  repository: string;
  /** Pulumi Cloud organisation (config `qualisys:identity.pulumiOrganization`). */
  organization: string;
  /** Pulumi project (`name` in Pulumi.yaml). */
  project: string;
  appName: string;
}

/** Reads the repository, organisation and project the stack's config names. */
export function identityOf(stack: string): Identity {
  const project = (parse(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as { name: string }).name;
  const config = (
    parse(readFileSync(join(root, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> }
  ).config;
  const identity = config["qualisys:identity"] as { githubRepository: string; pulumiOrganization: string };
  return {
    repository: identity.githubRepository,
    organization: identity.pulumiOrganization,
    project,
    appName: (config["qualisys:appName"] as string | undefined) ?? "qualisys",
  };
}

/** The settings document for a stack (`settings:` is the CLI file's top-level key). */
export function expectedSettings(stack: Stack, account: string, identity: Identity) {
  return {
    settings: {
      sourceContext: { git: { repoUrl: `https://github.com/${identity.repository}.git`, branch: "refs/heads/main" } },
      gitHub: {
        repository: identity.repository,
        ...triggers[stack],
        pullRequestTemplate: false,
        paths: deployPaths(stack),
      },
      operationContext: {
        // Pulumi OIDC into the stack's deploy role (components/identity trusts org/project/stack exactly).
        oidc: {
          aws: {
            roleArn: `arn:aws:iam::${account}:role/${identity.appName}-${stack}-deploy`,
            sessionName: `pulumi-deployments-${stack}`,
          },
        },
        environmentVariables: { AWS_REGION: "us-east-1" },
        // A burst of merges deploys only the newest commit.
        options: { skipIntermediateDeployments: true },
      },
    },
  };
}

export const settingsFile = (stack: string) => join(root, `Pulumi.${stack}.deploy.yaml`);

const header = (stack: Stack) =>
  [
    `# Pulumi Deployments settings for the ${stack} stack (SPEC P2). Generated by tools/delivery/settings.ts and`,
    "# checked against it in npm test: change that module, then re-render this file with",
    `# \`npx tsx tools/delivery/settings.ts render ${stack} <awsAccountId>\` (the account id its roleArn names).`,
    "# Applied to Pulumi Cloud by the deployment-settings workflow (`pulumi deployment settings push`).",
    "",
  ].join("\n");

export function render(stack: Stack, account: string): string {
  return `${header(stack)}${stringify(expectedSettings(stack, account, identityOf(stack)), { lineWidth: 0 })}`;
}

/** The account id a committed settings file names, from its role ARN. */
export function accountOf(document: unknown): string | undefined {
  type Shape = { settings?: { operationContext?: { oidc?: { aws?: { roleArn?: unknown } } } } };
  const arn = (document as Shape | undefined)?.settings?.operationContext?.oidc?.aws?.roleArn;
  return typeof arn === "string" ? /^arn:aws:iam::(\d{12}):role\//.exec(arn)?.[1] : undefined;
}

/** Every problem with a committed settings file; empty when it is what `expectedSettings` says. */
export function check(stack: Stack, text: string, requireRealAccount = false): string[] {
  const document = parse(text) as unknown;
  const account = accountOf(document);
  if (!account) return [`${stack}: operationContext.oidc.aws.roleArn is missing or not an IAM role ARN`];
  const problems: string[] = [];
  if (!isDeepStrictEqual(document, expectedSettings(stack, account, identityOf(stack))))
    problems.push(`${stack}: Pulumi.${stack}.deploy.yaml differs from tools/delivery/settings.ts; re-render it`);
  if (requireRealAccount && account === placeholderAccounts[stack])
    problems.push(`${stack}: account ${account} is the placeholder; render the file with the real account id`);
  return problems;
}

if (require.main === module) {
  const [command, stack, arg] = process.argv.slice(2);
  if (!(stacks as readonly string[]).includes(stack ?? "") || !["render", "check"].includes(command ?? "")) {
    console.error("usage: settings.ts render <stack> <awsAccountId> | check <stack> [--require-real-account]");
    process.exit(2);
  }
  if (command === "render") {
    if (!/^\d{12}$/.test(arg ?? "")) {
      console.error("render needs the stack's 12-digit AWS account id");
      process.exit(2);
    }
    writeFileSync(settingsFile(stack), render(stack as Stack, arg));
  } else {
    const problems = check(stack as Stack, readFileSync(settingsFile(stack), "utf8"), arg === "--require-real-account");
    for (const p of problems) console.error(p);
    process.exit(problems.length ? 1 : 0);
  }
}
