/**
 * Isolation between the non-production environments (seed 001: namespace per environment; issue 16 keeps it while
 * cutting cost): in the records, dev and staging share nothing — own namespaces behind default-deny network
 * policies, own database and cache reachable only from their own nodes, own database roles' credentials, own
 * secrets prefix readable only by their own secrets store — and neither names the other.
 */
import { runStack, type RecordedResource, type StackRun } from "../offline/run";
import { jsonInput, ofType } from "../offline/record";

const pair = ["dev", "staging"] as const;
const runs: Record<string, StackRun> = {};

beforeAll(async () => {
  for (const stack of pair) runs[stack] = await runStack(stack);
});

const other = (stack: string) => (stack === "dev" ? "staging" : "dev");
const manifests = (run: StackRun, kind: string) =>
  run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.inputs.kind === kind);
const metadata = (r: RecordedResource) => r.inputs.metadata as { name: string; namespace?: string };

describe.each(pair)("%s", (stack) => {
  const run = () => runs[stack];
  const prefix = `qualisys-${stack}`;

  it("never names the other environment's prefix or namespace", () => {
    // `qualisys-dev` followed by a letter is another word (`qualisys-devops`, the human group), not the prefix.
    const mention = new RegExp(`qualisys-${other(stack)}(?![a-z])`);
    expect(
      run()
        .resources.filter((r) => mention.test(JSON.stringify(r)))
        .map((r) => r.urn),
    ).toEqual([]);
    expect(manifests(run(), "Namespace").map((r) => metadata(r).name)).not.toContain(other(stack));
  });

  it("puts its application namespace behind a default-deny policy in both directions", () => {
    const deny = manifests(run(), "NetworkPolicy").find(
      (r) => metadata(r).namespace === stack && metadata(r).name === "default-deny",
    );
    expect(deny?.inputs.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  });

  it("keeps every secret under its own prefix, readable by its secrets store and nothing wider", () => {
    const names = ofType(run(), "aws:secretsmanager/secret:Secret").map((r) => r.inputs.name as string);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name.startsWith(`${prefix}/`)).toBe(true);
    const store = ofType(run(), "aws:iam/rolePolicy:RolePolicy").find((r) => r.name === `${prefix}-external-secrets`)!;
    const read = jsonInput<{ Statement: { Sid: string; Resource: unknown }[] }>(store, "policy").Statement.find(
      (s) => s.Sid === "ReadThisStacksSecrets",
    );
    expect(read?.Resource).toBe(`arn:aws:secretsmanager:us-east-1:123456789012:secret:${prefix}/*`);
  });

  it("has its own database, its roles' credentials under its own prefix, reachable only from its own nodes", () => {
    const [db] = ofType(run(), "aws:rds/instance:Instance");
    expect(db.inputs.identifier).toBe(`${prefix}-postgres`);
    const bootstrap = ofType(run(), "aws:iam/rolePolicy:RolePolicy").find(
      (r) => r.name === `${prefix}-db-bootstrap-secrets`,
    )!;
    const resources = jsonInput<{ Statement: { Resource: string | string[] }[] }>(bootstrap, "policy")
      .Statement.flatMap((s) => s.Resource)
      .filter((arn) => arn.includes(":secret:") && !arn.includes(":secret:rds!db-"));
    expect(resources.map((arn) => arn.split(":secret:")[1].replace(/-[0-9a-f]{6}$/, "")).sort()).toEqual([
      `${prefix}/platform/app-user`,
      `${prefix}/platform/postgres-exporter`,
    ]);
    const nodes = ofType(run(), "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").find((r) =>
      r.name.endsWith("-nodes-ingress-nodes-0"),
    )!.inputs.referencedSecurityGroupId;
    for (const port of [5432, 6379]) {
      const ingress = ofType(run(), "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
        (r) => r.inputs.fromPort === port,
      );
      expect(ingress.map((r) => r.inputs.referencedSecurityGroupId)).toEqual([nodes]);
    }
  });
});

it("dev and staging share no resource id", () => {
  const ids = (run: StackRun) => new Set(run.resources.map((r) => r.id).filter((id) => id));
  const dev = ids(runs.dev);
  expect([...ids(runs.staging)].filter((id) => dev.has(id))).toEqual([]);
});
