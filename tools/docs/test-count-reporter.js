/**
 * A jest reporter that keeps docs/verification.md's test count true: after a run of the whole suite (no path or
 * name filter), the count the page states ("about 1,200 tests", to the nearest hundred) must be the run's; otherwise
 * the run fails with the right figure. `UPDATE_DOCS=1` rewrites it instead. Partial runs are not judged.
 * Plain JavaScript: jest loads reporters without transforming them.
 */
const { readFileSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

const defaultPage = join(__dirname, "..", "..", "docs", "verification.md");
const phrase = /about ([\d,]+) tests/;

/** The count as the page writes it: to the nearest hundred, with a thousands comma. */
const rounded = (count) => (Math.round(count / 100) * 100).toLocaleString("en-US");

class TestCountReporter {
  /** `options.page`: the page to keep true (tests use a copy). */
  constructor(globalConfig, options = {}) {
    this.globalConfig = globalConfig;
    this.page = options.page ?? defaultPage;
    this.error = undefined;
  }

  onRunComplete(_contexts, results) {
    const config = this.globalConfig;
    const filtered =
      config.testNamePattern ||
      config.testPathPatterns?.isSet?.() ||
      config.onlyChanged ||
      config.onlyFailures ||
      config.findRelatedTests ||
      config.lastCommit;
    if (filtered || results.numRuntimeErrorTestSuites > 0) return;
    const page = this.page;
    const text = readFileSync(page, "utf8");
    const stated = phrase.exec(text)?.[1];
    const actual = rounded(results.numTotalTests);
    if (stated === actual) return;
    if (process.env.UPDATE_DOCS && stated) writeFileSync(page, text.replace(phrase, `about ${actual} tests`));
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
