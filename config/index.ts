/**
 * The one module that reads `pulumi.Config`. It hands the raw values to the pure validator in ./schema and
 * returns a typed, defaulted configuration; components receive slices of it and never read config themselves.
 * It must run before any resource is declared, so a bad config stops the program with nothing registered.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  isOrganizationStackFile,
  parseOrganizationConfig,
  type OrganizationConfig,
  type RepositoryStackFile,
} from "./organization";
import { parseStackConfig, secretKeys, type SecretKey, type StackConfig } from "./schema";
import { engineConfig, parseStackFile, stackNames } from "./stack-file";

export {
  ConfigError,
  type AlertingSettings,
  type BudgetSettings,
  type CacheSettings,
  type ClusterSettings,
  type DatabaseSettings,
  type IdentitySettings,
  type MonitoringSettings,
  type NetworkSettings,
  type OwnPlatform,
  type SharedPlatform,
  type RegistrySettings,
  type StackConfig,
} from "./schema";

export type { ApplicationStack, OrganizationConfig, PolicyPackSource } from "./organization";

export type PlatformConfig = StackConfig & {
  /** Secret config values, as Pulumi secrets (never plain strings). */
  secrets: Partial<Record<SecretKey, pulumi.Output<string>>>;
};

/** The organisation stack's configuration, its secrets as Pulumi secrets. */
export type OrganizationStackConfig = OrganizationConfig & {
  secrets: { slackWebhookUrl?: pulumi.Output<string> };
};

/** Either kind of stack file: an environment, or the organisation (`qualisys:organization`). */
export type LoadedConfig = PlatformConfig | OrganizationStackConfig;

/** The repository the program runs from: its stack files and the policy pack sit at its root. */
const repositoryRoot = join(__dirname, "..");

/** Every application stack file of the repository, as the engine would pass its values (secrets as stand-ins). */
export function readRepositoryStackFiles(root = repositoryRoot): RepositoryStackFile[] {
  return stackNames(root).flatMap((stack) => {
    const file = `Pulumi.${stack}.yaml`;
    const { config, errors } = parseStackFile(readFileSync(join(root, file), "utf8"), file);
    if (isOrganizationStackFile(config)) return [];
    return [{ stack, ...engineConfig(config), errors }];
  });
}

/** Whether the runtime holds a config key as a secret (exported by the SDK at runtime, though not typed). */
const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret: (key: string) => boolean }).isConfigSecret;

/**
 * The stack's configuration, of either kind: what index.ts reads first, then declares the organisation's or the
 * environment's components.
 */
export function loadStackConfig(): LoadedConfig {
  const project = pulumi.getProject();
  const values = pulumi.runtime.allConfig();
  const raw = { project, stack: pulumi.getStack(), values, secretKeys: Object.keys(values).filter(isConfigSecret) };
  const config = new pulumi.Config(project);
  if (isOrganizationStackFile(values, project)) {
    const organization = parseOrganizationConfig(raw, {
      files: readRepositoryStackFiles(),
      policyPack: {
        directory: "policy",
        versionTag: (
          JSON.parse(readFileSync(join(repositoryRoot, "policy", "package.json"), "utf8")) as { version: string }
        ).version,
      },
      today: new Date().toISOString().slice(0, 10),
    });
    return {
      ...organization,
      secrets: organization.secretsSet.includes("slackWebhookUrl")
        ? { slackWebhookUrl: config.requireSecret("slackWebhookUrl") }
        : {},
    };
  }
  const parsed = parseStackConfig(raw);
  const secrets: PlatformConfig["secrets"] = {};
  for (const key of secretKeys) {
    if (parsed.secretsSet.includes(key)) secrets[key] = config.requireSecret(key);
  }
  return { ...parsed, secrets };
}

/** The configuration of an application stack (an environment); the organisation kind is refused. */
export function loadConfig(): PlatformConfig {
  const config = loadStackConfig();
  if (config.kind === "organization")
    throw new Error(
      `stack ${config.stack} is the organisation stack (qualisys:organization), not an environment: it declares no platform`,
    );
  return config;
}
