/**
 * `npm run stack:new -- <name> [--host <stack>]`: writes Pulumi.<name>.yaml, a personal or review stack hosted on
 * dev's platform (or the named host's). Refuses a name the host does not declare, an existing file, or a name that
 * cannot name Kubernetes namespaces. Exit codes: 0 written, 1 refused, 2 bad usage.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot, readStackFile, stackNames } from "../../offline/run";
import { newStackFile, newStackProblems } from "./plan";

const args = process.argv.slice(2);
const hostAt = args.indexOf("--host");
const host = hostAt >= 0 ? args[hostAt + 1] : "dev";
const names = hostAt >= 0 ? args.filter((_, i) => i !== hostAt && i !== hostAt + 1) : args;
if (names.length !== 1 || names[0].startsWith("-") || !host) {
  console.error("usage: npm run stack:new -- <name> [--host <stack>]   (e.g. dev-alice, review-123)");
  process.exit(2);
}
const [stack] = names;
if (!existsSync(join(projectRoot, `Pulumi.${host}.yaml`))) {
  console.error(`No host stack file Pulumi.${host}.yaml.`);
  process.exit(1);
}
const hostConfig = readStackFile(host).config;
const problems = newStackProblems({ stack, host, hostConfig, existing: stackNames() });
if (problems.length) {
  console.error(`Not written:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  process.exit(1);
}
writeFileSync(join(projectRoot, `Pulumi.${stack}.yaml`), newStackFile(stack, host, hostConfig));
console.log(
  [
    `Wrote Pulumi.${stack}.yaml: a tenant of ${host}'s platform.`,
    `Preview it offline:  npm start -- ${stack}`,
    `Deploy it:           pulumi stack init ${stack} && pulumi up -s ${stack}   (after ${host}, which declares it)`,
  ].join("\n"),
);
