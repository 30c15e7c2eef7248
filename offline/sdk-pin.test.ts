/**
 * What the harness takes from the Pulumi SDK, pinned: a small fixed program (a component with an alias, a protected
 * custom resource with a secret, one that depends on it through an output and an explicit dependsOn, a remote
 * component given a resource reference, secret and plain stack outputs) run through offline/run.ts, whose whole
 * record is written out below. The harness reaches into SDK internals (offline/monitor.ts); an SDK upgrade that
 * changes the URNs, inputs, secrets, dependencies or options it records fails here before it changes any stack's
 * record unnoticed.
 */
import type * as Pulumi from "@pulumi/pulumi";
import { runStack } from "./run";

async function program() {
  const pulumi: typeof Pulumi = await import("@pulumi/pulumi");
  class Thing extends pulumi.CustomResource {
    constructor(name: string, props: Pulumi.Inputs, opts: Pulumi.CustomResourceOptions) {
      super("pin:index:Thing", name, props, opts);
    }
  }
  const box = new pulumi.ComponentResource("pin:index:Box", "box", {}, { aliases: [{ name: "old-box" }] });
  const first = new Thing(
    "first",
    { size: 1, token: pulumi.secret("s3cret"), tags: { team: "platform" } },
    { parent: box, protect: true, ignoreChanges: ["size"] },
  );
  const second = new Thing(
    "second",
    { upstream: first.id, names: ["a", "b"] },
    { parent: box, dependsOn: [box], deleteBeforeReplace: true, additionalSecretOutputs: ["names"] },
  );
  new pulumi.ComponentResource("pin:index:Remote", "remote", { thing: first, size: second.id }, {}, true);
  return { firstId: first.id, hidden: pulumi.secret("x") };
}

const none = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  deleteBeforeReplace: false,
  retainOnDelete: false,
  replaceOnChanges: [],
  additionalSecretOutputs: [],
};
const box = "urn:pulumi:sdk-pin::qualisys::pin:index:Box::box";
const first = "urn:pulumi:sdk-pin::qualisys::pin:index:Box$pin:index:Thing::first";
const second = "urn:pulumi:sdk-pin::qualisys::pin:index:Box$pin:index:Thing::second";

it("records a small fixed program exactly as this SDK version registers it", async () => {
  const run = await runStack("sdk-pin", { program, config: { "aws:region": "us-east-1" } });
  expect(run.error).toBeUndefined();
  expect(run.outputs).toEqual({ firstId: "first-id", hidden: "[secret]" });
  expect(run.secretOutputs).toEqual(["hidden"]);
  expect(run.resources).toEqual([
    {
      urn: box,
      type: "pin:index:Box",
      name: "box",
      id: "box-id",
      custom: false,
      remote: false,
      parent: "urn:pulumi:sdk-pin::qualisys::pulumi:pulumi:Stack::qualisys-sdk-pin",
      provider: null,
      dependencies: [],
      inputs: {},
      secretInputs: [],
      outputs: {},
      secretOutputs: [],
      options: { ...none, aliases: ["urn:pulumi:sdk-pin::qualisys::pin:index:Box::old-box"] },
    },
    {
      urn: first,
      type: "pin:index:Thing",
      name: "first",
      id: "first-id",
      custom: true,
      remote: false,
      parent: box,
      provider: null,
      dependencies: [],
      inputs: { size: 1, tags: { team: "platform" }, token: "[secret]" },
      secretInputs: ["token"],
      outputs: { size: 1, tags: { team: "platform" }, token: "[secret]" },
      secretOutputs: ["token"],
      // The component's alias reaches its children: the engine will recognise this URN as the child's old one.
      options: {
        ...none,
        protect: true,
        ignoreChanges: ["size"],
        aliases: ["urn:pulumi:sdk-pin::qualisys::pin:index:Box$pin:index:Thing::first"],
      },
    },
    {
      urn: second,
      type: "pin:index:Thing",
      name: "second",
      id: "second-id",
      custom: true,
      remote: false,
      parent: box,
      provider: null,
      // Through `upstream` (first's id) and through dependsOn on the component (its children).
      dependencies: [first],
      inputs: { names: ["a", "b"], upstream: "first-id" },
      secretInputs: [],
      outputs: { names: "[secret]", upstream: "first-id" },
      secretOutputs: ["names"],
      options: {
        ...none,
        deleteBeforeReplace: true,
        additionalSecretOutputs: ["names"],
        aliases: ["urn:pulumi:sdk-pin::qualisys::pin:index:Box$pin:index:Thing::second"],
      },
    },
    {
      urn: "urn:pulumi:sdk-pin::qualisys::pin:index:Remote::remote",
      type: "pin:index:Remote",
      name: "remote",
      id: "remote-id",
      custom: false,
      remote: true,
      parent: "urn:pulumi:sdk-pin::qualisys::pulumi:pulumi:Stack::qualisys-sdk-pin",
      provider: null,
      // A resource reference handed to a remote component is not a dependency; an output of a resource is.
      dependencies: [second],
      propertyDependencies: { size: [second] },
      inputs: { size: "second-id", thing: { $resource: first } },
      secretInputs: [],
      // The mocks echo the inputs; the SDK serializes the echoed resource back as its id.
      outputs: { size: "second-id", thing: "first-id" },
      secretOutputs: [],
      options: none,
    },
  ]);
});
