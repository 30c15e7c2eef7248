/**
 * `npm start [-- <stack>]`: the offline preview of a stack (default dev): any stack with a Pulumi.<stack>.yaml,
 * personal and review stacks too. No cloud account, no Pulumi CLI.
 * Exit codes: 0 ok, 1 the program or a check failed (e.g. invalid config), 2 bad usage or an unknown stack.
 */
import { join } from "node:path";
import { projectRoot, stackNames, unknownStackMessage } from "../../offline/run";
import { outputProblem, preview } from "./preview";

const args = process.argv.slice(2);
const stack = args[0] ?? "dev";
if (args.length > 1 || stack.startsWith("-")) {
  console.error("usage: npm start [-- <stack>]   (any stack with a Pulumi.<stack>.yaml; default dev)");
  process.exit(2);
}
if (!stackNames().includes(stack)) {
  console.error(unknownStackMessage(stack));
  process.exit(2);
}
preview(stack, { outDir: join(projectRoot, "out") }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(outputProblem(error) ?? error);
    process.exit(1);
  },
);
