/**
 * Waits for the Pulumi Deployments update of one commit and reports how it ended, from `pulumi stack history
 * --json` (each update records the commit it ran as `environment["git.head"]`). Staging's push-to-deploy runs in
 * Pulumi Cloud; the staging workflow uses this to follow it, then smoke-checks the outputs.
 * `npx tsx tools/delivery/history.ts <org/stack> <commit> [timeoutMinutes]`: exit 0 succeeded, 1 failed or timed out.
 */
import { spawnSync } from "node:child_process";

/** One entry of `pulumi stack history --json` (the fields used here). */
export interface UpdateInfo {
  kind: string;
  result?: string;
  environment?: Record<string, string>;
  startTime?: string;
}

export type UpdateState = "none" | "running" | "succeeded" | "failed";

/** The state of the most recent `update` that ran `commit` (history is newest first). */
export function updateState(history: UpdateInfo[], commit: string): UpdateState {
  const update = history.find((u) => u.kind === "update" && u.environment?.["git.head"] === commit);
  if (!update) return "none";
  if (update.result === "succeeded") return "succeeded";
  if (update.result === "failed") return "failed";
  return "running";
}

async function main() {
  const [stack, commit, timeout = "60"] = process.argv.slice(2);
  if (!stack || !/^[0-9a-f]{40}$/.test(commit ?? "")) {
    console.error("usage: tsx tools/delivery/history.ts <org/stack> <40-hex commit> [timeoutMinutes]");
    process.exit(2);
  }
  const deadline = Date.now() + Number(timeout) * 60_000;
  for (;;) {
    const run = spawnSync("pulumi", ["stack", "history", "--stack", stack, "--json", "--page-size", "20"], {
      encoding: "utf8",
    });
    if (run.status !== 0) throw new Error(`pulumi stack history failed: ${run.stderr}`);
    const state = updateState(JSON.parse(run.stdout) as UpdateInfo[], commit);
    console.log(`${new Date().toISOString()} ${stack} @ ${commit.slice(0, 7)}: ${state}`);
    if (state === "succeeded") process.exit(0);
    if (state === "failed") process.exit(1);
    if (Date.now() > deadline) {
      console.error(`no finished update of ${commit} on ${stack} within ${timeout} minutes`);
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 30_000));
  }
}

if (require.main === module)
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
