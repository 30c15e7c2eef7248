/**
 * Isolated subnets stay isolated (SPEC N1: the database tier has no route to the internet). awsx marks the subnets
 * of an `Isolated` spec with the tag `SubnetType: Isolated` and gives them route tables without a default route;
 * the subnets a database or cache subnet group names are the data tier whatever their tag. A route to an internet
 * gateway, a NAT gateway or an egress-only gateway in a route table associated with either would expose them. Judged
 * on the `aws:ec2/*` resources a real preview shows (awsx's children), linked by value when ids are known and by the
 * engine's dependency edges when they are not (a first preview).
 */
import type { PolicyResource } from "@pulumi/policy";
import { stackPolicy } from "../lib/define";
import { referenced } from "../lib/links";
import { list, path, prop, Unknown } from "../lib/values";

const types = {
  subnet: "aws:ec2/subnet:Subnet",
  routeTable: "aws:ec2/routeTable:RouteTable",
  route: "aws:ec2/route:Route",
  association: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  internetGateway: "aws:ec2/internetGateway:InternetGateway",
  natGateway: "aws:ec2/natGateway:NatGateway",
  egressOnlyGateway: "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway",
  dataSubnetGroups: ["aws:rds/subnetGroup:SubnetGroup", "aws:elasticache/subnetGroup:SubnetGroup"],
};

/** What a route leads to, when that is the internet (directly, through NAT, or IPv6 egress-only). */
function internetTarget(route: Record<string, unknown>, resources: PolicyResource[], self: PolicyResource) {
  const gateway = prop(route, "gatewayId");
  const igws = resources.filter((r) => r.type === types.internetGateway);
  const viaGateway =
    (typeof gateway === "string" && gateway.startsWith("igw-")) ||
    (self.type === types.route && referenced(self, "gatewayId", igws).length > 0 && gateway !== undefined);
  if (viaGateway) return `the internet gateway ${String(gateway === Unknown ? "(unknown id)" : gateway)}`;
  const nat = prop(route, "natGatewayId");
  if (nat !== undefined && nat !== null && nat !== "")
    return `the NAT gateway ${nat === Unknown ? "(unknown id)" : String(nat)}`;
  const egressOnly = prop(route, "egressOnlyGatewayId");
  if (egressOnly !== undefined && egressOnly !== null && egressOnly !== "") return "an egress-only internet gateway";
  return undefined;
}

export const isolatedSubnetsNoInternetRoute = stackPolicy({
  name: "isolated-subnet-no-internet-route",
  description:
    "Isolated subnets (tagged SubnetType: Isolated, as awsx tags them, or named by a database or cache subnet group) are associated with no route table that routes to an internet gateway, a NAT gateway or an egress-only gateway.",
  enforcementLevel: "mandatory",
  severity: "high",
  coverage: [{ control: "exposure", types: [types.subnet, types.routeTable, types.route, types.association] }],
  remediation:
    "give the isolated tier route tables with local routes only (awsx: subnet spec type Isolated), and reach AWS services through VPC endpoints.",
  check: (resources) => {
    const out: { resource?: PolicyResource; message: string }[] = [];
    const subnets = resources.filter((r) => r.type === types.subnet);
    const tables = resources.filter((r) => r.type === types.routeTable);
    const isolated = new Map<PolicyResource, string>();
    for (const subnet of subnets)
      if (path(subnet.props, "tags", "SubnetType") === "Isolated") isolated.set(subnet, "tagged SubnetType: Isolated");
    for (const group of resources.filter((r) => types.dataSubnetGroups.includes(r.type)))
      for (const subnet of referenced(group, "subnetIds", subnets))
        if (!isolated.has(subnet)) isolated.set(subnet, `in the subnet group ${group.name}`);
    if (!isolated.size) return out;

    for (const association of resources.filter((r) => r.type === types.association)) {
      const [subnet] = referenced(association, "subnetId", [...isolated.keys()]);
      if (!subnet) continue;
      for (const table of referenced(association, "routeTableId", tables)) {
        const why = `route table ${table.name}, associated with the isolated subnet ${subnet.name} (${isolated.get(subnet)})`;
        // Routes declared inline on the table, and routes declared as their own resources.
        list(prop(table.props, "routes")).forEach((route, n) => {
          if (route === Unknown || route === null || typeof route !== "object") return;
          const target = internetTarget(route as Record<string, unknown>, resources, table);
          if (target) out.push({ resource: table, message: `Route #${n + 1} of ${why} leads to ${target}.` });
        });
        for (const route of resources.filter((r) => r.type === types.route)) {
          if (!referenced(route, "routeTableId", [table]).length) continue;
          const target = internetTarget(route.props, resources, route);
          const destination =
            prop(route.props, "destinationCidrBlock") ?? prop(route.props, "destinationIpv6CidrBlock");
          if (target)
            out.push({
              resource: route,
              message: `Route ${route.name} (${destination === Unknown ? "unknown destination" : String(destination ?? "no destination")}) in ${why} leads to ${target}.`,
            });
        }
      }
    }
    return out;
  },
});
