/** The organisation stack's configuration: its own keys, and the application stack files it is checked against. */
import { engineConfig, readStackFile } from "../offline/run";
import { shippedStacks } from "../offline/stacks";
import { ConfigError } from "./schema";
import { parseOrganizationConfig, type RepositoryStackFile } from "./organization";

const policyPack = { directory: "policy", versionTag: "0.1.0" };
const today = "2026-12-06";
const file = (stack: string, config = readStackFile(stack).config): RepositoryStackFile => ({
  stack,
  ...engineConfig(config),
  errors: [],
});
// The shipped application stack files (a personal stack file beside them would add its own rows and problems).
const repository = () => shippedStacks.map((s) => file(s));
const raw = (config = readStackFile("organization").config, secrets: Record<string, string> = {}) => ({
  project: "qualisys",
  stack: "organization",
  ...engineConfig(config, secrets),
});
const problems = (run: () => unknown): string[] => {
  try {
    run();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.key}: ${p.message}`);
    throw e;
  }
  return [];
};

it("reads the shipped organisation stack file against the repository's application stacks", () => {
  const config = parseOrganizationConfig(raw(), { files: repository(), policyPack, today });
  expect(config).toMatchObject({ kind: "organization", name: "qualisys", githubRepository: "qualisys/platform" });
  expect(config.stacks.map((s) => [s.stack, s.accountId, s.host ?? "own platform", s.lifetime.kind])).toEqual([
    ["dev", "123456789012", "own platform", "long-lived"],
    ["staging", "123456789012", "dev", "long-lived"],
    ["prod", "210987654321", "own platform", "long-lived"],
  ]);
  expect(config.secretsSet).toEqual([]);
});

it("reports every problem at once, each under the key to edit, and a broken application stack file by its name", () => {
  const base = readStackFile("organization").config;
  const organization = base["qualisys:organization"] as Record<string, unknown>;
  const broken = {
    ...base,
    "qualisys:organization": {
      ...organization,
      name: "other-org",
      accountRoles: { "123456789012": "arn:aws:iam::999999999999:role/x" },
    },
    "qualisys:slackWebhookUrl": "https://hooks.slack.com/services/T/B/plain",
    "aws:region": "us-east-1",
  };
  const prod = readStackFile("prod").config;
  const files = [
    ...repository().filter((f) => f.stack !== "prod"),
    file("prod", { ...prod, "qualisys:prodParity": true }),
  ];
  expect(problems(() => parseOrganizationConfig(raw(broken), { files, policyPack, today })).sort()).toEqual(
    [
      "aws:region: unknown key for the organisation stack (it takes qualisys:organization, qualisys:monthlyBudgetUsd, qualisys:slackWebhookUrl)",
      "qualisys:slackWebhookUrl: is a secret; set it with `pulumi config set --secret slackWebhookUrl`, not as plain text",
      "Pulumi.prod.yaml: qualisys:prodParity: is for non-production stacks (prod sets its sizes in Pulumi.prod.yaml)",
      "qualisys:organization.name: is other-org, but Pulumi.dev.yaml deploys through qualisys (qualisys:identity.pulumiOrganization)",
      "qualisys:organization.name: is other-org, but Pulumi.staging.yaml deploys through qualisys (qualisys:identity.pulumiOrganization)",
      "qualisys:organization.accountRoles.123456789012: arn:aws:iam::999999999999:role/x is not a role of account 123456789012",
    ].sort(),
  );
});

it("names a misspelt key inside qualisys:organization", () => {
  const base = readStackFile("organization").config;
  const misspelt = { ...base, "qualisys:organization": { ...(base["qualisys:organization"] as object), teamz: {} } };
  expect(problems(() => parseOrganizationConfig(raw(misspelt), { files: repository(), policyPack, today }))).toEqual([
    "qualisys:organization.teamz: unknown key",
  ]);
});

it("needs a way into every platform's account, where the runner reads its pool token", () => {
  const base = readStackFile("organization").config;
  const organization = base["qualisys:organization"] as { accountRoles: Record<string, string> };
  const withoutProd = {
    ...base,
    "qualisys:organization": {
      ...organization,
      accountRoles: { "123456789012": organization.accountRoles["123456789012"] },
    },
  };
  expect(problems(() => parseOrganizationConfig(raw(withoutProd), { files: repository(), policyPack, today }))).toEqual(
    [
      "qualisys:organization.accountRoles: names no role in account 210987654321, where prod's runner reads its pool token",
    ],
  );
});

describe("review stacks (qualisys:expiresOn)", () => {
  const review = (expiresOn: string, extra: Record<string, unknown> = {}) => ({
    ...readStackFile("staging").config,
    "qualisys:environment": "staging",
    "qualisys:expiresOn": expiresOn,
    "aws:defaultTags": { tags: { app: "qualisys", environment: "pr-42", "managed-by": "pulumi" } },
    "qualisys:platform": { stack: "dev" },
    ...extra,
  });

  it("expire on the day their file names, on their platform's pool", () => {
    const config = parseOrganizationConfig(raw(), {
      files: [...repository(), file("pr-42", review("2027-01-31"))],
      policyPack,
      today,
    });
    expect(config.stacks.at(-1)).toMatchObject({
      stack: "pr-42",
      host: "dev",
      lifetime: { kind: "expires", on: "2027-01-31" },
    });
  });

  it("refuse an expiry that has passed, and a host that would expire under its tenants", () => {
    const dev = { ...readStackFile("dev").config, "qualisys:expiresOn": "2027-01-31" };
    const files = [file("dev", dev), ...repository().filter((f) => f.stack !== "dev"), file("pr-42", review(today))];
    expect(problems(() => parseOrganizationConfig(raw(), { files, policyPack, today }))).toEqual([
      "Pulumi.pr-42.yaml: qualisys:expiresOn (2026-12-06) has passed: its TTL schedule has destroyed the stack; remove the stack file, then deploy this stack (it deletes the empty stack)",
      "Pulumi.dev.yaml: qualisys:expiresOn: staging runs on this stack's platform, so it cannot expire",
      "Pulumi.dev.yaml: qualisys:expiresOn: pr-42 runs on this stack's platform, so it cannot expire",
    ]);
  });

  it("never in prod: a production stack file with an expiry is refused by the environment's own rules", () => {
    const prod = { ...readStackFile("prod").config, "qualisys:expiresOn": "2027-01-31" };
    const files = [...repository().filter((f) => f.stack !== "prod"), file("prod", prod)];
    expect(problems(() => parseOrganizationConfig(raw(), { files, policyPack, today }))).toEqual([
      "Pulumi.prod.yaml: qualisys:expiresOn: is for review and personal stacks: prod is never destroyed on a schedule",
    ]);
  });
});
