/**
 * Keys outside the project's own namespace. Pulumi hands the program every key of the stack file, and a key in a
 * namespace nobody reads (`qualisis:domain`) or a provider key the provider does not know (`aws:regoin`,
 * `aws:defaultTag`) would otherwise be ignored without a word (SPEC C4: misspelt keys in any namespace are errors).
 */
import type { ConfigProblem } from "./schema";

/**
 * The AWS provider's config keys (@pulumi/aws `config/vars`; config/namespaces.test.ts checks this list against
 * the installed provider, so an upgrade that adds one fails a test rather than a user).
 */
export const awsProviderKeys = [
  "accessKey",
  "allowedAccountIds",
  "assumeRoleWithWebIdentity",
  "assumeRoles",
  "customCaBundle",
  "defaultTags",
  "ec2MetadataServiceEndpoint",
  "ec2MetadataServiceEndpointMode",
  "endpoints",
  "forbiddenAccountIds",
  "httpProxy",
  "httpsProxy",
  "ignoreTags",
  "insecure",
  "maxRetries",
  "noProxy",
  "profile",
  "region",
  "retryMode",
  "s3UsEast1RegionalEndpoint",
  "s3UsePathStyle",
  "secretKey",
  "sharedConfigFiles",
  "sharedCredentialsFiles",
  "skipCredentialsValidation",
  "skipMetadataApiCheck",
  "skipRegionValidation",
  "skipRequestingAccountId",
  "stsRegion",
  "tagPolicyCompliance",
  "token",
  "tokenBucketRateLimiterCapacity",
  "useDualstackEndpoint",
  "useFipsEndpoint",
  "userAgents",
] as const;

/** Namespaces besides the project's that a stack of this program may set: the AWS provider and Pulumi's own. */
const providerNamespaces = ["aws", "pulumi"];

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]++;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/** ` (did you mean x?)` for the nearest known name within two edits, else empty. */
export function suggest(name: string, known: readonly string[]): string {
  const best = known.map((k) => ({ k, d: distance(name.toLowerCase(), k.toLowerCase()) })).sort((a, b) => a.d - b.d)[0];
  return best && best.d <= 2 ? ` (did you mean ${best.k}?)` : "";
}

/** Problems with a key outside the project namespace `project`. */
export function foreignKeyProblems(project: string, fullKey: string, namespace: string, key: string): ConfigProblem[] {
  const namespaces = [project, ...providerNamespaces];
  if (!namespaces.includes(namespace)) {
    return [
      {
        key: fullKey,
        message: `unknown namespace "${namespace}"${suggest(namespace, namespaces)}; this program reads ${namespaces.map((n) => `${n}:`).join(", ")}`,
      },
    ];
  }
  if (namespace === "aws" && !(awsProviderKeys as readonly string[]).includes(key)) {
    return [{ key: fullKey, message: `is not an AWS provider setting${suggest(key, awsProviderKeys)}` }];
  }
  return [];
}
