/**
 * The offline preview: run the program for a stack under Pulumi's mock runtime with the stack's real config,
 * print the report (inventory, policy verdict, deploy readiness, monthly cost, deploy critical path) and write it under
 * out/<stack>/: resources.json (the record), outputs.json, report.json, diagram.mmd / .dot (/ .svg).
 * Returns the process exit code: 0 ok; 1 when the program fails, a mandatory policy fails, a deploy-readiness check
 * finds something blocking (upstream/readiness.ts), or the estimate is over the stack's `monthlyBudgetUsd`.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { policies } from "../../policy/policies";
import { loadCatalogue, type Catalogue } from "../../upstream/catalogue";
import { checkReadiness, formatReadiness } from "../../upstream/readiness";
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
  /** Graphviz command for the SVG (tests point it at a missing binary). Default `dot`. */
  dotCommand?: string;
  log?: (line: string) => void;
  error?: (line: string) => void;
}

export async function preview(stack: string, options: PreviewOptions): Promise<number> {
  const log = options.log ?? console.log;
  const error = options.error ?? console.error;
  const started = Date.now();
  const run = await runStack(stack, options.run);
  if (run.error) {
    error(run.error.message);
    return 1;
  }
  const dir = join(options.outDir, stack);
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

  const readiness = checkReadiness(run.resources, options.catalogue ?? loadCatalogue());
  log(`\n${formatReadiness(readiness)}`);

  const path = criticalPath(run.resources);
  log(`\n${formatCriticalPath(path)}`);

  const graph = componentGraph(run.resources, new Map(cost.byComponent));
  const dot = toDot(stack, graph);
  writeFileSync(join(dir, "diagram.mmd"), toMermaid(stack, graph));
  writeFileSync(join(dir, "diagram.dot"), dot);
  const svg = renderSvg(dot, options.dotCommand);
  const written = ["resources.json", "outputs.json", "report.json", "diagram.mmd", "diagram.dot"];
  if (svg.svg) {
    writeFileSync(join(dir, "diagram.svg"), svg.svg);
    written.push("diagram.svg");
  } else {
    rmSync(join(dir, "diagram.svg"), { force: true }); // never leave a stale picture behind
    log(`\nNote: ${svg.problem}.`);
  }

  writeFileSync(
    join(dir, "report.json"),
    `${JSON.stringify({ stack, verdict: policyVerdict, readiness, cost: { pricesAsOf: PRICES_AS_OF, ...cost }, criticalPath: path, diagram: graph }, null, 2)}\n`,
  );

  const failures = [
    ...(policyVerdict.passed ? [] : [`${policyVerdict.mandatory} mandatory policy violation(s)`]),
    ...(cost.overBudget
      ? [`estimated $${cost.total.toFixed(2)}/month exceeds the budget of $${budget.toFixed(2)}`]
      : []),
    ...(readiness.passed ? [] : [`${readiness.blocking} blocking deploy-readiness finding(s)`]),
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
