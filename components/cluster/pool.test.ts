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
    expect(poolCapacity(size)).toEqual({ instanceTypes: ["c5.xlarge"], capacityType: "ON_DEMAND" });
    // Every 4 vCPU / 8 GiB type of the catalogue, c5.xlarge first (the EC2 instance type pages give each shape).
    expect(poolCapacity({ ...size, capacity: "spot" })).toEqual({
      instanceTypes: ["c5.xlarge", "c6i.xlarge", "c7i.xlarge", "c5a.xlarge", "c6a.xlarge"],
      capacityType: "SPOT",
    });
    // A type whose shape no other catalogue type has launches alone, Spot or not.
    expect(poolCapacity({ ...size, instanceType: "c5.4xlarge", capacity: "spot" }).instanceTypes).toEqual([
      "c5.4xlarge",
    ]);
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
