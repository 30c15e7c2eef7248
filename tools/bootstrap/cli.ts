/**
 * `npm run bootstrap -- <stack> [--dry-run]`: the first deploy of a stack from an empty account (./plan.ts), or the
 * organisation stack's deploy (`npm run bootstrap -- organization`, first, and after each change to it).
 * Checks for the Pulumi CLI and AWS credentials first and stops with a clear message when either is missing.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { guardrailsPackName } from "../../components/organization/guardrails";
import { isOrganizationStack, platformHost, stacks } from "../../offline/stacks";
import {
  bootstrapPlan,
  BootstrapRefused,
  describeStep,
  organizationBootstrapPlan,
  type BootstrapInput,
  type BootstrapPlan,
  type OrganizationBootstrapInput,
} from "./plan";

const root = join(__dirname, "..", "..");

/** What the plan needs from the stack file and Pulumi.yaml. */
export function readInput(stack: string): BootstrapInput {
  const file = join(root, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) throw new BootstrapRefused(`no stack file Pulumi.${stack}.yaml`);
  const project = (parse(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as { name: string }).name;
  interface StackFile {
    config?: {
      "qualisys:environment"?: string;
      "qualisys:identity"?: { pulumiOrganization?: unknown };
      "qualisys:cluster"?: { endpointPublicAccessCidrs?: string[] };
    };
  }
  const config = (parse(readFileSync(file, "utf8")) as StackFile).config ?? {};
  const organization = config["qualisys:identity"]?.pulumiOrganization;
  if (typeof organization !== "string")
    throw new BootstrapRefused(`Pulumi.${stack}.yaml has no qualisys:identity.pulumiOrganization`);
  const environment = config["qualisys:environment"] ?? stack;
  const host = platformHost(config as Record<string, unknown>);
  return {
    organization,
    project,
    stack,
    isProduction: environment === "prod",
    endpointPublicAccessCidrs: config["qualisys:cluster"]?.endpointPublicAccessCidrs ?? [],
    ...(host ? { host } : {}),
  };
}

/** What the organisation stack's plan needs: its organisation, the long-lived stacks, the pack's version. */
export function readOrganizationInput(stack: string): OrganizationBootstrapInput {
  const project = (parse(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as { name: string }).name;
  const config =
    (
      parse(readFileSync(join(root, `Pulumi.${stack}.yaml`), "utf8")) as {
        config?: Record<string, unknown>;
      }
    ).config ?? {};
  const organization = (config["qualisys:organization"] as { name?: unknown } | undefined)?.name;
  if (typeof organization !== "string")
    throw new BootstrapRefused(`Pulumi.${stack}.yaml has no qualisys:organization.name`);
  const longLivedStacks = stacks.filter((s) => {
    const file = (parse(readFileSync(join(root, `Pulumi.${s}.yaml`), "utf8")) as { config?: Record<string, unknown> })
      .config;
    return file?.["qualisys:expiresOn"] === undefined;
  });
  const { version } = JSON.parse(readFileSync(join(root, "policy", "package.json"), "utf8")) as { version: string };
  return {
    organization,
    project,
    stack,
    longLivedStacks,
    policyPack: { name: guardrailsPackName, versionTag: version },
  };
}

/** The plan for `stack`, of whichever kind its stack file is. */
export function planFor(stack: string): BootstrapPlan {
  if (existsSync(join(root, `Pulumi.${stack}.yaml`)) && isOrganizationStack(stack))
    return organizationBootstrapPlan(readOrganizationInput(stack));
  return bootstrapPlan(readInput(stack));
}

/** Why this machine cannot run the bootstrap (empty when it can). */
export function preflight(env: NodeJS.ProcessEnv = process.env, home = homedir()): string[] {
  const problems: string[] = [];
  const pulumi = spawnSync("pulumi", ["version"], { encoding: "utf8" });
  if (pulumi.error || pulumi.status !== 0)
    problems.push(
      "the Pulumi CLI is not on PATH: install it (https://www.pulumi.com/docs/install/) and `pulumi login`",
    );
  const awsFromEnv =
    (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE;
  const awsFromFiles = ["credentials", "config"].some((f) => existsSync(join(home, ".aws", f)));
  if (!awsFromEnv && !awsFromFiles)
    problems.push(
      "no AWS credentials: sign in as an administrator of the stack's account (e.g. `aws sso login --profile <p>` " +
        "and `export AWS_PROFILE=<p>`); the first phase creates IAM roles, keys and the network",
    );
  return problems;
}

function main(argv: string[]): number {
  const stack = argv.find((a) => !a.startsWith("--"));
  if (!stack) {
    console.error("usage: npm run bootstrap -- <stack> [--dry-run]");
    return 2;
  }
  let plan;
  try {
    plan = planFor(stack);
  } catch (e) {
    if (e instanceof BootstrapRefused) {
      console.error(`bootstrap: ${e.message}`);
      return 2;
    }
    throw e;
  }
  console.log(`Bootstrap of ${plan.qualifiedStack} (temporary widenings: none)\n`);
  plan.steps.forEach((step, i) => console.log(`${i + 1}. ${describeStep(step)}`));
  if (argv.includes("--dry-run")) return 0;

  const problems = preflight();
  if (problems.length) {
    console.error(`\nbootstrap: cannot run here:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    return 1;
  }
  for (const [i, step] of plan.steps.entries()) {
    if (!step.command) {
      console.log(`\n${i + 1}. ${describeStep(step)}\nThe rest is done there.`);
      return 0;
    }
    console.log(`\n${i + 1}. ${step.title}`);
    const [command, ...args] = step.command;
    const result = spawnSync(command, args, { stdio: "inherit", cwd: root });
    if (result.status !== 0) {
      console.error(`bootstrap: step ${i + 1} failed (${step.command.slice(0, 3).join(" ")}); fix it and run again`);
      return 1;
    }
  }
  console.log("\nHanded off: follow the deployment in Pulumi Cloud (Stack → Deployments).");
  return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
