/** The host contract's reader: every way a host can fail to serve names the key and what to do. */
import { platformRefProblems, readPlatformRef, type PlatformRef } from "./contract";

const ref: PlatformRef = {
  region: "us-east-1",
  accountId: "123456789012",
  vpcId: "vpc-0abc",
  vpcCidr: "10.10.0.0/16",
  databaseSubnetIds: ["subnet-1", "subnet-2"],
  loadBalancerCidrs: ["10.10.128.0/23", "10.10.130.0/23"],
  securityGroupIds: { database: "sg-2", cache: "sg-3" },
  clusterName: "qualisys-dev",
  oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X",
  oidcIssuer: "oidc.eks.us-east-1.amazonaws.com/id/X",
  nodeRoleArn: "arn:aws:iam::123456789012:role/qualisys-dev-nodes",
  namespaces: ["dev"],
  ingressClassName: "alb",
  ingressAnnotations: { "alb.ingress.kubernetes.io/group.name": "qualisys-dev" },
};
const check = {
  stack: "staging",
  accountId: "123456789012",
  region: "us-east-1",
  namespace: "staging",
  host: "qualisys/qualisys/dev",
};

it("accepts a complete contract", () => {
  expect(platformRefProblems(ref)).toEqual([]);
  expect(readPlatformRef(ref, check)).toBe(ref);
});

it("names what an older host lacks, and says to deploy it first", () => {
  const older: Partial<PlatformRef> = { ...ref };
  delete older.ingressClassName;
  delete older.securityGroupIds;
  expect(platformRefProblems({ ...older, databaseSubnetIds: [] })).toEqual([
    "databaseSubnetIds",
    "securityGroupIds",
    "ingressClassName",
  ]);
  expect(() => readPlatformRef(older, check)).toThrow(
    "qualisys:platform.stack (qualisys/qualisys/dev): the host's `platform` output lacks securityGroupIds, ingressClassName. Deploy the host stack with this version of the program first (`pulumi up -s qualisys/qualisys/dev`), then this one.",
  );
  expect(() => readPlatformRef(undefined, check)).toThrow(/the host's `platform` output is missing/);
});

it("refuses another account, another region and a namespace the host already has", () => {
  expect(() => readPlatformRef(ref, { ...check, accountId: "210987654321" })).toThrow(
    /the host is in AWS account 123456789012, but this stack \(staging\) runs with credentials of account 210987654321/,
  );
  expect(() => readPlatformRef(ref, { ...check, region: "eu-west-1" })).toThrow(/host is in us-east-1/);
  expect(() => readPlatformRef(ref, { ...check, namespace: "dev" })).toThrow(/already has namespace dev/);
});
