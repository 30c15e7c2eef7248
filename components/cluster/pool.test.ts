import { nodeInstance } from "../../core/instances";
import {
  eksTaint,
  generalPool,
  launchTemplateSpec,
  nodeGroupName,
  nodeTemplateTags,
  poolCapacity,
  toleration,
  type Taint,
} from "./pool";

const taint: Taint = { key: "dedicated", value: "playwright", effect: "NoSchedule" };

describe("node pools", () => {
  it("leaves the general pool untainted, labelled pool=general, at its configured shape", () => {
    const general = generalPool({
      generalNodes: { instanceType: "t3.medium", minSize: 2, maxSize: 10, diskSizeGb: 50 },
    });
    expect(general).toEqual({
      name: "general",
      amiType: "AL2023_x86_64_STANDARD",
      instanceType: "t3.medium",
      instanceTypes: ["t3.medium"],
      capacityType: "ON_DEMAND",
      minSize: 2,
      maxSize: 10,
      diskSizeGb: 50,
      labels: { pool: "general" },
      taints: [],
    });
  });

  it("launches exactly the configured type on demand, and every type of its shape on Spot", () => {
    const size = { instanceType: "c5.xlarge", minSize: 0, maxSize: 5, diskSizeGb: 50 };
    expect(poolCapacity(size)).toEqual({
      instanceTypes: ["c5.xlarge"],
      capacityType: "ON_DEMAND",
      amiType: "AL2023_x86_64_STANDARD",
    });
    const spot = poolCapacity({ ...size, capacity: "spot" });
    expect(spot.capacityType).toBe("SPOT");
    expect(spot.instanceTypes[0]).toBe("c5.xlarge");
    expect(spot.instanceTypes).toEqual(expect.arrayContaining(["c6i.xlarge", "c5a.xlarge", "c6a.xlarge"]));
    // Same shape, architecture and category, and no dearer on demand than the configured type ($0.17/h).
    expect(spot.instanceTypes).not.toContain("c7i.xlarge"); // $0.1785/h
    expect(spot.instanceTypes).not.toContain("c6g.xlarge"); // arm64
    for (const type of spot.instanceTypes) {
      expect(nodeInstance(type)).toMatchObject({ vcpu: 4, memoryGiB: 8, arch: "amd64", category: "c" });
      expect(nodeInstance(type)!.hourlyUsd).toBeLessThanOrEqual(0.17);
    }
  });

  it("gives an arm64 (Graviton) pool the arm64 AL2023 AMI type", () => {
    const size = { instanceType: "m8g.large", minSize: 1, maxSize: 2, diskSizeGb: 20 };
    expect(poolCapacity(size).amiType).toBe("AL2023_ARM_64_STANDARD");
    expect(
      poolCapacity({ ...size, capacity: "spot" }).instanceTypes.every((t) => nodeInstance(t)!.arch === "arm64"),
    ).toBe(true);
  });

  it("spells a taint the EKS way for the node group and the Kubernetes way for pods", () => {
    expect(eksTaint(taint)).toEqual({ key: "dedicated", value: "playwright", effect: "NO_SCHEDULE" });
    expect(eksTaint({ ...taint, effect: "NoExecute" }).effect).toBe("NO_EXECUTE");
    expect(toleration(taint)).toEqual({
      key: "dedicated",
      operator: "Equal",
      value: "playwright",
      effect: "NoSchedule",
    });
  });

  it("describes an empty group to cluster-autoscaler by its labels and taints", () => {
    expect(nodeTemplateTags({ dedicated: "playwright" }, [taint])).toEqual({
      "k8s.io/cluster-autoscaler/node-template/label/dedicated": "playwright",
      "k8s.io/cluster-autoscaler/node-template/taint/dedicated": "playwright:NoSchedule",
    });
    expect(nodeTemplateTags({}, [])).toEqual({});
  });

  it("requires IMDSv2 with hop limit 1 and an encrypted gp3 root volume of the configured size", () => {
    const spec = launchTemplateSpec({
      ...generalPool({ generalNodes: { instanceType: "t3.medium", minSize: 1, maxSize: 2, diskSizeGb: 80 } }),
    });
    expect(spec.metadataOptions).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1 });
    expect(spec.blockDeviceMappings[0].ebs).toEqual({
      volumeSize: 80,
      volumeType: "gp3",
      encrypted: "true",
      deleteOnTermination: "true",
    });
  });

  it("names a Spot group apart, so switching a pool to Spot creates the new group before deleting the old one", () => {
    expect(nodeGroupName("qualisys-prod", { name: "playwright", capacityType: "ON_DEMAND" })).toBe(
      "qualisys-prod-playwright",
    );
    expect(nodeGroupName("qualisys-dev", { name: "playwright", capacityType: "SPOT" })).toBe(
      "qualisys-dev-playwright-spot",
    );
  });
});
