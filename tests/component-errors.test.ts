/**
 * A component that refuses its arguments says so as a `pulumi.ResourceError` on itself, so the CLI names the
 * resource (as pulumi-eks does). Config validation catches these cases first for the stacks; these programs call
 * the components directly, the way another program reusing them would.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PlaywrightPool } from "../components/cluster/playwright-pool";
import { playwrightPool } from "../components/cluster/playwright";
import { Registry } from "../components/registry";
import { runStack } from "../offline/run";
import { dummyKubeconfig } from "./kubernetes/dummy-kubeconfig";

const refused = async (program: () => void) => {
  const run = await runStack("dev", { program: async () => program(), cached: false });
  return run.error;
};

it("Registry: no principal to push or pull", async () => {
  const error = await refused(
    () => new Registry("r", { repositories: ["api"], ecrKeyArn: "key", pushPrincipalArns: [] }),
  );
  expect(error).toBeInstanceOf(pulumi.ResourceError);
  expect(error?.message).toMatch(/at least one push or pull principal/);
});

it("PlaywrightPool: a placeholder bigger than a node", async () => {
  const error = await refused(() => {
    const spec = playwrightPool({
      playwrightNodes: { instanceType: "c5.large", minSize: 0, maxSize: 2, diskSizeGb: 50, warmPlaceholders: 1 },
      placeholder: { cpu: "3", memory: "5Gi" },
    });
    const provider = new k8s.Provider("k8s", { kubeconfig: dummyKubeconfig });
    new PlaywrightPool("p", { spec, provider } as never);
  });
  expect(error).toBeInstanceOf(pulumi.ResourceError);
  expect(error?.message).toMatch(/cannot fit on a c5.large/);
});
