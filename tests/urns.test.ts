/**
 * No deployed resource is replaced by a refactor: every URN a real stack may already hold (tests/urns/<stack>.txt,
 * the program's URNs before the architecture step, one per line) is either still in the record or named by some
 * resource's aliases, so `pulumi up` moves state instead of deleting and recreating. When a change renames or
 * reparents resources on purpose, it adds aliases; it never edits these lists except to append new URNs once they
 * have shipped. A deliberate deletion is listed, with its reason, in tests/urns/<stack>.retired.txt: exactly those
 * may be missing.
 *
 * tests/urns/<stack>.children.txt lists the children a real preview shows under the awsx and eks components
 * (offline/children). The mock runtime never creates them, but a real stack holds them, and a change to a component's
 * inputs can rename them without changing any URN the program registers (a subnet spec renamed, an AZ dropped, the
 * cluster component renamed without an alias): they are checked the same way, against the modelled record.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseUrn } from "../offline/record";
import { remodel } from "../offline/children";
import { readStackFile, runStack, stacks, type StackRun } from "../offline/run";

const last = (qualifiedType: string) => qualifiedType.split("$").pop();
const lines = (file: string) =>
  existsSync(join(__dirname, "urns", file))
    ? readFileSync(join(__dirname, "urns", file), "utf8")
        .split("\n")
        .filter((line) => line && !line.startsWith("#"))
    : [];
const deployed = (stack: string) => [...lines(`${stack}.txt`), ...lines(`${stack}.children.txt`)];
const retired = (stack: string) => lines(`${stack}.retired.txt`);

describe.each(stacks)("%s: URNs of deployed resources (the program's and its components' children)", (stack) => {
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

it("lists the modelled children of every stack with a platform of its own, and nothing the program registers", async () => {
  const withChildren = stacks.filter((stack) => lines(`${stack}.children.txt`).length > 0);
  expect(withChildren.length).toBeGreaterThan(0);
  for (const stack of withChildren) {
    const run = await runStack(stack);
    const registered = new Set(run.resources.filter((r) => !r.modelled).map((r) => r.urn));
    expect(lines(`${stack}.children.txt`).filter((urn) => registered.has(urn))).toEqual([]);
  }
});

it("fails a renamed child: the database subnets' spec renamed without an alias loses their URNs", async () => {
  const run = await runStack("dev");
  const resources = structuredClone(run.resources);
  const vpc = resources.find((r) => r.type === "awsx:ec2:Vpc")!;
  (vpc.inputs.subnetSpecs as { name: string }[]).find((s) => s.name === "database")!.name = "data";
  const region = String(readStackFile("dev").config["aws:region"]);
  const current = new Set(remodel(resources, region).flatMap((r) => [r.urn, ...r.options.aliases]));
  const lost = lines("dev.children.txt").filter((urn) => !current.has(urn));
  // Each AZ's subnet, its route table and the table's association.
  expect(lost.map((urn) => urn.split("::").pop()).sort()).toEqual([
    "qualisys-dev-vpc-database-1",
    "qualisys-dev-vpc-database-1",
    "qualisys-dev-vpc-database-1",
    "qualisys-dev-vpc-database-2",
    "qualisys-dev-vpc-database-2",
    "qualisys-dev-vpc-database-2",
  ]);
});
