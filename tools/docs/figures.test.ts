/**
 * Every figure in README.md and docs/*.md is generated, computed or a registered exception (./figures,
 * ./doc-figures): the README's per-stack table is written from the stack files and the records, each claim is
 * rendered from the code and found in its doc, and a number no check covers fails the test.
 * `UPDATE_DOCS=1 npx jest tools/docs` rewrites the generated table and the claims' figures.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { claims, exceptions, loadFacts, stackTable, type Facts } from "./doc-figures";
import { corrected, excepted, numbersIn, pattern, render, uncoveredFigures } from "./figures";
import { generatedSection, projectRoot } from "./generated";
import { policies } from "../../policy/policies";

const docs = ["README.md", ...readdirSync(join(projectRoot, "docs")).map((file) => `docs/${file}`)];
let facts: Facts;
beforeAll(async () => {
  facts = await loadFacts();
});

it("the README's per-stack table is the stack files' and the records' (UPDATE_DOCS=1 rewrites it)", () => {
  const { current, expected } = generatedSection(
    "README.md",
    "stack-table",
    "tools/docs/figures.test.ts",
    stackTable(facts),
  );
  expect(current).toEqual(expected);
});

it("states every registered figure as the code computes it (UPDATE_DOCS=1 rewrites them)", () => {
  const all = claims(facts);
  expect(all.length).toBeGreaterThan(20);
  for (const file of docs) {
    const mine = all.filter((c) => c.file === file);
    const text = readFileSync(join(projectRoot, file), "utf8");
    if (process.env.UPDATE_DOCS) writeFileSync(join(projectRoot, file), corrected(text, mine));
    const doc = readFileSync(join(projectRoot, file), "utf8");
    // The phrase must be there at all (its wording may have changed: then fix the claim), and with these figures.
    for (const claim of mine) {
      expect([file, claim.text, pattern(claim).test(doc)]).toEqual([file, claim.text, true]);
      expect([file, doc.includes(render(claim))]).toEqual([file, true]);
    }
  }
  expect(all.filter((c) => !docs.includes(c.file)).map((c) => c.file)).toEqual([]);
});

it("registers exceptions only for text that is in the docs, each with a reason (and a date, for a measurement)", () => {
  expect(exceptions.length).toBeGreaterThan(0);
  const texts = new Map(docs.map((file) => [file, readFileSync(join(projectRoot, file), "utf8")]));
  for (const e of exceptions) {
    const what = "pattern" in e ? String(e.pattern) : `${e.file}: ${e.text}`;
    const found = [...texts].some(([file, text]) => excepted(e, file, text).some((phrase) => text.includes(phrase)));
    expect([what, found, e.why.length > 10]).toEqual([what, true, true]);
    if (/^measured/.test(e.why)) expect([what, /\b\d{4}-\d{2}-\d{2}\b/.test(e.why)]).toEqual([what, true]);
    // A citation: each number of the text is in the file(s) it cites.
    if ("cites" in e && e.cites) {
      const sources = e.cites.map((file) => readFileSync(join(projectRoot, file), "utf8")).join("\n");
      const missing = numbersIn(e.text).filter((n) => !sources.includes(n));
      expect([what, missing]).toEqual([what, []]);
    }
  }
});

it.each(docs)("%s states no figure that no check covers", (file) => {
  const text = readFileSync(join(projectRoot, file), "utf8");
  const covered = [
    ...claims(facts)
      .filter((c) => c.file === file)
      .map(render),
    ...exceptions.flatMap((e) => excepted(e, file, text)),
  ];
  expect(uncoveredFigures(text, covered)).toEqual([]);
});

it("docs/policy-pack.md's table lists every policy of the pack with its level, and no other", () => {
  const text = readFileSync(join(projectRoot, "docs", "policy-pack.md"), "utf8");
  const table = text.slice(text.indexOf("## Every policy"));
  const rows = [...table.matchAll(/^\| `([a-z0-9-]+)` +\| (mandatory|advisory|disabled) +\|/gm)].map((m) => [
    m[1],
    m[2],
  ]);
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.sort()).toEqual(policies.map((p) => [p.name, p.enforcementLevel]).sort());
});
