/**
 * The children of an `awsx:ec2:Vpc`, as @pulumi/awsx (./sources `awsxSource`, awsx/ec2/vpc.ts) creates them: the
 * `aws:ec2/vpc:Vpc` under the component; under it the internet gateway (always, AWS charges nothing for it) and one
 * subnet per spec and AZ (AZ by AZ, public before private before isolated); under each subnet its route table, and
 * under a public subnet the EIP and NAT gateway of its AZ when the NAT strategy wants one there; under each route
 * table its association and its default route: public to the internet gateway, private to the NAT gateway (of its AZ,
 * or the single one), isolated none.
 */
import type { RecordedResource } from "../record";
import { asList, asMap, child, inputDependencies, UnmodelledInput, type Child, type ModelContext } from "./model";
import { awsxSource } from "./sources";

const source = `${awsxSource.repository} ${awsxSource.tag} awsx/ec2/vpc.ts`;

/** The inputs of `aws.ec2.Vpc` that awsx passes through from its own arguments (it spreads them all). */
const vpcInputKeys = [
  "assignGeneratedIpv6CidrBlock",
  "cidrBlock",
  "enableDnsHostnames",
  "enableDnsSupport",
  "enableNetworkAddressUsageMetrics",
  "instanceTenancy",
  "ipv4IpamPoolId",
  "ipv4NetmaskLength",
  "ipv6CidrBlock",
  "ipv6CidrBlockNetworkBorderGroup",
  "ipv6IpamPoolId",
  "ipv6NetmaskLength",
];

type SubnetType = "Public" | "Private" | "Isolated" | "Unused";
interface Spec {
  type: SubnetType;
  name?: string;
  cidrBlocks: string[];
  tags: Record<string, unknown>;
  assignIpv6AddressOnCreation?: unknown;
}

/** awsx's order within an AZ: public first (NAT gateways live there), then private, then isolated. */
const tierOrder: Record<string, number> = { public: 0, private: 1, isolated: 2 };

/** The AZ suffix `subnetNameTagStrategy: "AvailabilityZone"` names subnets by (`us-east-1a` → `1a`). */
export function azSuffix(az: string): string {
  return /^[a-z]{2}(?:-[a-z]+)+-/.test(az) ? az.replace(/^[a-z]{2}(?:-[a-z]+)+-/, "") : az;
}

/** Whether awsx creates a NAT gateway in the public subnet of AZ number `az` (0-based), having created `count`. */
export function natGatewayHere(strategy: string, count: number, az: number): boolean {
  switch (strategy.toLowerCase()) {
    case "none":
      return false;
    case "single":
      return count < 1;
    case "oneperaz":
      return count < az + 1;
    default:
      throw new Error(`Unknown NatGatewayStrategy "${strategy}"`);
  }
}

function specsOf(vpc: RecordedResource): Spec[] {
  const { inputs } = vpc;
  const strategy = inputs.subnetStrategy ?? "Legacy";
  const specs = asList(inputs.subnetSpecs).map(asMap);
  // Only an explicit layout (every spec has cidrBlocks, strategy Auto or Exact) is a plain table; awsx's allocators
  // for the other cases are not modelled.
  if (strategy !== "Auto" && strategy !== "Exact") throw new UnmodelledInput(vpc, `subnetStrategy ${strategy}`, source);
  if (!specs.length || specs.some((s) => !Array.isArray(s.cidrBlocks)))
    throw new UnmodelledInput(vpc, "subnetSpecs without cidrBlocks", source);
  return specs.map((s) => ({
    type: s.type as SubnetType,
    name: typeof s.name === "string" ? s.name : undefined,
    cidrBlocks: s.cidrBlocks as string[],
    tags: asMap(s.tags),
    assignIpv6AddressOnCreation: s.assignIpv6AddressOnCreation,
  }));
}

/** The children of the `awsx:ec2:Vpc` `vpc` (its record: inputs, input dependencies, mock outputs). */
export function vpcChildren(vpc: RecordedResource, context: ModelContext): Child[] {
  const { inputs, outputs } = vpc;
  // VPC endpoints (and their security group), IPv6 subnet CIDRs and IPAM allocation are not modelled.
  for (const input of ["vpcEndpointSpecs", "assignGeneratedIpv6CidrBlock", "ipv4IpamPoolId"] as const) {
    const value = inputs[input];
    const used = Array.isArray(value) ? value.length > 0 : value !== undefined && value !== null && value !== false;
    if (used) throw new UnmodelledInput(vpc, input, source);
  }
  const specs = specsOf(vpc);
  const azs = Array.isArray(inputs.availabilityZoneNames)
    ? (inputs.availabilityZoneNames as string[])
    : context.availabilityZones.slice(
        0,
        typeof inputs.numberOfAvailabilityZones === "number" ? inputs.numberOfAvailabilityZones : 3,
      );
  const natStrategy = String(asMap(inputs.natGateways).strategy ?? "OnePerAz");
  const allocationIds = asList(asMap(inputs.natGateways).elasticIpAllocationIds) as string[];
  const nameTags = inputs.subnetNameTagStrategy ?? "Legacy";
  const { name } = vpc;
  const tags = asMap(inputs.tags);
  const sharedTags = { Name: name, ...tags };
  const idOf = (type: string, resourceName: string, fixed?: unknown) =>
    typeof fixed === "string" ? fixed : context.mockId(type, resourceName);
  const argDeps = (...keys: string[]) => inputDependencies(vpc, ...keys);

  const children: Child[] = [];
  const add = (c: Child) => (children.push(c), c);

  const inner = add(
    child(vpc.urn, "aws:ec2/vpc:Vpc", name, {
      inputs: {
        ...Object.fromEntries(vpcInputKeys.map((key) => [key, inputs[key]])),
        cidrBlock: inputs.cidrBlock ?? "10.0.0.0/16",
        tags: sharedTags,
      },
      dependencies: argDeps(...vpcInputKeys, "tags"),
      id: idOf("aws:ec2/vpc:Vpc", name, outputs.vpcId),
    }),
  );
  const vpcId = inner.id;
  const igw = add(
    child(inner.urn, "aws:ec2/internetGateway:InternetGateway", name, {
      inputs: { vpcId, tags: sharedTags },
      dependencies: [inner.urn, ...argDeps("tags")],
      id: idOf("aws:ec2/internetGateway:InternetGateway", name),
    }),
  );

  const created: Record<string, number> = { public: 0, private: 0, isolated: 0 };
  const natGateways: Child[] = [];
  azs.forEach((az, i) => {
    const inAz = specs
      .filter((s) => s.type !== "Unused")
      .map((s, order) => ({ s, order }))
      .sort((a, b) => tierOrder[a.s.type.toLowerCase()] - tierOrder[b.s.type.toLowerCase()] || a.order - b.order)
      .map(({ s }) => s);
    for (const spec of inAz) {
      const tier = spec.type.toLowerCase();
      const specName = spec.name ?? tier;
      const resourceName = `${name}-${specName}-${i + 1}`;
      const nameTag = nameTags === "AvailabilityZone" ? `${name}-${specName}-${azSuffix(az)}` : resourceName;
      const fixedIds = asList(outputs[`${tier}SubnetIds`]);
      const subnet = add(
        child(inner.urn, "aws:ec2/subnet:Subnet", resourceName, {
          inputs: {
            vpcId,
            availabilityZone: az,
            mapPublicIpOnLaunch: tier === "public",
            cidrBlock: spec.cidrBlocks[i],
            assignIpv6AddressOnCreation:
              spec.assignIpv6AddressOnCreation ?? inputs.assignGeneratedIpv6CidrBlock ?? false,
            tags: { ...sharedTags, ...spec.tags, Name: nameTag, SubnetType: spec.type },
          },
          dependencies: [inner.urn, ...argDeps("subnetSpecs", "tags")],
          id: idOf("aws:ec2/subnet:Subnet", resourceName, fixedIds[created[tier]]),
        }),
      );
      created[tier]++;
      const routeTable = add(
        child(subnet.urn, "aws:ec2/routeTable:RouteTable", resourceName, {
          inputs: { vpcId, tags: { ...sharedTags, Name: nameTag, SubnetType: spec.type } },
          dependencies: [subnet.urn, inner.urn, ...argDeps("tags")],
          id: idOf("aws:ec2/routeTable:RouteTable", resourceName),
        }),
      );
      add(
        child(routeTable.urn, "aws:ec2/routeTableAssociation:RouteTableAssociation", resourceName, {
          inputs: { routeTableId: routeTable.id, subnetId: subnet.id },
          dependencies: [routeTable.urn, subnet.urn],
          id: idOf("aws:ec2/routeTableAssociation:RouteTableAssociation", resourceName),
        }),
      );
      if (tier === "public" && natGatewayHere(natStrategy, natGateways.length, i)) {
        const natName = `${name}-${i + 1}`;
        const eip =
          allocationIds.length === 0
            ? add(
                child(subnet.urn, "aws:ec2/eip:Eip", natName, {
                  inputs: { tags: { ...tags, Name: natName } },
                  dependencies: [subnet.urn, ...argDeps("tags")],
                  id: idOf("aws:ec2/eip:Eip", natName),
                  // An EIP's id is its allocation id.
                  outputs: { allocationId: idOf("aws:ec2/eip:Eip", natName) },
                }),
              )
            : undefined;
        const allocationId = eip ? eip.id : allocationIds[i];
        natGateways.push(
          add(
            child(subnet.urn, "aws:ec2/natGateway:NatGateway", natName, {
              inputs: { subnetId: subnet.id, allocationId, tags: { ...tags, Name: natName } },
              dependencies: [subnet.urn, eip?.urn, ...argDeps("tags", ...(eip ? [] : ["natGateways"]))],
              id: idOf("aws:ec2/natGateway:NatGateway", natName),
            }),
          ),
        );
      }
      if (tier === "public") {
        add(
          child(routeTable.urn, "aws:ec2/route:Route", resourceName, {
            inputs: { routeTableId: routeTable.id, gatewayId: igw.id, destinationCidrBlock: "0.0.0.0/0" },
            dependencies: [routeTable.urn, igw.urn],
            // AWS's id for a route, as `pulumi import` takes it: <route table id>_<destination>.
            id: `${routeTable.id}_0.0.0.0/0`,
          }),
        );
      } else if (tier === "private" && natStrategy.toLowerCase() !== "none") {
        const nat = natStrategy.toLowerCase() === "single" ? natGateways[0] : natGateways[i];
        if (!nat) throw new Error(`${vpc.name}: AZ ${az} has a private subnet but no NAT gateway to route through`);
        add(
          child(routeTable.urn, "aws:ec2/route:Route", resourceName, {
            inputs: { routeTableId: routeTable.id, natGatewayId: nat.id, destinationCidrBlock: "0.0.0.0/0" },
            dependencies: [routeTable.urn, nat.urn],
            // AWS's id for a route, as `pulumi import` takes it: <route table id>_<destination>.
            id: `${routeTable.id}_0.0.0.0/0`,
          }),
        );
      }
      // Isolated subnets get no route to the internet.
    }
  });
  return children;
}
