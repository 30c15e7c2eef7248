/**
 * docs/verification.md's test count is held to whole runs of `npm test`, and only to them: the configurations here
 * are jest's own (jest-config reads jest.config.js with the command line a developer would type).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readConfig } from "jest-config";
import { shippedStacks } from "../../offline/stacks";
import { tempFolders } from "../../tests/temp-folder";
import { projectRoot } from "./generated";

interface Suite {
  roots: string[];
  testMatch: string[];
  testPathIgnorePatterns: string[];
  stackFiles: string[];
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Reporter = require("./test-count-reporter") as {
  new (
    config: object,
    options: { suite: Suite; page: string; stackFiles?: (dir: string) => string[]; update?: boolean },
  ): {
    onRunComplete(contexts: Set<{ config: object }>, results: object): void;
    getLastError(): Error | undefined;
  };
  rounded(count: number): string;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jestConfig = require("../../jest.config.js") as { reporters: unknown[] };
const suite = (jestConfig.reporters.find((r) => Array.isArray(r)) as [string, { suite: Suite }])[1].suite;

const scratch = tempFolders();
const page = () => {
  const file = join(scratch("qualisys-count-"), "verification.md");
  writeFileSync(file, "`npm test` (about 1,200 tests; …)\n");
  return file;
};
const results = (numTotalTests: number, more: object = {}) => ({
  numTotalTests,
  numRuntimeErrorTestSuites: 0,
  numFailedTestSuites: 0,
  wasInterrupted: false,
  ...more,
});

/** The reporter's verdict on a run jest would configure from `argv`, with `count` tests: its error, if any. */
async function verdict(
  argv: Record<string, unknown>,
  count: number,
  more: object = {},
  stackFiles = () => [...suite.stackFiles].sort(),
) {
  const { globalConfig, projectConfig } = await readConfig({ $0: "jest", _: [], ...argv } as never, projectRoot);
  const reporter = new Reporter(globalConfig, { suite, page: page(), stackFiles, update: false });
  reporter.onRunComplete(new Set([{ config: projectConfig }]), results(count, more));
  return reporter.getLastError()?.message;
}

it("rounds a count to the nearest hundred, as the page states it", () => {
  expect([1149, 1150, 1231, 960].map(Reporter.rounded)).toEqual(["1,100", "1,200", "1,200", "1,000"]);
});

it("judges `npm test`'s run (jest.config.js, no arguments): passes a count that rounds to the page's, fails one that does not, naming both", async () => {
  expect(await verdict({}, 1231)).toBeUndefined();
  expect(await verdict({}, 1460)).toMatch(/says "about 1,200 tests"; this run had 1460 \(about 1,500\)/);
});

it("with UPDATE_DOCS, rewrites the page's count to the run's instead of failing", async () => {
  const { globalConfig, projectConfig } = await readConfig({ $0: "jest", _: [] } as never, projectRoot);
  const file = page();
  const stackFiles = () => [...suite.stackFiles].sort();
  const reporter = new Reporter(globalConfig, { suite, page: file, stackFiles, update: true });
  reporter.onRunComplete(new Set([{ config: projectConfig }]), results(1460));
  expect([reporter.getLastError(), readFileSync(file, "utf8")]).toEqual([
    undefined,
    "`npm test` (about 1,500 tests; …)\n",
  ]);
});

it.each([
  ["a path (npx jest one/file)", { _: ["tools/docs/figures.test.ts"] }],
  ["a test name (-t)", { testNamePattern: "rounds" }],
  ["the pack run's ignore patterns (npm run test:pack)", { testPathIgnorePatterns: ["/node_modules/"] }],
  ["another testMatch", { testMatch: ["**/*.pack.test.ts"] }],
  ["other roots", { roots: ["<rootDir>/tools"] }],
  ["a shard", { shard: "1/2" }],
  ["changed files only", { onlyChanged: true }],
])("does not judge a run narrowed by %s", async (_what, argv) => {
  expect(await verdict(argv, 3)).toBeUndefined();
});

it("does not judge a run that stopped early, had a suite that failed to run, or has a personal stack file beside it", async () => {
  expect(await verdict({ bail: 1 }, 3, { numFailedTestSuites: 1 })).toBeUndefined();
  expect(await verdict({}, 3, { wasInterrupted: true })).toBeUndefined();
  expect(await verdict({}, 3, { numRuntimeErrorTestSuites: 1 })).toBeUndefined();
  const withPersonal = () => [...suite.stackFiles, "Pulumi.dev-alice.yaml"].sort();
  expect(await verdict({}, 3, {}, withPersonal)).toBeUndefined();
  // The same run without the personal file is judged, so each case above is what stops the judgement.
  expect(await verdict({ bail: 1 }, 3)).toMatch(/this run had 3/);
});

it("is the suite's reporter; its shipped stack files are the repository's; the page states a count it can check", () => {
  // jest-config resolves <rootDir> in the module it loaded (the object required here), so either form.
  const path = expect.stringMatching(/^(<rootDir>|.+)\/tools\/docs\/test-count-reporter\.js$/);
  expect(jestConfig.reporters).toEqual(["default", [path, { suite }]]);
  expect([...suite.stackFiles].sort()).toEqual(
    [...shippedStacks, "organization"].map((stack) => `Pulumi.${stack}.yaml`).sort(),
  );
  expect(readFileSync(join(projectRoot, "docs", "verification.md"), "utf8")).toMatch(/about [\d,]+ tests/);
});
