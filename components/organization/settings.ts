/**
 * Pulumi Deployments settings as code (SPEC P2), the one definition: which pushes deploy a stack, the role it
 * deploys with and the runner pool it runs on (SPEC P3). The organisation stack declares them as one
 * `pulumiservice.DeploymentSettings` per application stack (./index.ts), so the pool id flows from the pool it
 * creates and a change is a reviewed, previewed diff like any other; `tools/delivery/` and the workflow tests read
 * the same path filters.
 *
 * Pull requests are never previewed by Deployments (SPEC P4): a stack has one settings object, so a Deployments
 * preview would run the pull request's program with the stack's deploy role. `pr-checks` previews them with the
 * read-only `ci-preview` role instead (docs/delivery.md).
 */
import { environments, type Environment } from "../../core/environments";

/**
 * What a change must touch to need a deploy of `stack`: the program, its config and its dependencies. Docs,
 * tests, tools, workflows, the policy pack (enforced from Pulumi Cloud, see docs/policy-pack.md) and other stacks' config do
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

export interface Triggers {
  deployCommits: boolean;
  /** Always false (see above); kept explicit because the provider's default is true. */
  previewPullRequests: false;
}

/** Per stack: who triggers what. Only staging deploys on push (SPEC P1); prod only by the approved workflow. */
export const triggers: Record<Environment, Triggers> = {
  dev: { deployCommits: false, previewPullRequests: false },
  staging: { deployCommits: true, previewPullRequests: false },
  prod: { deployCommits: false, previewPullRequests: false },
};

/** The three named stacks take their triggers; any other stack (personal, review) is deployed only on request. */
export function triggersOf(stack: string): Triggers {
  return (environments as readonly string[]).includes(stack)
    ? triggers[stack as Environment]
    : { deployCommits: false, previewPullRequests: false };
}

export interface SettingsInput {
  organization: string;
  project: string;
  stack: string;
  /** `owner/name` on GitHub. */
  repository: string;
  region: string;
  /** The stack's deploy role (Pulumi OIDC trusts exactly this organisation, project and stack). */
  deployRoleArn: string;
}

/**
 * The `pulumiservice.DeploymentSettings` arguments of a stack but its pool (the pool's id is known once the pool
 * exists: ./stack-deployment.ts adds it), in the provider's non-deprecated form (provider
 * 1.3.0's schema: `github` is deprecated for `vcs`, and `sourceContext.git.repoUrl` "should not be specified if
 * there are gitHub settings", so the repository is named once, in `vcs`; `vcs.provider` "github" as the provider's
 * own `toVCSConfig` reads it).
 */
export function deploymentSettings(input: SettingsInput) {
  return {
    organization: input.organization,
    project: input.project,
    stack: input.stack,
    sourceContext: { git: { branch: "refs/heads/main" } },
    vcs: {
      provider: "github",
      repository: input.repository,
      ...triggersOf(input.stack),
      pullRequestTemplate: false,
      paths: deployPaths(input.stack),
    },
    operationContext: {
      oidc: { aws: { roleARN: input.deployRoleArn, sessionName: `pulumi-deployments-${input.stack}` } },
      environmentVariables: { AWS_REGION: input.region },
      // A burst of merges deploys only the newest commit.
      options: { skipIntermediateDeployments: true },
    },
  };
}
