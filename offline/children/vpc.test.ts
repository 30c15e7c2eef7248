/**
 * The awsx:ec2:Vpc children model against what @pulumi/awsx's source (./sources awsxSource, awsx/ec2/vpc.ts) says it
 * creates: the tables below are read from that source by hand, not produced by the model.
 */
import type { RecordedResource } from "../record";
import { remoteComponent } from "./fixtures";
import { modelContext } from "./index";
import { UnmodelledInput } from "./model";
import { azSuffix, natGatewayHere, vpcChildren } from "./vpc";

const parentUrn = "urn:pulumi:dev::qualisys::qualisys:network:Network::net";

const vpcComponent = (inputs: Record<string, unknown>, extra: Partial<RecordedResource> = {}) =>
  remoteComponent(
    "awsx:ec2:Vpc",
    "urn:pulumi:dev::qualisys::qualisys:network:Network$awsx:ec2:Vpc::net-vpc",
    parentUrn,
    inputs,
    extra,
  );

const three = (third: number) => ["a", "b", "c"].map((_, i) => `10.0.${third + i}.0/24`);
const specs = (...types: string[]) =>
  types.map((type, n) => ({
    type,
    name: { Public: "public", Private: "private", Isolated: "database" }[type],
    cidrBlocks: three(n * 10),
  }));
const model = (inputs: Record<string, unknown>, extra: Partial<RecordedResource> = {}) => {
  const component = vpcComponent({ subnetStrategy: "Auto", ...inputs }, extra);
  return vpcChildren(component, modelContext("us-east-1", [component]));
};
const short = (type: string) => type.split(":").pop();
const counts = (children: { type: string }[]) => {
  const out: Record<string, number> = {};
  for (const c of children) out[short(c.type)!] = (out[short(c.type)!] ?? 0) + 1;
  return out;
};

describe("awsx:ec2:Vpc children", () => {
  it.each([
    {
      layout: "Single NAT, 2 AZs, public/private/isolated",
      inputs: { natGateways: { strategy: "Single" }, availabilityZoneNames: ["us-east-1a", "us-east-1b"] },
      tiers: ["Public", "Private", "Isolated"],
      expected: {
        Vpc: 1,
        InternetGateway: 1,
        Subnet: 6,
        RouteTable: 6,
        RouteTableAssociation: 6,
        Route: 4,
        Eip: 1,
        NatGateway: 1,
      },
    },
    {
      layout: "no strategy (awsx default OnePerAz), 3 AZs, public/private",
      inputs: { availabilityZoneNames: ["us-east-1a", "us-east-1b", "us-east-1c"] },
      tiers: ["Public", "Private"],
      expected: {
        Vpc: 1,
        InternetGateway: 1,
        Subnet: 6,
        RouteTable: 6,
        RouteTableAssociation: 6,
        Route: 6,
        Eip: 3,
        NatGateway: 3,
      },
    },
    {
      layout: "no NAT, 2 AZs (numberOfAvailabilityZones), public/private/isolated",
      inputs: { natGateways: { strategy: "None" }, numberOfAvailabilityZones: 2 },
      tiers: ["Public", "Private", "Isolated"],
      expected: { Vpc: 1, InternetGateway: 1, Subnet: 6, RouteTable: 6, RouteTableAssociation: 6, Route: 2 },
    },
    {
      layout: "OnePerAz with given EIP allocations, 2 AZs, public/private",
      inputs: {
        natGateways: { strategy: "OnePerAz", elasticIpAllocationIds: ["eipalloc-a", "eipalloc-b"] },
        availabilityZoneNames: ["us-east-1a", "us-east-1b"],
      },
      tiers: ["Public", "Private"],
      expected: {
        Vpc: 1,
        InternetGateway: 1,
        Subnet: 4,
        RouteTable: 4,
        RouteTableAssociation: 4,
        Route: 4,
        NatGateway: 2,
      },
    },
    {
      layout: "only isolated subnets, no NAT, 2 AZs: still an internet gateway (awsx always creates it)",
      inputs: { natGateways: { strategy: "None" }, availabilityZoneNames: ["us-east-1a", "us-east-1b"] },
      tiers: ["Isolated"],
      expected: { Vpc: 1, InternetGateway: 1, Subnet: 2, RouteTable: 2, RouteTableAssociation: 2 },
    },
  ])("$layout", ({ inputs, tiers, expected }) => {
    expect(counts(model({ ...inputs, subnetSpecs: specs(...tiers) }))).toEqual(expected);
  });

  it("declares, AZ by AZ, public before private before isolated, each subnet's table, association, NAT and route", () => {
    const children = model({
      natGateways: { strategy: "Single" },
      availabilityZoneNames: ["us-east-1a", "us-east-1b"],
      subnetSpecs: specs("Isolated", "Private", "Public"), // declared in another order: awsx sorts them per AZ
    });
    expect(children.map((c) => `${short(c.type)} ${c.name}`)).toEqual([
      "Vpc net-vpc",
      "InternetGateway net-vpc",
      "Subnet net-vpc-public-1",
      "RouteTable net-vpc-public-1",
      "RouteTableAssociation net-vpc-public-1",
      "Eip net-vpc-1",
      "NatGateway net-vpc-1",
      "Route net-vpc-public-1",
      "Subnet net-vpc-private-1",
      "RouteTable net-vpc-private-1",
      "RouteTableAssociation net-vpc-private-1",
      "Route net-vpc-private-1",
      "Subnet net-vpc-database-1",
      "RouteTable net-vpc-database-1",
      "RouteTableAssociation net-vpc-database-1",
      "Subnet net-vpc-public-2",
      "RouteTable net-vpc-public-2",
      "RouteTableAssociation net-vpc-public-2",
      "Route net-vpc-public-2",
      "Subnet net-vpc-private-2",
      "RouteTable net-vpc-private-2",
      "RouteTableAssociation net-vpc-private-2",
      "Route net-vpc-private-2",
      "Subnet net-vpc-database-2",
      "RouteTable net-vpc-database-2",
      "RouteTableAssociation net-vpc-database-2",
    ]);
  });

  it("parents them as awsx does: the VPC under the component, subnets under the VPC, tables under subnets, routes under tables", () => {
    const children = model({
      natGateways: { strategy: "OnePerAz" },
      availabilityZoneNames: ["us-east-1a", "us-east-1b"],
      subnetSpecs: specs("Public", "Private"),
    });
    const route = children.find((c) => c.type === "aws:ec2/route:Route" && c.name === "net-vpc-private-2")!;
    expect(route.urn).toBe(
      "urn:pulumi:dev::qualisys::qualisys:network:Network$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/routeTable:RouteTable$aws:ec2/route:Route::net-vpc-private-2",
    );
    const nat = children.find((c) => c.type === "aws:ec2/natGateway:NatGateway" && c.name === "net-vpc-2")!;
    expect(nat.urn).toBe(
      "urn:pulumi:dev::qualisys::qualisys:network:Network$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/natGateway:NatGateway::net-vpc-2",
    );
    // OnePerAz: each private table routes to its own AZ's NAT gateway, and waits for it.
    expect(route.inputs).toEqual({
      routeTableId: expect.stringMatching(/^rtb-/),
      natGatewayId: nat.id,
      destinationCidrBlock: "0.0.0.0/0",
    });
    expect(route.dependencies).toEqual([route.parent, nat.urn].sort());
  });

  it("routes every private table to the one NAT gateway under Single, and public tables to the internet gateway", () => {
    const children = model({
      natGateways: { strategy: "Single" },
      availabilityZoneNames: ["us-east-1a", "us-east-1b"],
      subnetSpecs: specs("Public", "Private"),
    });
    const [nat] = children.filter((c) => c.type === "aws:ec2/natGateway:NatGateway");
    const igw = children.find((c) => c.type === "aws:ec2/internetGateway:InternetGateway")!;
    const routes = children.filter((c) => c.type === "aws:ec2/route:Route");
    expect(routes.map((r) => [r.name, r.inputs.natGatewayId ?? r.inputs.gatewayId])).toEqual([
      ["net-vpc-public-1", igw.id],
      ["net-vpc-private-1", nat.id],
      ["net-vpc-public-2", igw.id],
      ["net-vpc-private-2", nat.id],
    ]);
    const eip = children.find((c) => c.type === "aws:ec2/eip:Eip")!;
    expect(nat.inputs.allocationId).toBe(eip.id);
  });

  it("gives subnets the inputs awsx sets: public IPs on launch only in public subnets, the tier tag, the spec's tags", () => {
    const children = model(
      {
        natGateways: { strategy: "Single" },
        availabilityZoneNames: ["us-east-1a", "us-east-1b"],
        subnetSpecs: [
          {
            type: "Public",
            name: "public",
            cidrBlocks: ["10.0.128.0/23", "10.0.130.0/23"],
            tags: { "kubernetes.io/role/elb": "1" },
          },
          { type: "Isolated", name: "database", cidrBlocks: ["10.0.144.0/23", "10.0.146.0/23"] },
        ],
        tags: { Name: "qualisys-dev-vpc" },
      },
      {
        outputs: {
          vpcId: "vpc-0123",
          publicSubnetIds: ["subnet-p1", "subnet-p2"],
          isolatedSubnetIds: ["subnet-d1", "subnet-d2"],
        },
      },
    );
    const subnet = (name: string) => children.find((c) => c.type === "aws:ec2/subnet:Subnet" && c.name === name)!;
    expect(subnet("net-vpc-public-2")).toMatchObject({
      id: "subnet-p2",
      inputs: {
        vpcId: "vpc-0123",
        availabilityZone: "us-east-1b",
        cidrBlock: "10.0.130.0/23",
        mapPublicIpOnLaunch: true,
        assignIpv6AddressOnCreation: false,
        tags: { Name: "net-vpc-public-2", SubnetType: "Public", "kubernetes.io/role/elb": "1" },
      },
    });
    expect(subnet("net-vpc-database-1")).toMatchObject({
      id: "subnet-d1",
      inputs: { mapPublicIpOnLaunch: false, tags: { Name: "net-vpc-database-1", SubnetType: "Isolated" } },
    });
    expect(children[0]).toMatchObject({
      type: "aws:ec2/vpc:Vpc",
      id: "vpc-0123",
      inputs: { cidrBlock: "10.0.0.0/16", tags: { Name: "qualisys-dev-vpc" } },
    });
    expect(children.find((c) => c.type === "aws:ec2/eip:Eip")!.inputs).toEqual({ tags: { Name: "net-vpc-1" } });
  });

  it("names subnets by AZ in their Name tag only under subnetNameTagStrategy AvailabilityZone (the resource name stays)", () => {
    const children = model({
      natGateways: { strategy: "None" },
      subnetNameTagStrategy: "AvailabilityZone",
      availabilityZoneNames: ["us-east-1a", "us-east-1b"],
      subnetSpecs: specs("Isolated"),
    });
    const subnets = children.filter((c) => c.type === "aws:ec2/subnet:Subnet");
    expect(subnets.map((s) => [s.name, (s.inputs.tags as Record<string, string>).Name])).toEqual([
      ["net-vpc-database-1", "net-vpc-database-1a"],
      ["net-vpc-database-2", "net-vpc-database-1b"],
    ]);
  });

  it("makes children depend on what the component's inputs came from", () => {
    const key = "urn:pulumi:dev::qualisys::aws:kms/key:Key::k";
    const [vpc] = model(
      {
        natGateways: { strategy: "None" },
        availabilityZoneNames: ["us-east-1a"],
        subnetSpecs: specs("Isolated"),
        tags: {},
      },
      { propertyDependencies: { tags: [key] } },
    );
    expect(vpc.dependencies).toEqual([key]);
  });

  it.each([
    ["subnetStrategy Legacy", { subnetStrategy: "Legacy", subnetSpecs: specs("Public") }],
    ["no subnetSpecs (awsx's default layout)", {}],
    ["specs without cidrBlocks", { subnetSpecs: [{ type: "Public", size: 256 }] }],
    [
      "VPC endpoints",
      { subnetSpecs: specs("Public"), vpcEndpointSpecs: [{ serviceName: "com.amazonaws.us-east-1.s3" }] },
    ],
    ["an IPAM pool", { subnetSpecs: specs("Public"), ipv4IpamPoolId: "ipam-pool-1" }],
    ["generated IPv6 CIDRs", { subnetSpecs: specs("Public"), assignGeneratedIpv6CidrBlock: true }],
  ])("refuses what it does not model: %s", (_, inputs) => {
    expect(() => model({ availabilityZoneNames: ["us-east-1a", "us-east-1b", "us-east-1c"], ...inputs })).toThrow(
      UnmodelledInput,
    );
  });

  it.each([
    ["us-east-1a", "1a"],
    ["us-gov-west-1b", "1b"],
    ["us-west-2-lax-1a", "2-lax-1a"],
    ["nonsense", "nonsense"],
  ])("shortens AZ %s to %s for Name tags", (az, suffix) => {
    expect(azSuffix(az)).toBe(suffix);
  });

  it.each([
    ["None", 0, 0, false],
    ["Single", 0, 0, true],
    ["Single", 1, 1, false],
    ["OnePerAz", 0, 0, true],
    ["OnePerAz", 1, 1, true],
    ["OnePerAz", 2, 1, false],
  ])("NAT strategy %s with %i gateways made, in AZ #%i: a gateway here is %s", (strategy, made, az, expected) => {
    expect(natGatewayHere(strategy as string, made as number, az as number)).toBe(expected);
  });
});
