/**
 * The offline preview: run the program for a stack under Pulumi's mock runtime with the stack's real config,
 * print the report (inventory, policy verdict, deploy readiness, monthly cost, deploy critical path) and write it under
 * out/<stack>/: resources.json (the record), outputs.json, report.json, diagram.mmd / .dot / .svg. The folder is
 * emptied first, so a failed run leaves no stale report behind.
 * Returns the process exit code: 0 ok; 1 when the program fails, a mandatory policy fails, a deploy-readiness check
 * finds something blocking (upstream/readiness.ts), two stacks sharing an account, region or cluster claim the same
 * physical name (offline/cross-stack.ts), or the estimate is over the stack's `monthlyBudgetUsd`.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { policies } from "../../policy/policies";
import { loadCatalogue, type Catalogue } from "../../upstream/catalogue";
import { checkReadiness, formatReadiness } from "../../upstream/readiness";
import { checkCrossStack, formatCrossStack } from "../../offline/cross-stack";
import { readStackFile, runStack, type RunOptions } from "../../offline/run";
import { estimateCost, formatCost } from "./cost";
import { criticalPath, formatCriticalPath } from "./critical-path";
import { componentGraph, renderSvg, toDot, toMermaid } from "./diagram";
import { formatInventory, inventory } from "./inventory";
import { PRICES_AS_OF } from "./prices";
import { formatVerdict, packRunner, verdict, type PolicyRunner } from "./verdict";

export interface PreviewOptions {
  /** Where out/<stack>/ goes. */
  outDir: string;
  /** Passed to the harness (tests use it to feed a broken config). */
  run?: RunOptions;
  /** The policy engine. Default: the whole pack through its in-process runner (policy/runner.ts). */
  policyRunner?: PolicyRunner;
  /** Number of policies the runner checks, for the report (default: the length of policy/policies.ts). */
  policyCount?: number;
  /** The upstream catalogue the readiness checks use. Default: the checked-in upstream/catalogue.json. */
  catalogue?: Catalogue;
  log?: (line: string) => void;
  error?: (line: string) => void;
}

export async function preview(stack: string, options: PreviewOptions): Promise<number> {
  const log = options.log ?? console.log;
  const error = options.error ?? console.error;
  const started = Date.now();
  const dir = join(options.outDir, stack);
  // A failed run must not leave the previous run's report (and its `passed: true`) behind.
  rmSync(dir, { recursive: true, force: true });
  const run = await runStack(stack, options.run);
  for (const warning of run.warnings ?? []) error(`Warning: ${warning}`);
  if (run.error) {
    error(run.error.message);
    return 1;
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "resources.json"), `${JSON.stringify(run.resources, null, 2)}\n`);
  writeFileSync(
    join(dir, "outputs.json"),
    `${JSON.stringify({ outputs: run.outputs, secretOutputs: run.secretOutputs }, null, 2)}\n`,
  );
  const ran = Date.now();
  log(formatInventory(stack, inventory(run.resources)));

  const runner = options.policyRunner ?? packRunner();
  const policyVerdict = await verdict(run.resources, runner);
  log(`\n${formatVerdict(policyVerdict, options.policyCount ?? (options.policyRunner ? undefined : policies.length))}`);

  const config = options.run?.config ?? readStackFile(stack).config;
  const budget = Number(config["qualisys:monthlyBudgetUsd"]);
  let cost;
  try {
    cost = estimateCost(run.resources, budget);
  } catch (e) {
    error(`Cost estimate failed: ${(e as Error).message}`);
    return 1;
  }
  log(`\n${formatCost(stack, cost)}`);

  const readiness = checkReadiness(run.resources, options.catalogue ?? loadCatalogue(), run.host?.resources);
  log(`\n${formatReadiness(readiness)}`);

  // Stacks that share this one's account and region, or its cluster, must not claim the same names (SPEC H3).
  const crossStack = await checkCrossStack(stack, run, { config: options.run?.config });
  log(`\n${formatCrossStack(stack, crossStack)}`);

  const path = criticalPath(run.resources);
  log(`\n${formatCriticalPath(path)}`);

  const graph = componentGraph(run.resources, new Map(cost.byComponent));
  const dot = toDot(stack, graph);
  writeFileSync(join(dir, "diagram.mmd"), toMermaid(stack, graph));
  writeFileSync(join(dir, "diagram.dot"), dot);
  const svg = await renderSvg(dot);
  const written = ["resources.json", "outputs.json", "report.json", "diagram.mmd", "diagram.dot"];
  if (svg.svg) {
    writeFileSync(join(dir, "diagram.svg"), svg.svg);
    written.push("diagram.svg");
  } else log(`\nNote: ${svg.problem}.`);

  writeFileSync(
    join(dir, "report.json"),
    `${JSON.stringify({ stack, verdict: policyVerdict, readiness, crossStack, cost: { pricesAsOf: PRICES_AS_OF, ...cost }, criticalPath: path, diagram: graph }, null, 2)}\n`,
  );

  const failures = [
    ...(policyVerdict.passed ? [] : [`${policyVerdict.mandatory} mandatory policy violation(s)`]),
    ...(cost.overBudget
      ? [`estimated $${cost.total.toFixed(2)}/month exceeds the budget of $${budget.toFixed(2)}`]
      : []),
    ...(readiness.passed ? [] : [`${readiness.blocking} blocking deploy-readiness finding(s)`]),
    ...(crossStack.passed ? [] : [`${crossStack.blocking} blocking cross-stack finding(s)`]),
  ];
  log(
    `\nWrote out/${stack}/{${written.join(",")}} in ${Date.now() - started} ms (program ${ran - started} ms, report ${Date.now() - ran} ms).`,
  );
  if (failures.length) {
    error(`FAILED: ${failures.join("; ")}.`);
    return 1;
  }
  return 0;
}

/** A file-system error while writing out/: one line naming the path and what to do, not a stack trace. */
export function outputProblem(error: unknown): string | undefined {
  const e = error as NodeJS.ErrnoException;
  const causes: Record<string, string> = {
    EACCES: "is not writable",
    EPERM: "is not writable",
    EROFS: "is on a read-only file system",
    ENOTDIR: "has a file where a folder belongs",
    EEXIST: "has a file where a folder belongs",
    EISDIR: "has a folder where a file belongs",
    ENOSPC: "is on a full disk",
  };
  if (!e || typeof e.code !== "string" || !(e.code in causes)) return undefined;
  return `Cannot write the report: ${e.path ?? "out/"} ${causes[e.code]} (${e.code}). Fix or remove out/ and run again.`;
}
