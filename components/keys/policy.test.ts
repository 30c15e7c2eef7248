import { keyDomains, keyPolicy } from "./policy";

const account = { accountId: "111122223333", partition: "aws", region: "eu-west-1" };
const devops = "arn:aws:iam::111122223333:role/qualisys-dev-devops";

describe.each(keyDomains)("the %s key policy", (domain) => {
  const doc = keyPolicy({ account, domain, adminRoleArns: [devops] });

  it("names its principals: never *", () => {
    expect(doc.Statement.length).toBeGreaterThan(0);
    for (const s of doc.Statement) {
      expect(s.Principal).not.toBe("*");
      expect(JSON.stringify(s.Principal)).not.toMatch(/"\*"/);
    }
  });

  it("lets the account and devops administer but not use the key", () => {
    const admin = doc.Statement.find((s) => s.Sid === "KeyAdministration")!;
    expect(admin.Principal).toEqual({ AWS: ["arn:aws:iam::111122223333:root", devops] });
    expect(admin.Action).not.toEqual(expect.arrayContaining(["kms:Decrypt"]));
    expect(admin.Action).not.toContain("kms:*");
  });

  it("allows use only through its service, for this account", () => {
    const uses = doc.Statement.filter(
      (s) =>
        (s.Action as string[]).includes("kms:Decrypt") && s.Principal !== undefined && "AWS" in (s.Principal as object),
    );
    expect(uses).toHaveLength(1);
    expect(uses[0].Condition?.StringEquals?.["kms:CallerAccount"]).toBe("111122223333");
    expect(uses[0].Condition?.StringEquals?.["kms:ViaService"]).toMatch(/^[a-z]+\.eu-west-1\.amazonaws\.com$/);
  });
});

it("lets CloudWatch Logs use the logs key only for this account's log groups", () => {
  const doc = keyPolicy({ account, domain: "logs", adminRoleArns: [] });
  const logs = doc.Statement.find((s) => s.Sid === "CloudWatchLogsOfThisAccount")!;
  expect(logs.Principal).toEqual({ Service: "logs.eu-west-1.amazonaws.com" });
  expect(logs.Condition?.ArnLike).toEqual({
    "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:111122223333:log-group:*",
  });
});

it("lets alarms and budgets publish to encrypted topics of this account only", () => {
  const doc = keyPolicy({ account, domain: "sns", adminRoleArns: [] });
  const publishers = doc.Statement.find((s) => s.Sid === "AlarmAndBudgetPublishers")!;
  expect(publishers.Condition).toEqual({ StringEquals: { "aws:SourceAccount": "111122223333" } });
});
