import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { tempFolders } from "../tests/temp-folder";

const runner = join(__dirname, "run-ts.js");

describe("tools/run-ts.js", () => {
  const scratch = tempFolders();

  it("runs a TypeScript entry with its arguments, preferring x.ts over a sibling x.json", () => {
    const dir = scratch("run-ts-");
    writeFileSync(join(dir, "facts.json"), JSON.stringify({ from: "json" }));
    writeFileSync(join(dir, "facts.ts"), 'export const from: string = "ts";\n');
    writeFileSync(
      join(dir, "main.ts"),
      'import { from } from "./facts";\nconst args: string[] = process.argv.slice(2);\nconsole.log(JSON.stringify({ from, args }));\n',
    );
    const out = execFileSync(process.execPath, [runner, join(dir, "main.ts"), "prod", "--x"], { encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({ from: "ts", args: ["prod", "--x"] });
  });

  it("keeps Node's compile cache in node_modules/.cache unless the environment chose (set or disabled)", () => {
    const dir = scratch("run-ts-");
    writeFileSync(join(dir, "cache.ts"), 'console.log(String(require("node:module").getCompileCacheDir()));\n');
    const env = { ...process.env };
    delete env.NODE_COMPILE_CACHE;
    delete env.NODE_DISABLE_COMPILE_CACHE;
    const cacheDir = (extra: NodeJS.ProcessEnv) =>
      execFileSync(process.execPath, [runner, join(dir, "cache.ts")], {
        encoding: "utf8",
        env: { ...env, ...extra },
      }).trim();
    // Node keeps each cache in a subfolder named for its version.
    expect(dirname(cacheDir({}))).toBe(join(__dirname, "..", "node_modules", ".cache", "node-compile-cache"));
    expect(dirname(cacheDir({ NODE_COMPILE_CACHE: join(dir, "chosen") }))).toBe(join(dir, "chosen"));
    expect(cacheDir({ NODE_DISABLE_COMPILE_CACHE: "1" })).toBe("undefined");
  });

  it("keeps the entry's exit code and refuses to run without an entry", () => {
    const dir = scratch("run-ts-");
    writeFileSync(join(dir, "fail.ts"), "process.exitCode = 3;\n");
    expect(spawnSync(process.execPath, [runner, join(dir, "fail.ts")]).status).toBe(3);
    const bare = spawnSync(process.execPath, [runner], { encoding: "utf8" });
    expect([bare.status, bare.stderr]).toEqual([2, expect.stringContaining("usage: node tools/run-ts.js")]);
  });
});
