/**
 * The pack covers the data- and endpoint-bearing types of the pinned provider (SPEC X5): every type of the in-scope
 * services that carries an encryption, transport or exposure input is judged by some policy (its coverage metadata,
 * or an IAM document the pack reads) or exempted with a reason. The list comes from the provider's files, so an
 * upgrade that adds a type fails here until it is covered.
 */
import { metaOf } from "../policy/lib/define";
import { documentTypes } from "../policy/lib/documents";
import { policies } from "../policy/policies";
import { exemptions, providerVersion, signalTypes } from "./provider-types";

const found = signalTypes();
const covered = new Set<string>(documentTypes);
for (const p of policies) for (const c of metaOf(p)?.coverage ?? []) c.types.forEach((t) => covered.add(t));

it("finds the provider's signal types (at least the ones the issue names)", () => {
  const types = found.map((f) => f.type);
  expect(types.length).toBeGreaterThan(50);
  expect(types).toEqual(
    expect.arrayContaining([
      "aws:sqs/queue:Queue",
      "aws:lambda/functionUrl:FunctionUrl",
      "aws:opensearch/domain:Domain",
      "aws:elasticache/cluster:Cluster",
      "aws:lb/listener:Listener",
      "aws:ec2/launchTemplate:LaunchTemplate",
    ]),
  );
});

it("every in-scope provider type with an encryption, transport or exposure input is covered or exempted with a reason", () => {
  const missing = found
    .filter((f) => !covered.has(f.type) && !(f.type in exemptions))
    .map((f) => `${f.type} (${f.inputs.join(", ")})`);
  expect({ provider: `@pulumi/aws ${providerVersion()}`, missing }).toEqual({
    provider: `@pulumi/aws ${providerVersion()}`,
    missing: [],
  });
});

it("every exemption names a type the provider still has, that no policy covers, with a reason", () => {
  const types = new Set(found.map((f) => f.type));
  const entries = Object.entries(exemptions);
  expect(entries.length).toBeGreaterThan(0);
  for (const [type, reason] of entries) {
    expect({ type, inProvider: types.has(type), covered: covered.has(type) }).toEqual({
      type,
      inProvider: true,
      covered: false,
    });
    expect(reason.length).toBeGreaterThan(20);
  }
});
