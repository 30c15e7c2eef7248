import { parseStackFile } from "./stack-file";

const file = "Pulumi.dev.yaml";
const read = (text: string) => parseStackFile(text, file);

describe("parseStackFile", () => {
  it("returns the config map of a good file, with nothing to report", () => {
    const result = read("config:\n  aws:region: us-east-1\n  qualisys:cluster:\n    version: '1.35'\n");
    expect(result).toEqual({
      config: { "aws:region": "us-east-1", "qualisys:cluster": { version: "1.35" } },
      errors: [],
      warnings: [],
    });
  });

  it("names the file, line and column of a YAML syntax error instead of throwing", () => {
    const { errors } = read("config:\n  aws:region: us-east-1\n  qualisys:domain: a: b\n");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^Pulumi\.dev\.yaml:3:\d+: Nested mappings are not allowed/);
  });

  it("reports a duplicate key", () => {
    expect(read("config:\n  aws:region: a\n  aws:region: b\n").errors[0]).toMatch(/^Pulumi\.dev\.yaml:3:\d+: .*unique/);
  });

  it.each([
    [".inf", "qualisys:monthlyBudgetUsd: .inf", "qualisys:monthlyBudgetUsd: .inf is not a finite number"],
    ["-.inf", "qualisys:monthlyBudgetUsd: -.inf", "qualisys:monthlyBudgetUsd: -.inf is not a finite number"],
    [".nan in a nested list", "qualisys:x:\n    y: [1, .nan]", "qualisys:x.y[1]: .nan is not a finite number"],
  ])("refuses %s, which the engine would turn into null", (_, line, message) => {
    expect(read(`config:\n  ${line}\n`).errors).toEqual([`${file}: ${message}, which no config value can hold`]);
  });

  it("warns when YAML rewrites an unquoted number (1.30 becomes 1.3), and says to quote it", () => {
    const { errors, warnings, config } = read("config:\n  qualisys:cluster:\n    version: 1.30\n    size: 2.5\n");
    expect(errors).toEqual([]);
    expect(config["qualisys:cluster"]).toEqual({ version: 1.3, size: 2.5 });
    expect(warnings).toEqual([
      `${file}: qualisys:cluster.version: 1.30 is read by YAML as the number 1.3; if it is a version, quote it: "1.30"`,
    ]);
  });

  it("accepts ciphertext under secure: and refuses plain text", () => {
    const cipher = "AAABAHhnTjx3XsFTSoLXmAJ0Ff5ZKx+4DHNj8Y1Nz0fWy7hrqEzE4bc=";
    expect(read(`config:\n  qualisys:slackWebhookUrl:\n    secure: ${cipher}\n`).errors).toEqual([]);
    expect(read("config:\n  qualisys:slackWebhookUrl:\n    secure: v1:abcDEF12:ZmFrZQ==\n").errors).toEqual([]);
    const plain = read("config:\n  qualisys:slackWebhookUrl:\n    secure: https://hooks.slack.com/services/T0/B0/x\n");
    expect(plain.errors).toEqual([
      `${file}: qualisys:slackWebhookUrl: secure: holds plain text, not ciphertext; set it with \`pulumi config set --secret slackWebhookUrl <value>\` (the CLI encrypts it)`,
    ]);
    expect(read("config:\n  qualisys:x:\n    secure: AAAABBBBCCCCDDDDEEEE\n    other: 1\n").errors).toEqual([
      `${file}: qualisys:x: a secure: value must be alone in its map`,
    ]);
  });

  it("refuses a file that is not a map with a config map", () => {
    expect(read("- a\n").errors).toEqual([`${file}: must be a YAML map with a config: key`]);
    expect(read("config: [a]\n").errors).toEqual([`${file}: config: must be a map of keys`]);
    expect(read("").errors).toEqual([]);
  });
});
