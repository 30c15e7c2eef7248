/**
 * No deployed resource is replaced by a refactor: every URN a real stack may already hold (tests/urns/<stack>.txt,
 * the program's URNs before the architecture step, one per line) is either still in the record or named by some
 * resource's aliases, so `pulumi up` moves state instead of deleting and recreating. When a change renames or
 * reparents resources on purpose, it adds aliases; it never edits these lists except to append new URNs once they
 * have shipped. A deliberate deletion is listed, with its reason, in tests/urns/<stack>.retired.txt: exactly those
 * may be missing.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseUrn } from "../offline/record";
import { runStack, stacks, type StackRun } from "../offline/run";

const last = (qualifiedType: string) => qualifiedType.split("$").pop();
const lines = (file: string) =>
  existsSync(join(__dirname, "urns", file))
    ? readFileSync(join(__dirname, "urns", file), "utf8")
        .split("\n")
        .filter((line) => line && !line.startsWith("#"))
    : [];
const deployed = (stack: string) => lines(`${stack}.txt`);
const retired = (stack: string) => lines(`${stack}.retired.txt`);

describe.each(stacks)("%s: URNs of deployed resources", (stack) => {
  let run: StackRun;
  beforeAll(async () => {
    run = await runStack(stack);
  });

  it("each is still there or is an alias of the resource that replaced it, with the same type and name", () => {
    const current = new Set(run.resources.map((r) => r.urn));
    const aliasedBy = new Map<string, string>();
    for (const resource of run.resources)
      for (const alias of resource.options.aliases) aliasedBy.set(alias, resource.urn);
    const moved = deployed(stack).filter((urn) => !current.has(urn) && !retired(stack).includes(urn));
    expect(moved.filter((urn) => !aliasedBy.has(urn))).toEqual([]);
    const sameResource = (urn: string) => {
      const [before, after] = [parseUrn(urn), parseUrn(aliasedBy.get(urn)!)];
      return before.name === after.name && last(before.qualifiedType) === last(after.qualifiedType);
    };
    expect(moved.filter((urn) => !sameResource(urn))).toEqual([]);
  });

  it("lists as retired only URNs it once deployed and no longer declares or aliases", () => {
    const current = new Set(run.resources.flatMap((r) => [r.urn, ...r.options.aliases]));
    for (const urn of retired(stack))
      expect([urn, deployed(stack).includes(urn), current.has(urn)]).toEqual([urn, true, false]);
  });

  it("no URN is both current and an alias (that would make the engine see two resources as one)", () => {
    const current = new Set(run.resources.map((r) => r.urn));
    const clashes = run.resources.flatMap((r) => r.options.aliases.filter((a) => current.has(a) && a !== r.urn));
    expect(clashes).toEqual([]);
  });
});
