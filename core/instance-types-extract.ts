/**
 * `npm run instances:extract`: builds core/instance-types.json — every EC2 instance type with its vCPUs, memory,
 * architecture, category and Linux on-demand price in us-east-1 — from a snapshot of aws/karpenter-provider-aws
 * (the search tool's `fetch`; $UPSTREAM_MIRROR, default /work/.mirror):
 * - prices: pkg/providers/pricing/zz_generated.pricing_aws.go, which Karpenter generates from the AWS Price List API
 *   ("generated at <time> for us-east-1": on-demand, Linux, shared tenancy, USD per hour);
 * - vCPUs, memory, architecture, category: website/content/en/preview/reference/instance-types.md, which Karpenter
 *   generates from EC2 DescribeInstanceTypes (`karpenter.k8s.aws/instance-cpu`, `instance-memory` in MiB,
 *   `kubernetes.io/arch`, `instance-category`).
 * A type is kept when both list it. The snapshot is read, never committed.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const repo = "aws/karpenter-provider-aws";
const pricesPath = "pkg/providers/pricing/zz_generated.pricing_aws.go";
const typesPath = "website/content/en/preview/reference/instance-types.md";
export const instanceTypesPath = join(__dirname, "instance-types.json");

/** `{ "us-east-1": { "t3.medium": 0.0416, … } }` from Karpenter's generated price table. */
export function parsePrices(go: string): { generated: string; regions: Record<string, Record<string, number>> } {
  const generated = /generated at (\S+) for/.exec(go)?.[1] ?? "";
  const regions: Record<string, Record<string, number>> = {};
  let region: Record<string, number> | undefined;
  for (const line of go.split("\n")) {
    const start = /^\t"([a-z]{2}(?:-[a-z]+)+-\d)": \{$/.exec(line);
    if (start) region = regions[start[1]] = {};
    else if (region)
      for (const m of line.matchAll(/"([a-z0-9-]+\.[a-z0-9-]+)": ([\d.]+)/g)) region[m[1]] = Number(m[2]);
  }
  return { generated, regions };
}

export interface TypeShape {
  vcpu: number;
  memoryGiB: number;
  arch: "amd64" | "arm64";
  category: string;
}

/** Each `### \`type\`` section's labels from Karpenter's instance-types reference page. */
export function parseTypes(markdown: string): Record<string, TypeShape> {
  const types: Record<string, TypeShape> = {};
  for (const section of markdown.split(/^### `/m).slice(1)) {
    const name = section.slice(0, section.indexOf("`"));
    const label = (key: string) => new RegExp(`\\|${key.replace(/[./]/g, "\\$&")}\\|([^|]+)\\|`).exec(section)?.[1];
    const vcpu = Number(label("karpenter.k8s.aws/instance-cpu"));
    const memoryMiB = Number(label("karpenter.k8s.aws/instance-memory"));
    const arch = label("kubernetes.io/arch");
    const category = label("karpenter.k8s.aws/instance-category");
    if (!vcpu || !memoryMiB || (arch !== "amd64" && arch !== "arm64") || !category) continue;
    types[name] = { vcpu, memoryGiB: memoryMiB / 1024, arch, category };
  }
  return types;
}

function main() {
  const mirror = process.env.UPSTREAM_MIRROR ?? "/work/.mirror";
  const git = (...args: string[]) =>
    execFileSync("git", ["--git-dir", join(mirror, repo.replace("/", "+"), "repo"), ...args], {
      maxBuffer: 1 << 28,
    }).toString();
  const commit = git("rev-parse", "HEAD").trim();
  const { generated, regions } = parsePrices(git("show", `${commit}:${pricesPath}`));
  const shapes = parseTypes(git("show", `${commit}:${typesPath}`));
  const ec2: Record<string, Record<string, [number, number, string, string, number]>> = {};
  for (const [region, prices] of Object.entries(regions)) {
    ec2[region] = {};
    for (const type of Object.keys(prices).sort()) {
      const shape = shapes[type];
      if (shape) ec2[region][type] = [shape.vcpu, shape.memoryGiB, shape.arch, shape.category, prices[type]];
    }
  }
  const data = {
    source: `${repo} at ${commit.slice(0, 12)} (${git("log", "-1", "--format=%cs", commit).trim()}): prices ${pricesPath} (generated ${generated} from the AWS Price List API), shapes ${typesPath}`,
    pricesAsOf: generated.slice(0, 10),
    columns: ["vcpu", "memoryGiB", "arch", "category", "onDemandHourlyUsd"],
    ec2,
  };
  writeFileSync(instanceTypesPath, `${JSON.stringify(data)}\n`);
  for (const [region, types] of Object.entries(ec2)) console.log(`${region}: ${Object.keys(types).length} EC2 types`);
}

if (require.main === module) main();
