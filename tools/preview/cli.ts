/**
 * `npm start [-- <stack>]`: the offline preview of a stack (default dev). No cloud account, no Pulumi CLI.
 * Exit codes: 0 ok, 1 the program or a check failed (e.g. invalid config), 2 bad usage.
 */
import { join } from "node:path";
import { projectRoot, stacks } from "../../offline/run";
import { preview } from "./preview";

const args = process.argv.slice(2);
const stack = args[0] ?? "dev";
if (args.length > 1 || !(stacks as readonly string[]).includes(stack)) {
  console.error(`usage: npm start [-- <stack>]   (stack: ${stacks.join(" | ")}; default dev)`);
  process.exit(2);
}
preview(stack, { outDir: join(projectRoot, "out") }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
