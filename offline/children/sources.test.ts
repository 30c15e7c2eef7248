/** The children models track the pinned @pulumi/awsx and @pulumi/eks: a bump without a model update fails here. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generatedSection } from "../../tools/docs/generated";
import { modelDrift, modelSources, type PinnedVersions } from "./sources";

const root = join(__dirname, "..", "..");
const readJson = (...path: string[]) => JSON.parse(readFileSync(join(root, ...path), "utf8"));
const pins = (): PinnedVersions => ({
  packageJson: readJson("package.json"),
  packageLock: readJson("package-lock.json"),
  installed: Object.fromEntries(
    modelSources.map((s) => [s.package, readJson("node_modules", s.package, "package.json").version as string]),
  ),
});

it("models @pulumi/awsx and @pulumi/eks, each with its repository, tag and a full commit id", () => {
  expect(modelSources.map((s) => s.package)).toEqual(["@pulumi/awsx", "@pulumi/eks"]);
  for (const s of modelSources) {
    expect(s.repository).toMatch(/^https:\/\/github\.com\/pulumi\/pulumi-(awsx|eks)$/);
    expect(s.tag).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(s.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(s.readOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  }
});

it("was derived for the versions package.json, package-lock.json and node_modules pin", () => {
  expect(modelDrift(modelSources, pins())).toEqual([]);
});

it("reports a bump of either package in any of the three places", () => {
  const bumped = pins();
  (bumped.packageJson.dependencies as Record<string, string>)["@pulumi/eks"] = "4.4.0";
  bumped.packageLock.packages!["node_modules/@pulumi/awsx"] = { version: "3.10.0" };
  bumped.installed["@pulumi/eks"] = "4.4.0";
  const problems = modelDrift(modelSources, bumped);
  expect(problems).toHaveLength(3);
  expect(problems[0]).toMatch(/^@pulumi\/awsx is 3\.10\.0 in package-lock\.json, but offline\/children models 3\.9\.0/);
  expect(problems[1]).toMatch(/^@pulumi\/eks is 4\.4\.0 in package\.json, but offline\/children models 4\.3\.0/);
  expect(problems[2]).toMatch(/^@pulumi\/eks is 4\.4\.0 in node_modules\/@pulumi\/eks/);
});

it("docs/record.md's table of model sources is this file's (UPDATE_DOCS=1 rewrites it)", () => {
  const rows = modelSources.map(
    (s) =>
      `| \`${s.package}\` ${s.version} | ${s.repository} | ${s.tag} | \`${s.commit.slice(0, 12)}\` | ${s.readOn} | ${s.files.map((f) => `\`${f}\``).join(", ")} | ${s.note ?? ""} |`,
  );
  const body = [
    "| Package | Repository | Tag read | Commit | Read on | Files | Note |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
  const { current, expected } = generatedSection(
    "docs/record.md",
    "model-sources",
    "offline/children/sources.test.ts",
    body,
  );
  expect(current).toEqual(expected);
});
