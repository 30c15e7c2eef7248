/** docs/verification.md's test count is held to whole runs, and only to them. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempFolders } from "../../tests/temp-folder";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Reporter = require("./test-count-reporter") as {
  new (
    config: object,
    options: { page: string },
  ): {
    onRunComplete(contexts: unknown, results: object): void;
    getLastError(): Error | undefined;
  };
  rounded(count: number): string;
};

const scratch = tempFolders();
const page = () => {
  const file = join(scratch("qualisys-count-"), "verification.md");
  writeFileSync(file, "`npm test` (about 1,200 tests; …)\n");
  return file;
};
const whole = { testPathPatterns: { isSet: () => false } };
const results = (numTotalTests: number) => ({ numTotalTests, numRuntimeErrorTestSuites: 0 });

it("rounds a count to the nearest hundred, as the page states it", () => {
  expect([1149, 1150, 1231, 960].map(Reporter.rounded)).toEqual(["1,100", "1,200", "1,200", "1,000"]);
});

it("passes a whole run whose count rounds to the page's, and fails one that does not, naming both", () => {
  const file = page();
  const right = new Reporter(whole, { page: file });
  right.onRunComplete([], results(1231));
  expect(right.getLastError()).toBeUndefined();
  const wrong = new Reporter(whole, { page: file });
  wrong.onRunComplete([], results(1460));
  expect(wrong.getLastError()?.message).toMatch(/says "about 1,200 tests"; this run had 1460 \(about 1,500\)/);
});

it("does not judge a run filtered by path or name", () => {
  for (const config of [{ testPathPatterns: { isSet: () => true } }, { ...whole, testNamePattern: "x" }]) {
    const reporter = new Reporter(config, { page: page() });
    reporter.onRunComplete([], results(3));
    expect(reporter.getLastError()).toBeUndefined();
  }
});

it("is the suite's reporter, and the page states a count it can check", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const config = require("../../jest.config.js") as { reporters: string[] };
  expect(config.reporters).toContain("<rootDir>/tools/docs/test-count-reporter.js");
  expect(readFileSync(join(__dirname, "..", "..", "docs", "verification.md"), "utf8")).toMatch(/about [\d,]+ tests/);
});
