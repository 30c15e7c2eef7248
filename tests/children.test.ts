/**
 * The record holds what a real preview shows under the remote awsx and eks components (offline/children), wired to
 * the rest of the record as the engine would wire it. Invariants hold for any stack file with a platform of its own;
 * counts come from the stack's own config.
 */
import { modelSources } from "../offline/children";
import { generatedSection } from "../tools/docs/generated";
import { byId, ofType } from "../offline/record";
import {
  platformStacks,
  readStackFile,
  runStack,
  shippedStacks,
  type RecordedResource,
  type StackRun,
} from "../offline/run";

const runs: Record<string, StackRun> = {};
beforeAll(async () => {
  for (const stack of platformStacks) runs[stack] = await runStack(stack);
});

const modelledTypes = ["awsx:ec2:Vpc", "eks:index:Cluster", "eks:index:ManagedNodeGroup"];
const childrenOf = (run: StackRun, parent: RecordedResource) => run.resources.filter((r) => r.parent === parent.urn);
/** The remote component a modelled child belongs to (its nearest remote ancestor). */
function owner(run: StackRun, r: RecordedResource): RecordedResource | undefined {
  const byUrn = new Map(run.resources.map((x) => [x.urn, x]));
  for (let p = r.parent ? byUrn.get(r.parent) : undefined; p; p = p.parent ? byUrn.get(p.parent) : undefined)
    if (p.remote) return p;
  return undefined;
}

describe.each(platformStacks)("%s", (stack) => {
  const run = () => runs[stack];
  const config = () => readStackFile(stack).config;

  it("gives every awsx/eks component children, each marked with the package and version it was modelled from", () => {
    const components = run().resources.filter((r) => r.remote && modelledTypes.includes(r.type));
    expect(components.length).toBeGreaterThanOrEqual(3);
    for (const component of components) expect(childrenOf(run(), component).length).toBeGreaterThan(0);
    const versions = modelSources.map((s) => `${s.package} ${s.version}`);
    const modelled = run().resources.filter((r) => r.modelled);
    expect(modelled.length).toBeGreaterThan(0);
    for (const child of modelled) {
      expect(versions).toContain(child.modelled);
      expect(modelledTypes).toContain(owner(run(), child)?.type);
    }
  });

  it("has one record per URN, and no modelled child takes a URN the program registers", () => {
    const urns = run().resources.map((r) => r.urn);
    expect(new Set(urns).size).toBe(urns.length);
  });

  it("gives children their component's protect, and aliases derived from their component's aliases", () => {
    for (const child of run().resources.filter((r) => r.modelled)) {
      const component = owner(run(), child)!;
      expect([child.urn, child.options.protect]).toEqual([child.urn, component.options.protect]);
      // One alias per alias of the component (children inherit, the engine derives their old URNs the same way).
      expect(child.options.aliases.length).toBe(component.options.aliases.length);
      for (const alias of child.options.aliases) expect(alias.endsWith(`::${child.name}`)).toBe(true);
    }
  });

  it("has the subnets whose ids the component returned, and the program's database ACL covers the isolated ones", () => {
    const [vpc] = ofType(run(), "awsx:ec2:Vpc");
    const subnets = ofType(run(), "aws:ec2/subnet:Subnet");
    const tier = (type: string) =>
      subnets.filter((s) => (s.inputs.tags as Record<string, string>).SubnetType === type).map((s) => s.id);
    expect(tier("Public").sort()).toEqual([...(vpc.outputs.publicSubnetIds as string[])].sort());
    expect(tier("Private").sort()).toEqual([...(vpc.outputs.privateSubnetIds as string[])].sort());
    expect(tier("Isolated").sort()).toEqual([...(vpc.outputs.isolatedSubnetIds as string[])].sort());
    const [acl] = ofType(run(), "aws:ec2/networkAcl:NetworkAcl");
    const covered = (acl.inputs.subnetIds as string[]).map((id) => byId(run(), id)?.inputs.tags);
    expect(covered).toEqual(tier("Isolated").map(() => expect.objectContaining({ SubnetType: "Isolated" })));
  });

  it("has the NAT gateways its config asks for, each with an EIP, and routes each private subnet through one", () => {
    const network = config()["qualisys:network"] as { azCount: number; natGateways: string };
    const nats = ofType(run(), "aws:ec2/natGateway:NatGateway");
    expect(nats).toHaveLength(network.natGateways === "onePerAz" ? network.azCount : 1);
    for (const nat of nats) expect(byId(run(), nat.inputs.allocationId)?.type).toBe("aws:ec2/eip:Eip");
    const privateRoutes = ofType(run(), "aws:ec2/route:Route").filter((r) => r.inputs.natGatewayId);
    expect(privateRoutes).toHaveLength(network.azCount);
    for (const route of privateRoutes) {
      const nat = byId(run(), route.inputs.natGatewayId)!;
      const natSubnet = byId(run(), nat.inputs.subnetId)!;
      const table = byId(run(), route.inputs.routeTableId)!;
      const association = run().resources.find((r) => r.parent === table.urn && r.inputs.subnetId)!;
      const routed = byId(run(), association.inputs.subnetId)!;
      expect([routed.inputs.tags, natSubnet.inputs.tags]).toEqual([
        expect.objectContaining({ SubnetType: "Private" }),
        expect.objectContaining({ SubnetType: "Public" }),
      ]);
      // One per AZ: each private subnet leaves through its own AZ's gateway.
      if (network.natGateways === "onePerAz")
        expect(natSubnet.inputs.availabilityZone).toBe(routed.inputs.availabilityZone);
    }
  });

  it("creates the EKS control plane the component describes, from the cluster config (version, logs, encryption, endpoint)", () => {
    const [cluster] = ofType(run(), "aws:eks/cluster:Cluster");
    const settings = config()["qualisys:cluster"] as { version: string; endpointPublicAccessCidrs?: string[] };
    const [key] = ofType(run(), "aws:kms/key:Key").filter((k) => k.name.endsWith("-eks"));
    expect(cluster.inputs).toMatchObject({
      version: settings.version,
      enabledClusterLogTypes: ["api", "audit", "authenticator"],
      encryptionConfig: { provider: { keyArn: key.outputs.arn }, resources: ["secrets"] },
      vpcConfig: {
        endpointPrivateAccess: true,
        endpointPublicAccess: (settings.endpointPublicAccessCidrs ?? []).length > 0,
      },
    });
    // Its node groups run in the cluster it names, with the IMDSv2-only launch templates the program declares.
    const groups = ofType(run(), "aws:eks/nodeGroup:NodeGroup");
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) {
      expect(group.inputs.clusterName).toBe(cluster.inputs.name);
      const template = byId(run(), (group.inputs.launchTemplate as { id: string }).id)!;
      expect(template.inputs.metadataOptions).toMatchObject({ httpTokens: "required" });
      expect(group.dependencies).toContain(template.urn);
    }
  });
});

it("docs/record.md's per-stack table of modelled children is the shipped stacks' records' (UPDATE_DOCS=1 rewrites it)", () => {
  // The shipped stacks only: a personal stack file must not make the docs stale.
  const documented = shippedStacks.filter((s) => platformStacks.includes(s));
  const types = [
    ...new Set(documented.flatMap((s) => runs[s].resources.filter((r) => r.modelled).map((r) => r.type))),
  ].sort();
  expect(types.length).toBeGreaterThan(0);
  const count = (stack: string, type: string) =>
    runs[stack].resources.filter((r) => r.modelled && r.type === type).length;
  const body = [
    `| Modelled child | ${documented.join(" | ")} |`,
    `| --- | ${documented.map(() => "---").join(" | ")} |`,
    ...types.map((type) => `| \`${type}\` | ${documented.map((s) => count(s, type)).join(" | ")} |`),
    `| **Total** (of all resources in the record) | ${documented
      .map((s) => `**${runs[s].resources.filter((r) => r.modelled).length}** (of ${runs[s].resources.length})`)
      .join(" | ")} |`,
  ].join("\n");
  const { current, expected } = generatedSection("docs/record.md", "modelled-children", "tests/children.test.ts", body);
  expect(current).toEqual(expected);
});
