import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { mergeValues, readValues } from "./values";
import { tempFolders } from "../../tests/temp-folder";

describe("mergeValues", () => {
  it.each([
    [{ a: { b: 1, c: 2 } }, { a: { c: 3 } }, { a: { b: 1, c: 3 } }],
    [{ a: [1, 2] }, { a: [3] }, { a: [3] }],
    [{ a: { b: 1 } }, { a: "x" }, { a: "x" }],
    [{ a: 1 }, { b: { c: 2 } }, { a: 1, b: { c: 2 } }],
    [{ a: { b: 1 } }, { a: null }, { a: null }],
    [{ a: { b: 1 } }, { a: undefined }, { a: { b: 1 } }],
  ])("%j + %j = %j", (base, overlay, expected) => {
    expect(mergeValues(base, overlay)).toEqual(expected);
  });

  it("leaves its inputs untouched", () => {
    const base = { a: { b: 1 } };
    const overlay = { a: { b: 2 } };
    mergeValues(base, overlay);
    expect(base).toEqual({ a: { b: 1 } });
    expect(overlay).toEqual({ a: { b: 2 } });
  });
});

describe("readValues", () => {
  const scratch = tempFolders();

  it("parses a values file, and an empty one as no values", () => {
    const dir = scratch("values-");
    writeFileSync(join(dir, "chart.yaml"), "replicas: 2\nimage:\n  tag: v1\n");
    writeFileSync(join(dir, "empty.yaml"), "# nothing\n");
    expect(readValues(dir, "chart.yaml")).toEqual({ replicas: 2, image: { tag: "v1" } });
    expect(readValues(dir, "empty.yaml")).toEqual({});
  });
});
