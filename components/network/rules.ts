/**
 * The network's traffic rules as data (SPEC N2, N3): which security group accepts what from whom, and what the
 * database subnets' network ACL lets through. The component declares exactly these; tests assert on them.
 */
import { arn, policyDocument, type AwsAccount, type PolicyDocument } from "../iam";
import type { SubnetLayout } from "../../core/subnets";

export const securityGroups = ["loadBalancer", "nodes", "playwrightNodes", "database", "cache"] as const;
export type SecurityGroupName = (typeof securityGroups)[number];

export const ports = { http: 80, https: 443, postgres: 5432, redis: 6379 } as const;

export interface SecurityGroupRule {
  /** The group the rule belongs to. */
  group: SecurityGroupName;
  direction: "ingress" | "egress";
  /** `tcp`, or `-1` for all protocols (ports are then ignored). */
  protocol: "tcp" | "-1";
  fromPort: number;
  toPort: number;
  /** The other side: another of these groups, or an IPv4 CIDR. */
  peer: { group: SecurityGroupName } | { cidr: string };
  description: string;
}

export const securityGroupDescriptions: Record<SecurityGroupName, string> = {
  loadBalancer: "Internet-facing load balancers: HTTP/HTTPS in, pods out",
  nodes: "EKS worker nodes and pods",
  playwrightNodes: "EKS Playwright nodes and their browser pods: no data store admits them",
  database: "RDS PostgreSQL: PostgreSQL from the nodes only",
  cache: "ElastiCache Redis: Redis from the nodes only",
};

const tcp = (port: number) => ({ protocol: "tcp" as const, fromPort: port, toPort: port });
const allTcp = { protocol: "tcp" as const, fromPort: 0, toPort: 65535 };
const anything = { protocol: "-1" as const, fromPort: 0, toPort: 0 };

/**
 * Only the load balancer is reachable from the internet, and only on 80/443. The database and the cache accept
 * their one port from the nodes' group and nothing else; they have no egress (security groups are stateful, so
 * replies need none). Control-plane ↔ node traffic rides the cluster security group EKS attaches itself.
 *
 * The Playwright pool runs untrusted browser workloads, so its nodes (and, through the VPC CNI, their pods' network
 * interfaces) carry `playwrightNodes` instead of `nodes`: the data stores never admit it. It needs no ingress of its
 * own: kubelet, CNI, CoreDNS and scraping between nodes and from the control plane ride the cluster security group,
 * which every node carries, and no load balancer targets the pool.
 */
export function securityGroupRules(): SecurityGroupRule[] {
  return [
    {
      group: "loadBalancer",
      direction: "ingress",
      ...tcp(ports.https),
      peer: { cidr: "0.0.0.0/0" },
      description: "HTTPS from the internet",
    },
    {
      group: "loadBalancer",
      direction: "ingress",
      ...tcp(ports.http),
      peer: { cidr: "0.0.0.0/0" },
      description: "HTTP from the internet, redirected to HTTPS",
    },
    {
      group: "loadBalancer",
      direction: "egress",
      ...allTcp,
      peer: { group: "nodes" },
      description: "To pods and node ports",
    },
    {
      group: "nodes",
      direction: "ingress",
      ...anything,
      peer: { group: "nodes" },
      description: "Node to node and pod to pod",
    },
    {
      group: "nodes",
      direction: "ingress",
      ...allTcp,
      peer: { group: "loadBalancer" },
      description: "From the load balancers to pods",
    },
    {
      group: "nodes",
      direction: "egress",
      ...anything,
      peer: { cidr: "0.0.0.0/0" },
      description: "Images, AWS APIs and the internet through NAT",
    },
    {
      group: "playwrightNodes",
      direction: "egress",
      ...anything,
      peer: { cidr: "0.0.0.0/0" },
      description: "Images, AWS APIs and the sites under test through NAT",
    },
    {
      group: "database",
      direction: "ingress",
      ...tcp(ports.postgres),
      peer: { group: "nodes" },
      description: "PostgreSQL from the nodes",
    },
    {
      group: "cache",
      direction: "ingress",
      ...tcp(ports.redis),
      peer: { group: "nodes" },
      description: "Redis (TLS) from the nodes",
    },
  ];
}

export interface AclRule {
  ruleNo: number;
  action: "allow";
  protocol: "tcp" | "-1";
  fromPort: number;
  toPort: number;
  cidrBlock: string;
}

/**
 * The database subnets' network ACL, a second, stateless layer under the security groups: PostgreSQL and Redis
 * from the node subnets, replies to them on ephemeral ports, and anything within the database tier (replication).
 * Everything else meets the ACL's implicit deny.
 */
export function databaseAclRules(layout: SubnetLayout): { ingress: AclRule[]; egress: AclRule[] } {
  const numbered = (start: number, rules: Omit<AclRule, "ruleNo" | "action">[]): AclRule[] =>
    rules.map((rule, i) => ({ ruleNo: start + i * 10, action: "allow", ...rule }));
  const fromNodes = (port: number) => layout.private.map((cidrBlock) => ({ ...tcp(port), cidrBlock }));
  const withinTier = layout.database.map((cidrBlock) => ({ ...anything, cidrBlock }));
  return {
    ingress: [
      ...numbered(100, fromNodes(ports.postgres)),
      ...numbered(200, fromNodes(ports.redis)),
      ...numbered(300, withinTier),
    ],
    egress: [
      ...numbered(
        100,
        layout.private.map((cidrBlock) => ({ protocol: "tcp" as const, fromPort: 1024, toPort: 65535, cidrBlock })),
      ),
      ...numbered(300, withinTier),
    ],
  };
}

/** The VPC flow logs service may assume the delivery role only for this account's flow logs. */
export function flowLogsTrustPolicy(account: AwsAccount): PolicyDocument {
  return policyDocument({
    Effect: "Allow",
    Principal: { Service: "vpc-flow-logs.amazonaws.com" },
    Action: "sts:AssumeRole",
    Condition: {
      StringEquals: { "aws:SourceAccount": account.accountId },
      ArnLike: { "aws:SourceArn": arn(account, "ec2", "vpc-flow-log/*") },
    },
  });
}

/** The delivery role may write to the flow log group and nothing else. */
export function flowLogsDeliveryPolicy(logGroupArn: string): PolicyDocument {
  return policyDocument({
    Sid: "WriteFlowLogGroup",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
    Resource: [logGroupArn, `${logGroupArn}:*`],
  });
}
