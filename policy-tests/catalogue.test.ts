import { actionsOf, expandActions, isKnownAction } from "../policy/lib/catalogue";

describe("wildcard expansion over AWS's catalogue", () => {
  it("matches action names case-insensitively, with * for any run and ? for one character", async () => {
    const gets = await expandActions("s3:GetObject*");
    expect(gets).toEqual(expect.arrayContaining(["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging"]));
    expect(gets.every((a) => /^s3:getobject/i.test(a))).toBe(true);
    expect(await expandActions("IAM:passrole")).toEqual(["iam:PassRole"]);
    expect(await expandActions("sts:AssumeRol?")).toEqual(["sts:AssumeRole"]);
  });

  it("finds nothing for a typo, a retired action or an unknown service", async () => {
    expect(await expandActions("s3:GetObjekt")).toEqual([]);
    expect(await expandActions("nosuchservice:Get*")).toEqual([]);
    expect(await isKnownAction("ec2:DescribeInstancez")).toBe(false);
    expect(await isKnownAction("ec2:DescribeInstances")).toBe(true);
  });

  it("treats regular-expression characters in a pattern literally", async () => {
    expect(await expandActions("s3:Get.*")).toEqual([]);
    expect(
      (await actionsOf("s3:List*")).every((f) => f.accessLevels.includes("List") || f.accessLevels.includes("Read")),
    ).toBe(true);
  });
});
