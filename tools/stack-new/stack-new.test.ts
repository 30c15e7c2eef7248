/**
 * `npm run stack:new`: the file it writes is a tenant of dev's platform that previews clean (config, program, policy
 * pack, budget, cross-stack check against the shipped stacks), and it refuses the names it must.
 */
import { parseStackFile } from "../../config/stack-file";
import { crossStackFindings, physicalNames, placeOf } from "../../offline/cross-stack";
import { readStackFile, runStack, stackNames } from "../../offline/run";
import { estimateCost } from "../preview/cost";
import { newStackFile, newStackProblems, tenantBudgetUsd } from "./plan";

const dev = readStackFile("dev").config;

describe("a personal stack written for dev-alice", () => {
  const text = newStackFile("dev-alice", "dev", dev);
  const { config, errors } = parseStackFile(text, "Pulumi.dev-alice.yaml");

  it("is a tenant of dev, in dev's account and region, with its own environment tag and no account-wide singletons", () => {
    expect(errors).toEqual([]);
    expect(config).toMatchObject({
      "aws:region": dev["aws:region"],
      "aws:allowedAccountIds": dev["aws:allowedAccountIds"],
      "aws:defaultTags": { tags: { environment: "dev-alice" } },
      "qualisys:platform": { stack: "dev" },
      "qualisys:identity": {
        createGithubOidcProvider: false,
        createPulumiOidcProvider: false,
        manageAccountPasswordPolicy: false,
      },
    });
  });

  it("previews clean: the program runs, its estimate fits its budget, and it collides with no shipped stack", async () => {
    const run = await runStack("dev-alice", { config });
    expect(run.error).toBeUndefined();
    expect(estimateCost(run.resources, tenantBudgetUsd).overBudget).toBe(false);
    const place = placeOf("dev-alice", undefined, config)!;
    const claims = [
      ...physicalNames(run, place),
      ...(await Promise.all(["dev", "staging"].map(async (s) => physicalNames(await runStack(s), placeOf(s)!)))).flat(),
    ];
    expect(crossStackFindings(claims, [place, placeOf("dev")!, placeOf("staging")!])).toEqual([]);
    expect(run.outputs).toMatchObject({ platformStack: "qualisys/qualisys/dev", namespace: "dev-alice" });
  });
});

it("refuses a name the host does not declare, an existing file, a name no namespace can carry, a hosted host", () => {
  const existing = stackNames();
  expect(newStackProblems({ stack: "qa", host: "dev", hostConfig: dev, existing })).toEqual([
    expect.stringMatching(/^dev does not declare qa as a tenant .*add it to Pulumi\.dev\.yaml$/),
  ]);
  expect(newStackProblems({ stack: "staging", host: "dev", hostConfig: dev, existing })).toEqual([
    "Pulumi.staging.yaml already exists",
  ]);
  expect(newStackProblems({ stack: "dev-Alice", host: "dev", hostConfig: dev, existing })).toEqual([
    expect.stringMatching(/^dev-Alice: the stack name dev-Alice names its namespaces .* lowercase/),
  ]);
  expect(
    newStackProblems({ stack: "review-1", host: "staging", hostConfig: readStackFile("staging").config, existing }),
  ).toEqual(expect.arrayContaining([expect.stringMatching(/staging runs on another stack's platform itself/)]));
  expect(newStackProblems({ stack: "review-1", host: "dev", hostConfig: dev, existing })).toEqual([]);
});
