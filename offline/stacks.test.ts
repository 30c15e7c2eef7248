/** Which stacks exist (any Pulumi.<stack>.yaml), and what a stack's `environment` decides. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { readStackFile, runStack, shippedStacks, stackNames, stacks, StackFileError, unknownStackMessage } from "./run";
import { tempFolders } from "../tests/temp-folder";

const scratch = tempFolders();

function project(files: Record<string, string>): string {
  const dir = scratch("qualisys-stacks-");
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("the stacks of a project", () => {
  it("are the shipped three first, all of them tested", () => {
    expect(stacks.slice(0, 3)).toEqual([...shippedStacks]);
  });

  it("include any Pulumi.<stack>.yaml (personal, review), but not the Deployments settings files", () => {
    const dir = project({
      "Pulumi.yaml": "name: qualisys\n",
      "Pulumi.dev.yaml": "config: {}\n",
      "Pulumi.prod.yaml": "config: {}\n",
      "Pulumi.dev-alice.yaml": "config: {}\n",
      "Pulumi.pr-42.yaml": "config: {}\n",
      "Pulumi.dev.deploy.yaml": "settings: {}\n",
    });
    expect(stackNames(dir)).toEqual(["dev", "prod", "dev-alice", "pr-42"]);
  });

  it("answer an unknown stack with the stack files there are and the pulumi stack init line", () => {
    const dir = project({ "Pulumi.dev.yaml": "config: {}\n", "Pulumi.staging.yaml": "config: {}\n" });
    expect(unknownStackMessage("dev-bob", dir)).toBe(
      "No stack file Pulumi.dev-bob.yaml. Stack files here: Pulumi.dev.yaml, Pulumi.staging.yaml.\n" +
        "To make a personal or review stack on dev's platform: npm run stack:new -- dev-bob (docs/shared-platform.md).",
    );
    expect(() => readStackFile("dev-bob", dir)).toThrow(StackFileError);
  });

  it("name the file and line of a broken stack file, and runStack reports it rather than throwing", async () => {
    const dir = project({ "Pulumi.dev.yaml": "config:\n  aws:region: us-east-1\n  aws:region: us-east-2\n" });
    expect(() => readStackFile("dev", dir)).toThrow(
      /^Invalid stack file Pulumi\.dev\.yaml, 1 problem; .*\n {2}- Pulumi\.dev\.yaml:3:3: Map keys must be unique$/,
    );
    const run = await runStack("no-such-stack");
    expect(run.error).toBeInstanceOf(StackFileError);
    expect(run.resources).toEqual([]);
  });
});

describe("a stack's environment, not its name, decides the rules (as for pulumi up)", () => {
  const dev = () => structuredClone(readStackFile("dev").config) as Record<string, any>;

  it("a copy of dev under another name runs as dev", async () => {
    const run = await runStack("dev-alice", { config: dev() });
    expect(run.error).toBeUndefined();
    expect(run.resources.some((r) => r.name === "qualisys-dev-alice-db")).toBe(true);
  });

  it("a copy declaring environment prod gets the prod-only rules", async () => {
    const config = { ...dev(), "qualisys:environment": "prod" };
    const run = await runStack("review-7", { config });
    expect(run.error?.message).toMatch(/qualisys:network\.natGateways: must be "onePerAz" in prod/);
    expect(run.error?.message).toMatch(/qualisys:database\.multiAz: must be true in prod/);
    expect(run.resources).toEqual([]);
  });
});
