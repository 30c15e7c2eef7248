/**
 * A jest reporter that keeps docs/verification.md's test count true: after a run of the whole suite, the count the
 * page states ("about 1,200 tests", to the nearest hundred) must be the run's; otherwise the run fails with the right
 * figure. `UPDATE_DOCS=1` rewrites it instead.
 *
 * Only `npm test`'s own run is judged, never a developer's partial one: a run is whole when no option narrows it
 * (paths, names, changed files, failures only, shards, projects, watch), it ran to the end (no bail after a failure,
 * no interruption, no suite that failed to load), every project finds tests as jest.config.js says (not the pack run,
 * `npm run test:pack`, nor a `--testMatch`, `--testPathIgnorePatterns` or `--roots` given on the command line), and
 * the stack files beside it are the shipped ones (a personal stack file adds the per-stack tests for its stack).
 * Plain JavaScript: jest loads reporters without transforming them.
 */
const { readdirSync, readFileSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

const defaultPage = join(__dirname, "..", "..", "docs", "verification.md");
const phrase = /about ([\d,]+) tests/;

/** The count as the page writes it: to the nearest hundred, with a thousands comma. */
const rounded = (count) => (Math.round(count / 100) * 100).toLocaleString("en-US");

/** The stack files in `dir` (Pulumi.<stack>.yaml), sorted. */
const stackFilesIn = (dir) =>
  readdirSync(dir)
    .filter((name) => /^Pulumi\.[^.]+\.yaml$/.test(name))
    .sort();

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** Why this run is not the whole suite, or undefined when it is. */
function partial(globalConfig, contexts, results, suite, stackFiles) {
  const g = globalConfig;
  if (g.testNamePattern || g.testPathPatterns?.isSet?.()) return "filtered by path or name";
  if (g.onlyChanged || g.changedSince || g.lastCommit || g.findRelatedTests || g.onlyFailures) return "a selection";
  if (g.shard || g.selectProjects?.length || g.watch || g.watchAll) return "a shard, a project or watch mode";
  if (results.wasInterrupted || (g.bail && results.numFailedTestSuites > 0)) return "stopped before the end";
  if (results.numRuntimeErrorTestSuites > 0) return "a suite failed to run";
  const projects = [...(contexts ?? [])].map((c) => c.config);
  if (projects.length === 0) return "no project";
  const asConfigured = (config) =>
    same(config.testMatch, suite.testMatch) &&
    same(config.testRegex ?? [], []) &&
    same(config.testPathIgnorePatterns, suite.testPathIgnorePatterns) &&
    same(
      config.roots,
      suite.roots.map((r) => r.replace("<rootDir>", config.rootDir)),
    );
  if (!projects.every(asConfigured)) return "tests found otherwise than jest.config.js says";
  if (!same(stackFiles(projects[0].rootDir), [...suite.stackFiles].sort())) return "other stack files";
  return undefined;
}

class TestCountReporter {
  /**
   * `options.suite`: what the whole suite is (jest.config.js: testMatch, testPathIgnorePatterns, roots, the shipped
   * stack files). `options.page`: the page to keep true, `options.stackFiles`: how to list a folder's stack files,
   * `options.update`: rewrite the page rather than fail (default: `UPDATE_DOCS` is set). Tests use a copy, a stand-in
   * and no update.
   */
  constructor(globalConfig, options = {}) {
    this.globalConfig = globalConfig;
    this.suite = options.suite;
    this.page = options.page ?? defaultPage;
    this.stackFiles = options.stackFiles ?? stackFilesIn;
    this.update = options.update ?? Boolean(process.env.UPDATE_DOCS);
    this.error = undefined;
  }

  onRunComplete(contexts, results) {
    if (!this.suite || partial(this.globalConfig, contexts, results, this.suite, this.stackFiles)) return;
    const text = readFileSync(this.page, "utf8");
    const stated = phrase.exec(text)?.[1];
    const actual = rounded(results.numTotalTests);
    if (stated === actual) return;
    if (this.update && stated) writeFileSync(this.page, text.replace(phrase, `about ${actual} tests`));
    else
      this.error = new Error(
        `docs/verification.md says "about ${stated ?? "?"} tests"; this run had ${results.numTotalTests} (about ${actual}). ` +
          "Run the whole suite with UPDATE_DOCS=1 to rewrite it.",
      );
  }

  getLastError() {
    return this.error;
  }
}

module.exports = TestCountReporter;
module.exports.rounded = rounded;
