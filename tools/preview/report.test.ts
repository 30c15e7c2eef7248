import { validateResourceOfType, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";
import { criticalPath, minutesFor } from "./critical-path";
import { componentGraph, renderSvg, toDot, toMermaid } from "./diagram";
import { resource } from "./fixtures";
import { formatVerdict, packRunner, verdict } from "./verdict";

/** Network → Cluster → nodes → add-on; Database waits for the whole Network component and the keys. */
function platform(multiAz: boolean) {
  const network = resource("qualisys:network:Network", "n");
  const keys = resource("qualisys:keys:EncryptionKeys", "k");
  const cluster = resource("qualisys:cluster:Cluster", "c");
  const database = resource("qualisys:database:Database", "d");
  const vpc = resource("awsx:ec2:Vpc", "vpc", { natGateways: { strategy: "Single" } }, { parent: network.urn });
  const key = resource("aws:kms/key:Key", "rds-key", {}, { parent: keys.urn });
  const eks = resource("eks:index:Cluster", "eks", {}, { parent: cluster.urn, dependencies: [vpc.urn] });
  const nodes = resource("eks:index:ManagedNodeGroup", "general", {}, { parent: cluster.urn, dependencies: [eks.urn] });
  const addon = resource(
    "kubernetes:helm.sh/v3:Release",
    "lbc",
    {},
    { parent: cluster.urn, dependencies: [nodes.urn] },
  );
  const db = resource(
    "aws:rds/instance:Instance",
    "db",
    { multiAz },
    { parent: database.urn, dependencies: [network.urn, key.urn] },
  );
  return { all: [network, keys, cluster, database, vpc, key, eks, nodes, addon, db], vpc, eks, nodes, addon, db };
}

describe("component diagram", () => {
  const graph = componentGraph(platform(true).all, new Map([["Cluster", 102.5]]));

  it("has one node per component and an edge wherever one component's resource depends on another's", () => {
    expect(graph.nodes.map((n) => [n.name, n.resources])).toEqual([
      ["Cluster", 3],
      ["Database", 1],
      ["EncryptionKeys", 1],
      ["Network", 1],
    ]);
    expect(graph.edges).toEqual([
      { from: "EncryptionKeys", to: "Database" },
      { from: "Network", to: "Cluster" },
      { from: "Network", to: "Database" },
    ]);
    expect(graph.nodes.find((n) => n.name === "Cluster")?.monthlyUsd).toBe(102.5);
    expect(graph.nodes.find((n) => n.name === "Database")?.monthlyUsd).toBe(0);
  });

  it("renders Mermaid and DOT with the same nodes and edges", () => {
    const mermaid = toMermaid("dev", graph);
    expect(mermaid).toMatch(/^flowchart LR$/m);
    expect(mermaid).toContain('Cluster["Cluster<br/>3 resources<br/>$102.50/month"]');
    expect(mermaid).toContain("  Network --> Database");
    const dot = toDot("dev", graph);
    expect(dot).toContain('"Network" -> "Cluster";');
    expect(dot.match(/^ {2}"\w+" -> "\w+";$/gm)).toHaveLength(3);
  });

  it("renders an SVG with Graphviz's WebAssembly build, with no system package", async () => {
    const { svg, problem } = await renderSvg(toDot("dev", graph));
    expect(problem).toBeUndefined();
    expect(svg).toContain("<svg");
    expect(svg).toContain("EncryptionKeys");
  });

  it("explains, instead of throwing, when Graphviz rejects the input", async () => {
    const result = await renderSvg("digraph { a -> ");
    expect(result.svg).toBeUndefined();
    expect(result.problem).toMatch(/^Graphviz could not render the diagram: .*syntax error/);
  });
});

describe("deploy critical path", () => {
  it("follows the longest chain of typical create times, expanding a component dependency to its members", () => {
    const { all, vpc, db } = platform(true);
    // vpc 3 → db (Multi-AZ) 20 = 23, longer than vpc 3 → eks 10 → nodes 4 → add-on 2 = 19
    const path = criticalPath(all);
    expect(path.minutes).toBeCloseTo(23, 6);
    expect(path.steps.map((s) => s.urn)).toEqual([vpc.urn, db.urn]);
  });

  it("switches to the cluster chain when the database is single-AZ", () => {
    const { all, vpc, eks, nodes, addon } = platform(false);
    // db single-AZ: 3 + 10 = 13 < 19
    const path = criticalPath(all);
    expect(path.minutes).toBeCloseTo(19, 6);
    expect(path.steps.map((s) => s.urn)).toEqual([vpc.urn, eks.urn, nodes.urn, addon.urn]);
  });

  it("counts components as zero and unknown types as one API call", () => {
    expect(minutesFor(resource("qualisys:network:Network", "n"))).toBe(0);
    expect(minutesFor(resource("aws:foo/bar:Baz", "b"))).toBe(0.1);
  });
});

describe("policy verdict", () => {
  class FakeBucket {
    static __pulumiType = "aws:s3/bucket:Bucket";
  }
  const record = [
    resource("qualisys:network:Network", "n"),
    resource("aws:s3/bucket:Bucket", "open-bucket", { acl: "public-read" }),
    resource("aws:s3/bucket:Bucket", "closed-bucket", { acl: "private" }),
    resource("aws:iam/role:Role", "role"),
  ];
  const noPublicBuckets: ResourceValidationPolicy = {
    name: "no-public-buckets",
    description: "test",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(FakeBucket as any, (bucket: any, _args, report) => {
      if (bucket.acl === "public-read") report("bucket is public");
    }),
  };
  const fewRoles: StackValidationPolicy = {
    name: "few-roles",
    description: "test",
    validateStack: (args, report) => {
      if (args.resources.filter((r) => r.type === "aws:iam/role:Role").length > 0) report("has roles");
    },
  };
  const disabled: ResourceValidationPolicy = {
    name: "always",
    description: "test",
    enforcementLevel: "disabled",
    validateResource: (_args, report) => report("never reported"),
  };

  it("runs resource and stack policies over the record's inputs, with their enforcement levels", async () => {
    const result = await verdict(record, packRunner({ policies: [noPublicBuckets, fewRoles, disabled] }));
    expect(result.violations).toEqual([
      {
        policy: "no-public-buckets",
        enforcementLevel: "mandatory",
        urn: record[1].urn,
        name: "open-bucket",
        message: "bucket is public",
      },
      { policy: "few-roles", enforcementLevel: "advisory", urn: "", name: "", message: "has roles" },
    ]);
    expect(result).toMatchObject({ mandatory: 1, advisory: 1, passed: false });
    expect(formatVerdict(result, 3)).toMatch(
      /^Policy verdict: FAIL — 1 mandatory, 1 advisory violation\(s\) from 3 policies\n {2}\[mandatory\] no-public-buckets: open-bucket: bucket is public/,
    );
  });

  it("gives a policy its config schema's defaults, as CrossGuard does without pack config", async () => {
    const allowList: ResourceValidationPolicy = {
      name: "allowed-roles",
      description: "test",
      enforcementLevel: "mandatory",
      configSchema: { properties: { allowed: { type: "array", default: ["role"] } } },
      validateResource: (args, report) => {
        const { allowed } = args.getConfig<{ allowed: string[] }>();
        if (args.type === "aws:iam/role:Role" && !allowed.includes(args.name)) report("not allowed");
      },
    };
    expect((await verdict(record, packRunner({ policies: [allowList] }))).violations).toEqual([]);
    const renamed = record.map((r) => (r.type === "aws:iam/role:Role" ? { ...r, name: "other" } : r));
    expect((await verdict(renamed, packRunner({ policies: [allowList] }))).mandatory).toBe(1);
  });

  it("passes with advisory findings only, and with any injected runner", async () => {
    expect((await verdict(record, packRunner({ policies: [fewRoles] }))).passed).toBe(true);
    const injected = await verdict(record, () => [
      { policy: "p", enforcementLevel: "mandatory", urn: "u", name: "x", message: "m" },
    ]);
    expect(injected.passed).toBe(false);
  });
});
