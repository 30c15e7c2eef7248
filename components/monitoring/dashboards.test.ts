/** SPEC O1: the four dashboards parse, have unique uids, and every panel has non-empty, valid PromQL. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { dashboards, panelsOf, type Panel } from "./dashboards";

const all = dashboards();
const parsed = all.map((d) => ({ ...d, model: JSON.parse(d.json) as { panels: Panel[]; uid: string } }));

it("ships the cluster overview, application, database and cache dashboards", () => {
  expect(all.map((d) => d.file)).toEqual(["application.json", "cache.json", "cluster-overview.json", "database.json"]);
});

it("every dashboard parses as JSON and has a unique uid of at most 40 characters", () => {
  const uids = parsed.map((d) => d.model.uid);
  expect(new Set(uids).size).toBe(uids.length);
  for (const uid of uids) expect(uid).toMatch(/^[a-z0-9-]{1,40}$/);
});

it.each(parsed.map((d) => [d.file, d] as const))("%s: every panel has at least one non-empty query", (_file, d) => {
  const panels = panelsOf(d.model);
  expect(panels.length).toBeGreaterThan(0);
  for (const panel of panels) {
    const exprs = (panel.targets ?? []).map((t) => t.expr?.trim() ?? "");
    // The panel's title is in the compared value, so a failure names the panel.
    expect({ panel: panel.title, hasQuery: exprs.length > 0 }).toEqual({ panel: panel.title, hasQuery: true });
    expect({ panel: panel.title, empty: exprs.filter((e) => e === "").length }).toEqual({
      panel: panel.title,
      empty: 0,
    });
  }
});

it("every panel query is valid PromQL (promtool parses them as recording rules)", () => {
  // Grafana variables are not PromQL; substitute a regex that matches everything before parsing.
  const rules = parsed.flatMap((d) =>
    panelsOf(d.model).flatMap((p, i) =>
      (p.targets ?? []).map((t, j) => ({
        record: `dashboard:${d.model.uid.replace(/-/g, "_")}:panel${i}_${j}`,
        expr: (t.expr ?? "").replace(/\$namespace/g, ".*"),
      })),
    ),
  );
  const dir = mkdtempSync(join(tmpdir(), "qualisys-dashboards-"));
  try {
    writeFileSync(join(dir, "queries.yaml"), stringify({ groups: [{ name: "dashboards", rules }] }));
    const run = spawnSync("promtool", ["check", "rules", join(dir, "queries.yaml")], { encoding: "utf8" });
    if (run.error) throw new Error(`promtool is not installed (${run.error.message}); apt-get install prometheus`);
    expect(`${run.stdout}${run.stderr}`).toContain(`SUCCESS: ${rules.length} rules found`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
