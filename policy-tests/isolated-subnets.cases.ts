/**
 * Synthetic stacks for `isolated-subnet-no-internet-route`: a two-AZ VPC laid out as awsx lays one out (public
 * subnets routed to the internet gateway, private ones to a NAT gateway, isolated ones with no default route), and
 * the same VPC with one property changed. Shared by policies.test.ts (its pass/fail table) and
 * isolated-subnets.test.ts.
 */
import type { RecordLike } from "../policy/runner";
import { res } from "./fixtures";

const T = {
  subnet: "aws:ec2/subnet:Subnet",
  routeTable: "aws:ec2/routeTable:RouteTable",
  route: "aws:ec2/route:Route",
  association: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  igw: "aws:ec2/internetGateway:InternetGateway",
  nat: "aws:ec2/natGateway:NatGateway",
  rdsSubnetGroup: "aws:rds/subnetGroup:SubnetGroup",
};

type Tier = "Public" | "Private" | "Isolated";
/** What to break: a route from one tier's table, or the tag that marks isolated subnets. */
export interface Plant {
  /** Add a default route to `to` in the route table of the first subnet of `tier`. */
  route?: { tier: Tier; to: "igw" | "nat" | "vgw" };
  /** Ids unknown (a first preview): links only through dependencies. */
  unknownIds?: boolean;
  /** Tag the isolated subnets as this type instead (then only a subnet group marks them). */
  isolatedTag?: string;
  /** A database subnet group over the isolated subnets. */
  subnetGroup?: boolean;
}

/** A VPC's subnets, route tables, associations and routes, awsx style, with `plant` applied. */
export function vpcRecords(plant: Plant = {}): RecordLike[] {
  const id = (value: string) => (plant.unknownIds ? "[unknown]" : value);
  const igw = res(T.igw, { vpcId: id("vpc-1") }, { name: "vpc", id: "igw-1" });
  const nat = res(T.nat, { subnetId: id("subnet-public-1") }, { name: "vpc-1", id: "nat-1" });
  const records: RecordLike[] = [igw, nat];
  const firstOf: Partial<Record<Tier, RecordLike>> = {};
  for (const az of [1, 2])
    for (const tier of ["Public", "Private", "Isolated"] as Tier[]) {
      const name = `vpc-${tier.toLowerCase()}-${az}`;
      const type = tier === "Isolated" && plant.isolatedTag ? plant.isolatedTag : tier;
      const subnet = res(T.subnet, { tags: { Name: name, SubnetType: type } }, { name, id: `subnet-${tier}-${az}` });
      const table = res(T.routeTable, { tags: { Name: name } }, { name, id: `rtb-${tier}-${az}` });
      const association = res(
        T.association,
        { routeTableId: id(`rtb-${tier}-${az}`), subnetId: id(`subnet-${tier}-${az}`) },
        { name, dependencies: [table.urn, subnet.urn] },
      );
      records.push(subnet, table, association);
      firstOf[tier] ??= table;
      if (tier === "Public")
        records.push(
          res(
            T.route,
            { routeTableId: id(table.id!), gatewayId: id("igw-1"), destinationCidrBlock: "0.0.0.0/0" },
            { name, dependencies: [table.urn, igw.urn] },
          ),
        );
      if (tier === "Private")
        records.push(
          res(
            T.route,
            { routeTableId: id(table.id!), natGatewayId: id("nat-1"), destinationCidrBlock: "0.0.0.0/0" },
            { name, dependencies: [table.urn, nat.urn] },
          ),
        );
    }
  if (plant.route) {
    const table = firstOf[plant.route.tier]!;
    const target =
      plant.route.to === "igw"
        ? { inputs: { gatewayId: id("igw-1") }, dependencies: [igw.urn] }
        : plant.route.to === "nat"
          ? { inputs: { natGatewayId: id("nat-1") }, dependencies: [nat.urn] }
          : { inputs: { gatewayId: id("vgw-1") }, dependencies: [] };
    records.push(
      res(
        T.route,
        { routeTableId: id(table.id!), destinationCidrBlock: "0.0.0.0/0", ...target.inputs },
        { name: `${table.name}-planted`, dependencies: [table.urn, ...target.dependencies] },
      ),
    );
  }
  if (plant.subnetGroup) {
    const isolated = records.filter((r) => r.type === T.subnet && r.name.startsWith("vpc-isolated-"));
    records.push(
      res(
        T.rdsSubnetGroup,
        { subnetIds: isolated.map((s) => id(s.id!)) },
        { name: "db-subnets", dependencies: isolated.map((s) => s.urn) },
      ),
    );
  }
  return records;
}

/** The policy's pass/fail table: what policies.test.ts runs for every policy. */
export const isolatedSubnetCase = {
  policy: "isolated-subnet-no-internet-route",
  good: [vpcRecords(), vpcRecords({ unknownIds: true }), vpcRecords({ route: { tier: "Isolated", to: "vgw" } })],
  bad: [
    vpcRecords({ route: { tier: "Isolated", to: "igw" } }),
    vpcRecords({ route: { tier: "Isolated", to: "nat" } }),
    vpcRecords({ route: { tier: "Isolated", to: "igw" }, unknownIds: true }),
    vpcRecords({ route: { tier: "Isolated", to: "nat" }, isolatedTag: "Database", subnetGroup: true }),
  ],
};
