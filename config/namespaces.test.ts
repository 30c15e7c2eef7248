import { readFileSync } from "node:fs";
import { awsProviderKeys, foreignKeyProblems, suggest } from "./namespaces";
import { parseStackConfig } from "./schema";
import { engineConfig, readStackFile } from "../offline/run";

describe("keys outside the project namespace", () => {
  it("lists exactly the installed AWS provider's config keys", () => {
    const declared = readFileSync(require.resolve("@pulumi/aws/config/vars.d.ts"), "utf8");
    const names = [...declared.matchAll(/^export declare const (\w+):/gm)].map((m) => m[1]);
    expect([...awsProviderKeys].sort()).toEqual(names.sort());
  });

  it.each([
    [
      "qualisis:domain",
      'unknown namespace "qualisis" (did you mean qualisys?); this program reads qualisys:, aws:, pulumi:',
    ],
    ["aws:regoin", "is not an AWS provider setting (did you mean region?)"],
    ["aws:defaultTag", "is not an AWS provider setting (did you mean defaultTags?)"],
  ])("%s is an error naming the key, with the likely meant one", (key, message) => {
    const { values, secretKeys } = engineConfig({ ...readStackFile("dev").config, [key]: "x" });
    expect(() => parseStackConfig({ project: "qualisys", stack: "dev", values, secretKeys })).toThrow(
      `  - ${key}: ${message}`,
    );
  });

  it("accepts the provider keys the stacks use, and Pulumi's own namespace", () => {
    expect(foreignKeyProblems("qualisys", "aws:region", "aws", "region")).toEqual([]);
    expect(foreignKeyProblems("qualisys", "pulumi:tags", "pulumi", "tags")).toEqual([]);
  });

  it("suggests only a near name", () => {
    expect(suggest("regoin", ["region", "profile"])).toBe(" (did you mean region?)");
    expect(suggest("colour", ["region", "profile"])).toBe("");
  });
});
