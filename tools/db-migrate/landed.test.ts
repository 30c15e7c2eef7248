/**
 * Drift before merge: the repository's tenant migrations against their landed checksums (the check npm test makes
 * on every change), the rules on made-up records, and the base-branch comparison pr-checks runs.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { readTenantMigrations, tenantMigrations } from "../../components/database/bootstrap/migrations";
import { projectRoot } from "../../offline/run";
import {
  appendOnlyProblems,
  formatLanded,
  landedFile,
  landedProblems,
  parseLanded,
  readLanded,
  readWithdrawn,
  recordNew,
} from "./landed";

describe("the repository's tenant migrations", () => {
  it("match their landed checksums: none edited, none deleted, every one recorded", () => {
    const files = readTenantMigrations();
    expect(files.length).toBeGreaterThan(0);
    expect(landedProblems(readLanded(), files, readWithdrawn())).toEqual([]);
  });

  it("are recorded with the sha256 of each file's bytes", () => {
    const landed = readLanded();
    expect(landed.length).toBeGreaterThan(0);
    for (const { name, checksum } of landed) {
      const bytes = readFileSync(join(projectRoot, "components/database/bootstrap/tenant-migrations", name));
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(checksum);
    }
  });

  // GNU coreutils' sha256sum (Linux, CI); macOS ships shasum instead.
  const withSha256sum = spawnSync("sha256sum", ["--version"]).status === 0 ? it : it.skip;
  withSha256sum("are a file sha256sum --check --strict accepts", () => {
    const landed = readLanded();
    const check = spawnSync("sha256sum", ["--check", "--strict", landedFile], {
      cwd: join(projectRoot, "components/database/bootstrap/tenant-migrations"),
      encoding: "utf8",
    });
    expect(check.stdout.trim().split("\n")).toEqual(landed.map((l) => `${l.name}: OK`));
    expect(check.status).toBe(0);
  });
});

describe("landedProblems", () => {
  const files = tenantMigrations({
    "0001_a.sql": "CREATE TABLE a (id int);",
    "0002_b.sql": "ALTER TABLE a ADD b int;",
  });
  const landed = files.map(({ name, checksum }) => ({ name, checksum }));

  it("fails an edited landed migration, naming it and saying to add a new one instead", () => {
    const edited = tenantMigrations({ "0001_a.sql": "CREATE TABLE a (id bigint);", "0002_b.sql": files[1].sql });
    expect(landedProblems(landed, edited)).toEqual([
      expect.stringMatching(
        /^0001_a\.sql was edited after it landed .*restore it \(git checkout origin\/main -- components\/database\/bootstrap\/tenant-migrations\/0001_a\.sql\) and add the change as a new migration, 0003_<what>\.sql\.$/,
      ),
    ]);
  });

  it("fails a deleted landed migration, naming it and saying to add a new one to undo it", () => {
    expect(landedProblems(landed, files.slice(0, 1))).toEqual([
      expect.stringMatching(
        /^0002_b\.sql has landed, but its file is gone\..*add a new migration, 0003_<what>\.sql\.$/,
      ),
    ]);
  });

  it("asks for a new file to be recorded, and refuses one numbered before a landed migration", () => {
    const added = tenantMigrations({ ...Object.fromEntries(files.map((f) => [f.name, f.sql])), "0003_c.sql": "" });
    expect(landedProblems(landed, added)).toEqual([
      expect.stringMatching(
        /^0003_c\.sql is not recorded in .*tenant-migrations\.sha256: run npm run db:migrations:record/,
      ),
    ]);
    const early = tenantMigrations({ "0001_a.sql": files[0].sql, "0002_b.sql": files[1].sql, "0000_z.sql": "" });
    expect(landedProblems(landed, early)).toEqual([
      expect.stringMatching(/^0000_z\.sql is new but numbered before 0002_b\.sql.*Renumber it 0003_<what>\.sql\.$/),
    ]);
  });

  it("accepts a landed migration moved unchanged into withdrawn/, and still fails one edited on the way", () => {
    expect(landedProblems(landed, files.slice(0, 1), files.slice(1))).toEqual([]);
    const edited = tenantMigrations({ "0002_b.sql": "ALTER TABLE a ADD b bigint;" });
    expect(landedProblems(landed, files.slice(0, 1), edited)).toEqual([
      expect.stringMatching(/^0002_b\.sql was edited after it landed/),
    ]);
    expect(landedProblems(landed, files, files.slice(1))).toEqual([
      "0002_b.sql is both a migration and withdrawn: keep it in one place (withdrawn/ once no tenant has it).",
    ]);
  });

  it("recording appends new files only, and refuses while a landed one is edited", () => {
    const added = tenantMigrations({ ...Object.fromEntries(files.map((f) => [f.name, f.sql])), "0003_c.sql": "x" });
    const next = recordNew(landed.slice(0, 1), added);
    expect(next.map((l) => l.name)).toEqual(["0001_a.sql", "0002_b.sql", "0003_c.sql"]);
    expect(next[0]).toBe(landed[0]);
    const edited = tenantMigrations({ "0001_a.sql": "changed", "0002_b.sql": files[1].sql });
    expect(() => recordNew(landed, edited)).toThrow(/0001_a\.sql was edited after it landed/);
  });

  it("reads and writes sha256sum's format, and refuses anything else", () => {
    expect(parseLanded(formatLanded(landed))).toEqual(landed);
    expect(formatLanded(landed)).toBe(`${files[0].checksum}  0001_a.sql\n${files[1].checksum}  0002_b.sql\n`);
    expect(() => parseLanded("abc  0001_a.sql\n")).toThrow('line 1 is not "<sha256>  <file>"');
  });
});

describe("appendOnlyProblems (pr-checks: the record against the base branch's)", () => {
  const base = [
    { name: "0001_a.sql", checksum: "a".repeat(64) },
    { name: "0002_b.sql", checksum: "b".repeat(64) },
  ];

  it("lets a pull request append lines", () => {
    expect(appendOnlyProblems(base, [...base, { name: "0003_c.sql", checksum: "c".repeat(64) }])).toEqual([]);
    expect(appendOnlyProblems([], base)).toEqual([]);
  });

  it("fails a landed line rewritten with its file (which the file check alone lets through), or removed, or moved", () => {
    const rewritten = [base[0], { name: "0002_b.sql", checksum: "d".repeat(64) }];
    expect(appendOnlyProblems(base, rewritten)).toEqual([
      expect.stringMatching(/^0002_b\.sql has landed on the base branch, but this change rewrites its checksum/),
    ]);
    expect(appendOnlyProblems(base, [base[0]])).toEqual([
      "0002_b.sql has landed on the base branch, but this change removes it from the record",
    ]);
    expect(appendOnlyProblems(base, [base[1], base[0]])).toEqual([
      "0001_a.sql has landed on the base branch, but this change moves its line: only append to the record",
      "0002_b.sql has landed on the base branch, but this change moves its line: only append to the record",
    ]);
  });

  describe("npm run db:migrations:check -- --base, as pr-checks runs it", () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "qualisys-landed-"));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const check = (baseText: string) => {
      writeFileSync(join(dir, "base.sha256"), baseText);
      return spawnSync(
        process.execPath,
        [
          join(projectRoot, "tools/run-ts.js"),
          "tools/db-migrate/landed-cli.ts",
          "check",
          "--base",
          join(dir, "base.sha256"),
        ],
        { cwd: projectRoot, encoding: "utf8" },
      );
    };

    it("passes against a base with the same record, and fails against a base whose landed line differs", () => {
      const same = check(readFileSync(landedFile, "utf8"));
      expect(same.stdout).toMatch(/^\d+ landed tenant migrations unchanged$/m);
      expect(same.status).toBe(0);
      const first = readLanded()[0];
      const other = check(formatLanded([{ name: first.name, checksum: "0".repeat(64) }]));
      expect(other.stderr).toContain(
        `${first.name} has landed on the base branch, but this change rewrites its checksum`,
      );
      expect(other.status).toBe(1);
    });

    it("is what the pr-checks workflow runs, against the merge commit's first parent", () => {
      const workflow = parse(readFileSync(join(projectRoot, ".github/workflows/pr-checks.yml"), "utf8"));
      const steps = workflow.jobs.checks.steps as { run?: string; with?: Record<string, unknown> }[];
      const run = steps.map((s) => s.run ?? "").find((r) => r.includes("db:migrations:check"));
      expect(run).toMatch(/npm run --silent db:migrations:check -- --base "\$RUNNER_TEMP\/landed-base\.sha256"/);
      expect(run).toContain('git show "HEAD^1:$record"');
      expect(run).toContain(`record=${landedFile.slice(projectRoot.length + 1)}`);
      expect(steps[0].with?.["fetch-depth"]).toBe(2);
      expect(JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")).scripts["db:migrations:check"]).toBe(
        "node tools/run-ts.js tools/db-migrate/landed-cli.ts check",
      );
    });
  });
});
