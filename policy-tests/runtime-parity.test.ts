/**
 * The runner is checked against the real thing: the pack is started as `pulumi preview --policy-pack` starts it
 * (its gRPC analyzer server), configured as the CLI configures it (schema defaults), and asked to analyze the same
 * resources, one by one (`analyze`) and as a stack (`analyzeStack`). Its diagnostics must equal the runner's.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import type * as grpcTypes from "@grpc/grpc-js";
import * as rpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import { runStack, type StackRun } from "../offline/run";
import { broken, good, networkRecords, res } from "./fixtures";
import { policies } from "../policy/policies";
import { tempFolders } from "../tests/temp-folder";
import { T } from "../policy/policies/types";
import { enforcementLevelOf, policyConfig, runPolicies, type RecordLike, type Violation } from "../policy/runner";

// gRPC and protobuf as the policy runtime itself loads them (its dependencies, not ours to pin).
const fromPolicyRuntime = <T>(id: string): T =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(require.resolve(id, { paths: [dirname(require.resolve("@pulumi/policy"))] }));
const grpc = fromPolicyRuntime<typeof grpcTypes>("@grpc/grpc-js");
const { Struct } = fromPolicyRuntime<typeof import("google-protobuf/google/protobuf/struct_pb")>(
  "google-protobuf/google/protobuf/struct_pb",
);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const unknown: string = require("@pulumi/policy/proxy").unknownStringValue;
const levelName: Record<number, string> = {
  [pb.EnforcementLevel.ADVISORY]: "advisory",
  [pb.EnforcementLevel.MANDATORY]: "mandatory",
};

let pack: ChildProcess;
let client: rpc.AnalyzerClient;
let prod: StackRun;

const call = <Req, Res>(
  method: (req: Req, cb: (e: grpcTypes.ServiceError | null, r: Res) => void) => unknown,
  req: Req,
) => new Promise<Res>((resolve, reject) => method.call(client, req, (e, r) => (e ? reject(e) : resolve(r))));

const revive = (v: unknown): unknown =>
  v === "[unknown]"
    ? unknown
    : Array.isArray(v)
      ? v.map(revive)
      : v && typeof v === "object"
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)]))
        : v;

function options(r: RecordLike) {
  const o = new pb.AnalyzerResourceOptions();
  o.setCustomtimeouts(new pb.AnalyzerResourceOptions.CustomTimeouts());
  o.setProtect(r.options?.protect ?? false);
  return o;
}

/** A record as the engine hands it to analyzeStack: its state (inputs, id, outputs), options, parent, dependencies. */
function analyzerResource(r: RecordLike) {
  const a = new pb.AnalyzerResource();
  a.setType(r.type);
  a.setName(r.name);
  a.setUrn(r.urn);
  a.setProperties(
    Struct.fromJavaScript(revive({ ...r.inputs, ...(r.id ? { id: r.id } : {}), ...(r.outputs ?? {}) }) as never),
  );
  a.setOptions(options(r));
  if (r.parent) a.setParent(r.parent);
  a.setDependenciesList(r.dependencies ?? []);
  return a;
}

async function startPack() {
  pack = spawn(process.execPath, ["--import", "tsx", "index.ts"], {
    cwd: join(__dirname, "..", "policy"),
    // tsx keeps its cache, and Node its compile cache, in the temp folder: a folder of this file's, removed after.
    env: { ...process.env, TMPDIR: scratch("qualisys-pack-") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const port = await new Promise<string>((resolve, reject) => {
    pack.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()));
    pack.once("exit", (code) => reject(new Error(`the pack exited with ${code}`)));
  });
  client = new rpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  // As the CLI does: every policy's level and its schema defaults.
  const req = new pb.ConfigureAnalyzerRequest();
  for (const p of policies) {
    const c = new pb.PolicyConfig();
    c.setEnforcementlevel(
      enforcementLevelOf(p) === "mandatory" ? pb.EnforcementLevel.MANDATORY : pb.EnforcementLevel.ADVISORY,
    );
    c.setProperties(Struct.fromJavaScript(policyConfig(p) as never));
    req.getPolicyconfigMap().set(p.name, c);
  }
  await call(client.configure, req);
}

beforeAll(async () => {
  [prod] = await Promise.all([runStack("prod"), startPack()]);
}, 30000);

afterAll(async () => {
  client?.close();
  if (pack && pack.exitCode === null && pack.signalCode === null) {
    const exited = new Promise((resolve) => pack.once("exit", resolve));
    pack.kill();
    await exited;
  }
});
// Declared after the hook above: jest runs afterAll hooks in order, so the pack has exited before its folder goes.
const scratch = tempFolders();

// `analyze` diagnostics carry no URN (the engine knows which resource it asked about); `analyzeStack` ones do.
const fromRuntime = (ds: pb.AnalyzeDiagnostic[]) =>
  ds.map((d) => `${d.getPolicyname()} ${levelName[d.getEnforcementlevel()]} ${d.getUrn()} ${d.getMessage()}`).sort();
// The runtime prints the policy's description above the message; "can't run" diagnostics carry the message alone.
const fromRunner = (vs: Violation[], withUrn: boolean) =>
  vs
    .map(
      (v) =>
        `${v.policyName} ${v.enforcementLevel} ${withUrn ? (v.urn ?? "") : ""} ${/^can't run/.test(v.message) ? v.message : `${v.description}\n${v.message}`}`,
    )
    .sort();

const CLUSTER_ADMIN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";
const injected: RecordLike[] = [
  broken(good.rdsInstance(), { storageEncrypted: false, publiclyAccessible: true }),
  res(T.role, { name: "qualisys-prod-x", assumeRolePolicy: "[unknown]" }),
  broken(good.launchTemplate(), { metadataOptions: { httpTokens: "optional" }, blockDeviceMappings: undefined }),
  broken(good.managedNodeGroup(), { launchTemplate: undefined, enableIMDSv2: undefined }),
  broken(good.eksCluster(), { endpointPublicAccess: true, kmsKeyId: "[unknown]", encryptionConfigKeyArn: undefined }),
  res(T.rolePolicyAttachment, { role: "qualisys-prod-app", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }),
  // Undecided beside decided: the runtime reports the violation and then "cannot decide" at advisory level.
  broken(good.eksCluster(), {
    accessEntries: {
      unknown: {
        principalArn: "[unknown]",
        accessPolicies: { a: { policyArn: CLUSTER_ADMIN, accessScope: { type: "cluster" } } },
      },
      user: {
        principalArn: "arn:aws:iam::123456789012:user/bob",
        accessPolicies: { a: { policyArn: CLUSTER_ADMIN, accessScope: { type: "cluster" } } },
      },
    },
  }),
];

it("analyze: the runtime and the runner report the same, resource by resource", async () => {
  const records: RecordLike[] = [...prod.resources, ...injected];
  for (const r of records) {
    const req = new pb.AnalyzeRequest();
    req.setType(r.type);
    req.setName(r.name);
    req.setUrn(r.urn);
    req.setProperties(Struct.fromJavaScript(revive(r.inputs) as never));
    req.setOptions(options(r));
    const response = await call<pb.AnalyzeRequest, pb.AnalyzeResponse>(client.analyze, req);
    const ours = await runPolicies([r], { policies: policies.filter((p) => "validateResource" in p) });
    expect({ urn: r.urn, d: fromRuntime(response.getDiagnosticsList()) }).toEqual({
      urn: r.urn,
      d: fromRunner(ours.violations, false),
    });
  }
  // The comparison compared something: the injected resources fail.
  const bad = await runPolicies(injected);
  expect(bad.mandatory.length).toBeGreaterThan(5);
  expect(bad.advisory.some((v) => /can't run/.test(v.message))).toBe(true);
  expect(bad.advisory.some((v) => /cannot decide before the update runs/.test(v.message))).toBe(true);
});

it("analyzeStack: the runtime and the runner report the same for a whole stack", async () => {
  const records: RecordLike[] = [...prod.resources, ...networkRecords({ worldRuleOn: "nodes", port: 22 })];
  const req = new pb.AnalyzeStackRequest();
  req.setResourcesList(records.map(analyzerResource));
  const response = await call<pb.AnalyzeStackRequest, pb.AnalyzeResponse>(client.analyzeStack, req);
  const ours = await runPolicies(records, { policies: policies.filter((p) => "validateStack" in p) });
  expect(fromRuntime(response.getDiagnosticsList())).toEqual(fromRunner(ours.violations, true));
  expect(ours.mandatory.map((v) => v.policyName)).toEqual(["sg-no-world-ingress"]);
});

it("analyzeStack: a stack policy that cannot decide is reported at advisory level by both", async () => {
  // A first preview: no ARN of the stack's own is known, so a named account cannot be placed.
  const records: RecordLike[] = [
    res(T.role, {
      name: "qualisys-prod-partner",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:role/x" }, Action: "sts:AssumeRole" },
        ],
      }),
    }),
  ];
  const req = new pb.AnalyzeStackRequest();
  req.setResourcesList(records.map(analyzerResource));
  const response = await call<pb.AnalyzeStackRequest, pb.AnalyzeResponse>(client.analyzeStack, req);
  const ours = await runPolicies(records, { policies: policies.filter((p) => p.name === "iam-foreign-accounts") });
  const runtime = fromRuntime(response.getDiagnosticsList()).filter((d) => d.startsWith("iam-foreign-accounts "));
  expect(runtime).toEqual(fromRunner(ours.violations, true));
  expect(ours.violations.map((v) => [v.enforcementLevel, /cannot decide/.test(v.message)])).toEqual([
    ["advisory", true],
  ]);
});
