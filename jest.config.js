/**
 * Tests run transpile-only through SWC (types are checked by `npm run typecheck`), the way pulumi-eks runs its
 * unit tests. Tests sit beside the code they test; whole-program tests live in tests/.
 */
/** What `npm test` runs: the whole suite, whose test count docs/verification.md states (tools/docs). */
const suite = {
  roots: [
    "<rootDir>/core",
    "<rootDir>/offline",
    "<rootDir>/config",
    "<rootDir>/components",
    "<rootDir>/tests",
    "<rootDir>/tools",
    "<rootDir>/upstream",
    "<rootDir>/policy-tests",
  ],
  testMatch: ["**/*.test.ts"],
  // *.pack.test.ts need the npm registry (the policy pack installed alone from its lockfile): `npm run test:pack`,
  // which .ci/run runs after `npm test`, so `npm test` itself works offline as the README says.
  testPathIgnorePatterns: ["/node_modules/", "\\.pack\\.test\\.ts$"],
  // The stack files the repository ships (offline/stacks.ts; tools/docs/test-count-reporter.test.ts holds the list
  // to it): tests run per stack file, so a personal one changes the count.
  stackFiles: ["Pulumi.dev.yaml", "Pulumi.staging.yaml", "Pulumi.prod.yaml", "Pulumi.organization.yaml"],
};

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: suite.roots,
  testMatch: suite.testMatch,
  testPathIgnorePatterns: process.env.QUALISYS_PACK_TESTS ? ["/node_modules/"] : suite.testPathIgnorePatterns,
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" }, module: { type: "commonjs" } }],
    // @marcbachmann/cel-js (the CEL evaluator of the admission-policy tests) ships ES modules only; jest's require
    // loads ESM natively only under --experimental-vm-modules, so SWC compiles it to CommonJS like our own files.
    "/node_modules/@marcbachmann/cel-js/.+\\.js$": [
      "@swc/jest",
      { jsc: { target: "es2022" }, module: { type: "commonjs" } },
    ],
  },
  transformIgnorePatterns: ["/node_modules/(?!@marcbachmann/cel-js/)"],
  modulePathIgnorePatterns: ["<rootDir>/out/"],
  testTimeout: 60000,
  // Jest's default on a 2-core machine is one worker; its own process mostly waits, so two keep both cores busy.
  maxWorkers: 2,
  // Each stack's record is made once per run and shared by every test file (offline/run.ts runStack).
  globalSetup: "<rootDir>/tests/global-setup.ts",
  globalTeardown: "<rootDir>/tests/global-teardown.ts",
  // The default output, and docs/verification.md's test count held to a whole run's (tools/docs).
  reporters: ["default", ["<rootDir>/tools/docs/test-count-reporter.js", { suite }]],
};
