/**
 * Where Node's module compile cache lives for this project's processes: tools/run-ts.js turns it on there, and jest's
 * global setup points NODE_COMPILE_CACHE at it for every process a test run starts. Beside the other tool caches in
 * node_modules/.cache, reused from run to run (Node checks each entry against its file's contents).
 */
const path = require("node:path");

module.exports = { compileCacheDir: path.join(__dirname, "..", "node_modules", ".cache", "node-compile-cache") };
