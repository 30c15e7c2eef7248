/**
 * `isolated-subnet-no-internet-route` on the records: the awsx children a real preview shows (offline/children) keep
 * the database tier off the internet on every platform stack, and a fault planted in a modelled child, or in the
 * component the children come from, is reported.
 */
import { childUrn } from "../offline/record";
import { platformStacks, runStack, type RecordedResource, type StackRun } from "../offline/run";
import { isolatedSubnetsNoInternetRoute } from "../policy/policies/isolated-subnets";
import { runPolicies } from "../policy/runner";

const runs: Record<string, StackRun> = {};
beforeAll(async () => {
  for (const stack of platformStacks) runs[stack] = await runStack(stack);
});

const judge = async (resources: RecordedResource[]) =>
  (await runPolicies(resources, { policies: [isolatedSubnetsNoInternetRoute] })).violations;
const ofType = (resources: RecordedResource[], type: string) => resources.filter((r) => r.type === type);

describe.each(platformStacks)("%s", (stack) => {
  it("has isolated database subnets (tagged as awsx tags them) whose route tables hold no route, and no violation", async () => {
    const { resources } = runs[stack];
    const isolated = ofType(resources, "aws:ec2/subnet:Subnet").filter(
      (s) => (s.inputs.tags as Record<string, string>).SubnetType === "Isolated",
    );
    expect(isolated.length).toBeGreaterThan(0);
    for (const subnet of isolated) {
      const [table] = resources.filter((r) => r.parent === subnet.urn && r.type === "aws:ec2/routeTable:RouteTable");
      expect(resources.filter((r) => r.parent === table.urn).map((r) => r.type)).toEqual([
        "aws:ec2/routeTableAssociation:RouteTableAssociation",
      ]);
    }
    expect(await judge(resources)).toEqual([]);
  });
});

describe("planted faults (dev)", () => {
  /** dev's record plus a route, as awsx would declare it, from the first database subnet's route table. */
  const withRoute = (ids: "known" | "unknown") => {
    const resources = structuredClone(runs.dev.resources) as RecordedResource[];
    const table = resources.find(
      (r) => r.type === "aws:ec2/routeTable:RouteTable" && r.name === "qualisys-dev-vpc-database-1",
    )!;
    const igw = resources.find((r) => r.type === "aws:ec2/internetGateway:InternetGateway")!;
    const inputs = {
      routeTableId: ids === "known" ? table.id : "[unknown]",
      gatewayId: ids === "known" ? igw.id : "[unknown]",
      destinationCidrBlock: "0.0.0.0/0",
    };
    const type = "aws:ec2/route:Route";
    resources.push({
      ...table,
      urn: childUrn(table.urn, type, table.name),
      type,
      parent: table.urn,
      id: ids === "known" ? `${table.name}-id` : "",
      inputs,
      outputs: inputs,
      dependencies: [table.urn, igw.urn],
    });
    return { resources, igw };
  };

  it("a modelled route from a database subnet's route table to the internet gateway is a mandatory violation", async () => {
    const { resources, igw } = withRoute("known");
    const violations = await judge(resources);
    expect(violations.map((v) => [v.enforcementLevel, v.resourceType, v.resourceName])).toEqual([
      ["mandatory", "aws:ec2/route:Route", "qualisys-dev-vpc-database-1"],
    ]);
    expect(violations[0].message).toContain(
      `Route qualisys-dev-vpc-database-1 (0.0.0.0/0) in route table qualisys-dev-vpc-database-1, associated with the isolated subnet qualisys-dev-vpc-database-1 (tagged SubnetType: Isolated) leads to the internet gateway ${igw.id}.`,
    );
  });

  it("the same route is found on a first preview, where its ids are unknown, through its dependencies", async () => {
    const violations = await judge(withRoute("unknown").resources);
    expect(violations.map((v) => [v.enforcementLevel, v.resourceName])).toEqual([
      ["mandatory", "qualisys-dev-vpc-database-1"],
    ]);
    expect(violations[0].message).toContain("leads to the internet gateway (unknown id)");
  });
});
