/**
 * `node tools/run-ts.js <entry.ts> [args…]`: runs a TypeScript entry point, transpiling this project's `.ts` files
 * with SWC as Node loads them (the same transform jest uses), and nothing else: node_modules load as plain
 * CommonJS, without a loader hook on every module. That keeps `npm start` near the floor of loading the Pulumi SDKs
 * (tsx's hooks cost about 3.5 s more per run on this 2-core machine). No type-check here: `npm run typecheck` does it.
 */
const { readFileSync } = require("node:fs");
const path = require("node:path");
const { transformSync } = require("@swc/core");

// Node's compile cache (./compile-cache.js) for what a run loads from node_modules: the Pulumi SDKs are most of
// `npm start`. An environment that sets NODE_COMPILE_CACHE (jest's global setup) or NODE_DISABLE_COMPILE_CACHE has
// already chosen. Node 22.1 added the call; the README's first `npm start` may run on an older Node, which goes without.
const { enableCompileCache } = require("node:module");
if (enableCompileCache && !process.env.NODE_COMPILE_CACHE && !process.env.NODE_DISABLE_COMPILE_CACHE) {
  enableCompileCache(require("./compile-cache").compileCacheDir);
}

function compile(module, filename) {
  const { code } = transformSync(readFileSync(filename, "utf8"), {
    filename,
    jsc: { target: "es2022", parser: { syntax: "typescript" } },
    module: { type: "commonjs" },
    sourceMaps: "inline",
  });
  module._compile(code, filename);
}

// `.ts` first, so `./catalogue` means catalogue.ts even beside a catalogue.json (as tsc and tsx resolve it).
const others = Object.entries(require.extensions);
for (const [extension] of others) delete require.extensions[extension];
require.extensions[".ts"] = compile;
for (const [extension, load] of others) require.extensions[extension] = load;

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node tools/run-ts.js <entry.ts> [args…]");
  process.exit(2);
}
// As `node <entry>` would: the entry is the main module (its `require.main === module` holds) and sees its arguments.
process.argv = [process.argv[0], path.resolve(entry), ...args];
require("node:module").runMain();
