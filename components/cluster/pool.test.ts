import {
  cpuCores,
  eksTaint,
  instanceCapacity,
  launchTemplateSpec,
  memoryGiB,
  nodePools,
  nodeTemplateTags,
  playwrightLabels,
  playwrightTaint,
  toleration,
} from "./pool";
import { nodeInstanceTypes } from "../../config/catalog";

const config = {
  generalNodes: { instanceType: "t3.medium", minSize: 2, maxSize: 10, diskSizeGb: 50 },
  playwrightNodes: { instanceType: "c5.xlarge", minSize: 0, maxSize: 5, diskSizeGb: 80 },
};

describe("node pools", () => {
  it("taints and labels only the Playwright pool, with the one taint and label", () => {
    const [general, playwright] = nodePools(config);
    expect(general).toMatchObject({ name: "general", taints: [], instanceType: "t3.medium", minSize: 2, maxSize: 10 });
    expect(general.labels).not.toHaveProperty("dedicated");
    expect(playwright.taints).toEqual([playwrightTaint]);
    expect(playwright.labels).toMatchObject(playwrightLabels);
    expect(playwrightTaint).toEqual({ key: "dedicated", value: "playwright", effect: "NoSchedule" });
  });

  it("spells the taint the EKS way for the node group and the Kubernetes way for pods", () => {
    expect(eksTaint(playwrightTaint)).toEqual({ key: "dedicated", value: "playwright", effect: "NO_SCHEDULE" });
    expect(toleration(playwrightTaint)).toEqual({
      key: "dedicated",
      operator: "Equal",
      value: "playwright",
      effect: "NoSchedule",
    });
  });

  it("describes an empty group to cluster-autoscaler by its labels and taints", () => {
    expect(nodeTemplateTags({ dedicated: "playwright" }, [playwrightTaint])).toEqual({
      "k8s.io/cluster-autoscaler/node-template/label/dedicated": "playwright",
      "k8s.io/cluster-autoscaler/node-template/taint/dedicated": "playwright:NoSchedule",
    });
    expect(nodeTemplateTags({}, [])).toEqual({});
  });

  it("requires IMDSv2 with hop limit 1 and an encrypted gp3 root volume of the configured size", () => {
    const spec = launchTemplateSpec(nodePools(config)[1]);
    expect(spec.metadataOptions).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1 });
    expect(spec.blockDeviceMappings[0].ebs).toEqual({
      volumeSize: 80,
      volumeType: "gp3",
      encrypted: "true",
      deleteOnTermination: "true",
    });
  });

  it("knows the capacity of every instance type the config accepts", () => {
    for (const type of nodeInstanceTypes) expect(instanceCapacity[type]).toBeDefined();
  });

  it.each([
    ["3", 3],
    ["3500m", 3.5],
  ])("parses CPU %s", (q, cores) => expect(cpuCores(q)).toBe(cores));
  it.each([
    ["5Gi", 5],
    ["512Mi", 0.5],
  ])("parses memory %s", (q, gib) => expect(memoryGiB(q)).toBe(gib));
});
