/**
 * The pack loads the way the Pulumi CLI loads it (SPEC X4, issue 11): copied alone out of this repository, installed
 * from its own lockfile, started through the SDK's `cmd/run-policy-pack` entry (ts-node, type-checked, with the
 * pack's own tsconfig and TypeScript), and asked over gRPC for its policies. Nothing of the repository's root
 * (its tsconfig, its node_modules) is reachable from the copy.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type * as grpcTypes from "@grpc/grpc-js";
import * as rpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import type * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import { policies } from "../policy/policies";

const packDir = join(__dirname, "..", "policy");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const grpc: typeof grpcTypes = require(
  require.resolve("@grpc/grpc-js", { paths: [dirname(require.resolve("@pulumi/policy"))] }),
);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Empty } = require(
  require.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [dirname(require.resolve("@pulumi/policy"))] }),
);

let copy: string;
let pack: ChildProcess | undefined;
let stderr = "";

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), "qualisys-pack-"));
  for (const entry of readdirSync(packDir).filter((e) => e !== "node_modules"))
    cpSync(join(packDir, entry), join(copy, entry), { recursive: true });
  // Its own lockfile, as `pulumi policy publish` ships it; the registry is reachable in CI (npm's cache makes it quick).
  execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts", "--prefer-offline"], {
    cwd: copy,
    stdio: "pipe",
  });
}, 120000);

afterAll(() => {
  pack?.kill();
  if (copy) rmSync(copy, { recursive: true, force: true });
});

it("the pack declares everything it needs: own lockfile, tsconfig without extends, TypeScript and types", () => {
  const manifest = JSON.parse(readFileSync(join(packDir, "package.json"), "utf8"));
  expect(Object.keys(manifest.dependencies)).toEqual(
    expect.arrayContaining(["@pulumi/policy", "@pulumi/pulumi", "typescript", "ts-node", "@types/node"]),
  );
  expect(readdirSync(packDir)).toEqual(
    expect.arrayContaining(["package-lock.json", "tsconfig.json", "PulumiPolicy.yaml"]),
  );
  expect(readdirSync(packDir).filter((f) => f.endsWith(".test.ts") || f === "fixtures.ts")).toEqual([]);
});

it("starts from a standalone copy as the CLI starts it and lists every policy", async () => {
  const entry = join(copy, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack");
  // The CLI runs `node <sdk>/cmd/run-policy-pack <engine address> <pack dir>` in the pack's folder.
  pack = spawn(process.execPath, [entry, "127.0.0.1:0", "."], {
    cwd: copy,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NODE_PATH: "" },
  });
  pack.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const port = await new Promise<string>((resolve, reject) => {
    pack!.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()));
    pack!.once("exit", (code) => reject(new Error(`the pack exited with ${code}: ${stderr}`)));
  });
  expect(port).toMatch(/^\d+$/);
  const client = new rpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const info = await new Promise<pb.AnalyzerInfo>((resolve, reject) =>
    client.getAnalyzerInfo(new Empty(), (e, r) => (e ? reject(e) : resolve(r))),
  );
  client.close();
  expect(info.getName()).toBe("qualisys-guardrails");
  expect(
    info
      .getPoliciesList()
      .map((p) => p.getName())
      .sort(),
  ).toEqual(policies.map((p) => p.name).sort());
}, 90000);
