/**
 * The smoke check CI runs after a staging or production deploy: the stack's outputs (`pulumi stack output
 * --json`) must hold every value the next consumers wire, in the shape AWS gives it, all in one account.
 * `npx tsx tools/delivery/smoke.ts <stack> <outputs.json>`; exit 1 and a list of problems when anything is off.
 * When a component adds a stack output that callers rely on, add its expectation to `expectations`.
 */
import { readFileSync } from "node:fs";

/** A dotted output path and what its value must look like. `count` means an array of at least that many. */
interface Expectation {
  path: string;
  pattern: (stack: string) => RegExp;
  count?: number;
}

const account = "\\d{12}";
const kmsKey = () => new RegExp(`^arn:aws:kms:[a-z0-9-]+:${account}:key/[0-9a-f-]+$`);
const role = (suffix: string) => (stack: string) =>
  new RegExp(`^arn:aws:iam::${account}:role/[a-z0-9-]+-${stack}-${suffix}$`);

/** What every stack exports, whoever owns its platform. */
export const expectations: Expectation[] = [
  { path: "vpcId", pattern: () => /^vpc-[0-9a-f]+$/ },
  { path: "clusterName", pattern: () => /^[a-z0-9-]+$/ },
  ...["rds", "elasticache", "secrets", "logs", "ecr", "sns"].map((domain) => ({
    path: `keyArns.${domain}`,
    pattern: kmsKey,
  })),
  ...Object.entries({
    devops: "devops",
    developer: "developer",
    cicd: "cicd",
    ciPreview: "ci-preview",
    deploy: "deploy",
  }).map(([key, suffix]) => ({ path: `roleArns.${key}`, pattern: role(suffix) })),
];

/** What a stack with its own platform exports besides: its network, its EKS key, the contract for hosted stacks. */
export const ownPlatformExpectations: Expectation[] = [
  ...["publicSubnetIds", "privateSubnetIds", "databaseSubnetIds"].map((path) => ({
    path,
    pattern: () => /^subnet-[0-9a-f]+$/,
    count: 2,
  })),
  ...["loadBalancer", "nodes", "database", "cache"].map((sg) => ({
    path: `securityGroupIds.${sg}`,
    pattern: () => /^sg-[0-9a-f]+$/,
  })),
  { path: "keyArns.eks", pattern: kmsKey },
  { path: "platform.vpcId", pattern: () => /^vpc-[0-9a-f]+$/ },
  { path: "platform.oidcProviderArn", pattern: () => new RegExp(`^arn:aws:iam::${account}:oidc-provider/`) },
];

/** What a stack on another's platform (`qualisys:platform`) exports besides: which host, which namespace. */
export const hostedExpectations: Expectation[] = [
  { path: "platformStack", pattern: () => /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/ },
  { path: "namespace", pattern: () => /^[a-z0-9-]+$/ },
];

function at(outputs: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], outputs);
}

/** Every problem with a stack's outputs; empty when the smoke check passes. */
export function smokeCheck(stack: string, outputs: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const hosted = outputs.platformStack !== undefined;
  for (const { path, pattern, count } of [
    ...expectations,
    ...(hosted ? hostedExpectations : ownPlatformExpectations),
  ]) {
    const value = at(outputs, path);
    const expected = pattern(stack);
    const values = count === undefined ? [value] : Array.isArray(value) ? value : [];
    if (count !== undefined && values.length < count)
      problems.push(`${path}: expected at least ${count} values, got ${JSON.stringify(value)}`);
    for (const v of values)
      if (typeof v !== "string" || !expected.test(v))
        problems.push(`${path}: ${JSON.stringify(v)} does not match ${expected}`);
  }
  const accounts = new Set(
    JSON.stringify(outputs)
      .match(/arn:aws:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):/g)
      ?.map((arn) => arn.split(":")[4]),
  );
  if (accounts.size > 1) problems.push(`outputs name more than one AWS account: ${[...accounts].join(", ")}`);
  return problems;
}

if (require.main === module) {
  const [stack, file] = process.argv.slice(2);
  if (!stack || !file) {
    console.error("usage: tsx tools/delivery/smoke.ts <stack> <outputs.json>");
    process.exit(2);
  }
  const parsed = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  // Accept `pulumi stack output --json` (the map) and the offline preview's outputs.json ({ outputs }).
  const outputs = (parsed.outputs && typeof parsed.outputs === "object" ? parsed.outputs : parsed) as Record<
    string,
    unknown
  >;
  const problems = smokeCheck(stack, outputs);
  for (const problem of problems) console.error(`smoke: ${problem}`);
  console.log(problems.length ? `smoke check FAILED for ${stack}` : `smoke check passed for ${stack}`);
  process.exit(problems.length ? 1 : 0);
}
