/**
 * The one module that reads `pulumi.Config`. It hands the raw values to the pure validator in ./schema and
 * returns a typed, defaulted configuration; components receive slices of it and never read config themselves.
 * It must run before any resource is declared, so a bad config stops the program with nothing registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, secretKeys, type SecretKey, type StackConfig } from "./schema";

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

export type PlatformConfig = StackConfig & {
  /** Secret config values, as Pulumi secrets (never plain strings). */
  secrets: Partial<Record<SecretKey, pulumi.Output<string>>>;
};

/** Whether the runtime holds a config key as a secret (exported by the SDK at runtime, though not typed). */
const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret: (key: string) => boolean }).isConfigSecret;

export function loadConfig(): PlatformConfig {
  const project = pulumi.getProject();
  const values = pulumi.runtime.allConfig();
  const parsed = parseStackConfig({
    project,
    stack: pulumi.getStack(),
    values,
    secretKeys: Object.keys(values).filter(isConfigSecret),
  });
  const config = new pulumi.Config(project);
  const secrets: PlatformConfig["secrets"] = {};
  for (const key of secretKeys) {
    if (parsed.secretsSet.includes(key)) secrets[key] = config.requireSecret(key);
  }
  return { ...parsed, secrets };
}
