/**
 * Encoding a stack file's config the way the Pulumi CLI hands it to a program: every value a string (YAML
 * scalars as they are, maps and lists JSON-encoded), `secure:` values as secrets. The CLI would decrypt those;
 * offline they get stand-ins, so a secret's value is never needed here.
 */

/** Placeholder values for secret keys the stack file holds encrypted (`secure:`), which only the CLI can decrypt. */
const secretPlaceholders: Record<string, string> = {
  "qualisys:slackWebhookUrl": "https://hooks.slack.com/services/T00000000/B00000000/offline-preview-placeholder",
};

/**
 * Turns a stack file's YAML values into what the CLI hands the program: strings as they are, everything else
 * JSON-encoded; `secure:` values become secrets.
 */
export function engineConfig(config: Record<string, unknown>, secrets: Record<string, string> = {}) {
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const isSecure = typeof value === "object" && value !== null && "secure" in value;
    if (isSecure) {
      values[key] = secretPlaceholders[key] ?? `offline-preview-secret-for-${key}`;
      secretKeys.push(key);
    } else values[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  for (const [key, value] of Object.entries(secrets)) {
    values[key] = value;
    if (!secretKeys.includes(key)) secretKeys.push(key);
  }
  return { values, secretKeys };
}
