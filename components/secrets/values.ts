/** What goes into the composed secrets, and when role passwords are due (SPEC S1, D4). Pure. */
import type { AppSecret } from "../naming";

/** App secrets whose values come from outside: created empty, filled out of band, never written by Pulumi. */
export const outsideSecrets = [
  "openai-api-key",
  "anthropic-api-key",
  "google-oauth-client",
  "email-api-key",
  "slack-webhook",
] as const satisfies readonly AppSecret[];

/** What each app secret holds, for its description. */
export const appSecretDescriptions: Record<AppSecret, string> = {
  "database-url": "PostgreSQL URL of app_user on qualisys_master (TLS required); written by Pulumi",
  "redis-url": "rediss:// URL of the cache's configuration endpoint with the auth token; written by Pulumi",
  "jwt-signing-key": "JWT signing key, generated; written by Pulumi",
  "openai-api-key": "OpenAI API key; set out of band, never written by Pulumi",
  "anthropic-api-key": "Anthropic API key; set out of band, never written by Pulumi",
  "google-oauth-client": 'Google OAuth client, {"clientId","clientSecret"}; set out of band, never written by Pulumi',
  "email-api-key": "E-mail service API key; set out of band, never written by Pulumi",
  "slack-webhook": "Slack incoming-webhook URL for the application; set out of band, never written by Pulumi",
};

/** A PostgreSQL URL; TLS is required by the server (rds.force_ssl), so the client must ask for it. */
export function postgresUrl(user: string, password: string, host: string, port: number, database: string): string {
  return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${database}?sslmode=require`;
}

/** The days between two ISO dates (`rotatedOn` → `today`). */
export function daysSince(rotatedOn: string, today: Date): number {
  const then = Date.parse(`${rotatedOn}T00:00:00Z`);
  if (Number.isNaN(then)) throw new Error(`not a date: ${rotatedOn}`);
  return Math.floor((today.getTime() - then) / 86_400_000);
}

/** SPEC D4: database passwords rotate every 90 days. */
export const rotationPeriodDays = 90;

/** A warning when the generated role passwords are older than the rotation period; undefined while they are not. */
export function rotationWarning(rotatedOn: string, today: Date): string | undefined {
  const age = daysSince(rotatedOn, today);
  if (age <= rotationPeriodDays) return undefined;
  return (
    `database.rolePasswordsRotatedOn is ${rotatedOn} (${age} days ago, more than ${rotationPeriodDays}): set it to ` +
    `today's date to rotate the app_user and monitor passwords (see docs/data-tier.md, "Password rotation")`
  );
}
