/**
 * `npm run runner:pin-agent`: pins the SHA-256 of the deployment runner's agent tarball
 * (components/deployment-runner/agent-release.json) from the release's own checksums.txt, where GitHub is
 * reachable. The runner's boot script then checks the download against this pin instead of against the
 * checksums.txt it would fetch beside the tarball. Review the diff like any other pin.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { agentChecksumsUrl, agentRelease, digestOf } from "../../components/deployment-runner/plan";

const file = join(__dirname, "..", "..", "components", "deployment-runner", "agent-release.json");

async function main() {
  const url = agentChecksumsUrl(agentRelease.version);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const asset = `customer-managed-workflow-agent-v${agentRelease.version}-linux-x64.tar.gz`;
  const digest = digestOf(await response.text(), asset);
  if (!digest) throw new Error(`${url} lists no ${asset}`);
  const release = JSON.parse(readFileSync(file, "utf8")) as typeof agentRelease;
  release.sha256["linux-x64"] = digest;
  release.sha256Source = `${url}, read ${new Date().toISOString().slice(0, 10)}`;
  writeFileSync(file, `${JSON.stringify(release, null, 2)}\n`);
  console.log(`pinned ${asset}: ${digest}`);
}

main().catch((error: unknown) => {
  console.error(`runner:pin-agent: ${(error as Error).message}`);
  process.exit(1);
});
