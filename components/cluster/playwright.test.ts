import {
  placeholderDeployment,
  playwrightLabels,
  playwrightLimitRange,
  playwrightPool,
  playwrightQuota,
  playwrightTaint,
  playwrightToleration,
} from "./playwright";
import type { Manifest } from "../kubernetes/manifest";

const pool = (overrides: { instanceType?: string; maxSize?: number; warmPlaceholders?: number } = {}) =>
  playwrightPool({
    playwrightNodes: {
      instanceType: "c5.xlarge",
      minSize: 0,
      maxSize: 5,
      diskSizeGb: 80,
      warmPlaceholders: 1,
      ...overrides,
    },
    placeholder: { cpu: "3500m", memory: "6Gi" },
  });
const spec = (manifest: Manifest) => manifest.spec as any;

describe("the Playwright pool spec", () => {
  it("taints and labels the pool with the one taint and label, and pods tolerate exactly that taint", () => {
    const p = pool();
    expect(p.taints).toEqual([playwrightTaint]);
    expect(playwrightTaint).toEqual({ key: "dedicated", value: "playwright", effect: "NoSchedule" });
    expect(p.labels).toEqual({ pool: "playwright", ...playwrightLabels });
    expect(playwrightToleration).toEqual({
      key: "dedicated",
      operator: "Equal",
      value: "playwright",
      effect: "NoSchedule",
    });
  });

  it("carries the node's capacity from the instance catalogue", () => {
    expect(pool().node).toMatchObject({ vcpu: 4, memoryGiB: 8 });
    expect(pool({ instanceType: "c5.2xlarge" }).node).toMatchObject({ vcpu: 8, memoryGiB: 16 });
    expect(() => pool({ instanceType: "c5.huge" })).toThrow(/not in the instance catalogue/);
  });

  it("caps the namespace quota at the pool's capacity at maximum size, from the same spec", () => {
    expect(spec(playwrightQuota(pool({ maxSize: 20 }))).hard).toMatchObject({
      "requests.cpu": "80",
      "requests.memory": "160Gi",
      "limits.cpu": "160",
      pods: "400",
    });
    expect(spec(playwrightQuota(pool({ instanceType: "c5.2xlarge", maxSize: 3 }))).hard["requests.cpu"]).toBe("24");
  });

  it("lets no container ask for more than one node holds", () => {
    expect(spec(playwrightLimitRange(pool({ instanceType: "c5.2xlarge" }))).limits[0].max).toEqual({
      cpu: "8",
      memory: "16Gi",
    });
  });

  it("sizes placeholders from the spec, keeps them on the pool and spreads them one per node", () => {
    const d = spec(placeholderDeployment(pool({ warmPlaceholders: 3 })));
    expect(d.replicas).toBe(3);
    expect(d.template.spec.containers[0].resources.requests).toEqual({ cpu: "3500m", memory: "6Gi" });
    expect(d.template.spec.nodeSelector).toEqual(playwrightLabels);
    expect(d.template.spec.tolerations).toEqual([playwrightToleration]);
    expect(d.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe(
      "kubernetes.io/hostname",
    );
  });
});
