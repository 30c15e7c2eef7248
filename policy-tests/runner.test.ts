/** The runner mirrors the policy runtime: type matching, config defaults and levels, unknowns, stack policies. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  validateResourceOfType,
  validateStackResourcesOfType,
  type ResourceValidationPolicy,
  type StackValidationPolicy,
} from "@pulumi/policy";
import { broken, good, res } from "./fixtures";
import { policies } from "../policy/policies";
import { T } from "../policy/policies/types";
import { enforcementLevelOf, policyConfig, runPolicies, validatePackConfig, type PackConfig } from "../policy/runner";

const byName = (name: string) => policies.find((p) => p.name === name)!;

describe("type matching", () => {
  // A class-like value carrying a type token, as generated SDK classes do.
  const Bucket = { __pulumiType: T.bucket } as never;
  const seen: string[] = [];
  const probe: ResourceValidationPolicy = {
    name: "probe",
    description: "records what it sees",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(Bucket, (_props, args) => {
      seen.push(args.name);
    }),
  };

  it("runs validateResourceOfType only on its type", async () => {
    const result = await runPolicies([res(T.bucket, {}, { name: "b" }), res(T.topic, {}, { name: "t" })], {
      policies: [probe],
    });
    expect(seen).toEqual(["b"]);
    expect(result.violations).toEqual([]);
  });

  it("filters stack resources by type with validateStackResourcesOfType", async () => {
    const names: string[] = [];
    const stack: StackValidationPolicy = {
      name: "stack-probe",
      description: "records what it sees",
      enforcementLevel: "advisory",
      validateStack: validateStackResourcesOfType(Bucket, (_buckets, args, report) => {
        names.push(...args.resources.map((r) => r.name));
        report("found buckets");
      }),
    };
    const result = await runPolicies([res(T.bucket, {}, { name: "b" }), res(T.topic, {}, { name: "t" })], {
      policies: [stack],
    });
    expect(names).toEqual(["b"]);
    expect(result.advisory.map((v) => v.message)).toEqual(["found buckets"]);
    expect(result.passed).toBe(true);
  });
});

describe("config", () => {
  const admin = byName("iam-admin-policy-allow-list");
  const attachment = res(T.rolePolicyAttachment, {
    role: "qualisys-prod-developer",
    policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
  });

  it("fills defaults from the policy's configSchema", () => {
    expect(policyConfig(admin)).toEqual({
      allowedRolePatterns: ["*-devops", "*-deploy"],
      adminPolicyNames: ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "AWSCloudShellFullAccess"],
    });
  });

  it("lets the pack config override an allow-list", async () => {
    expect((await runPolicies([attachment], { policies: [admin] })).mandatory).toHaveLength(1);
    const config: PackConfig = { "iam-admin-policy-allow-list": { allowedRolePatterns: ["*-developer"] } };
    expect((await runPolicies([attachment], { policies: [admin], config })).violations).toEqual([]);
  });

  it("applies levels per policy, then 'all', then the policy's own; disabled policies do not run", async () => {
    expect(enforcementLevelOf(admin, { all: "advisory" })).toBe("advisory");
    expect(enforcementLevelOf(admin, { all: "advisory", "iam-admin-policy-allow-list": "mandatory" })).toBe(
      "mandatory",
    );
    expect(
      (
        await runPolicies([attachment], {
          policies: [admin],
          config: { "iam-admin-policy-allow-list": { enforcementLevel: "advisory" } },
        })
      ).advisory,
    ).toHaveLength(1);
    expect(
      (await runPolicies([attachment], { policies: [admin], config: { "iam-admin-policy-allow-list": "disabled" } }))
        .violations,
    ).toEqual([]);
    expect(
      (await runPolicies([attachment], { policies: [admin], config: { "iam-admin-policy-allow-list": "remediate" } }))
        .mandatory,
    ).toHaveLength(1);
  });

  it("rejects config the schemas do not allow", () => {
    expect(
      validatePackConfig(
        {
          "no-such-policy": "mandatory",
          "iam-admin-policy-allow-list": { allowedRolePatterns: "*-devops", colour: "red" },
          "rds-not-public": { enforcementLevel: "sometimes" as never },
        },
        policies,
      ),
    ).toEqual([
      "no-such-policy: no such policy",
      "iam-admin-policy-allow-list.allowedRolePatterns: expected array, got string",
      "iam-admin-policy-allow-list.colour: not a property of this policy",
      'rds-not-public.enforcementLevel: "sometimes" is not one of advisory, mandatory, remediate, disabled',
    ]);
  });

  it("accepts the example config file", () => {
    const example = JSON.parse(readFileSync(join(__dirname, "..", "policy", "policy-config.example.json"), "utf8"));
    expect(validatePackConfig(example, policies)).toEqual([]);
  });
});

describe("unknown values", () => {
  it("treats an unknown reference as set, without reading it", async () => {
    const result = await runPolicies([
      broken(good.rdsInstance(), { kmsKeyId: "[unknown]", performanceInsightsKmsKeyId: "[unknown]" }),
    ]);
    expect(result.mandatory).toEqual([]);
    expect(result.advisory.map((v) => v.policyName)).toEqual(["budget-present"]);
  });

  it("reports a policy that must read an unknown value as advisory, as the runtime does", async () => {
    const role = res(T.role, { name: "qualisys-prod-x", assumeRolePolicy: "[unknown]" });
    const result = await runPolicies([role], { policies: [byName("iam-human-role-requires-mfa")] });
    expect(result.mandatory).toEqual([]);
    expect(result.advisory).toHaveLength(1);
    expect(result.advisory[0].message).toMatch(
      /can't run policy 'iam-human-role-requires-mfa' from policy pack 'qualisys-guardrails@v0.1.0' during preview: .*assumeRolePolicy/,
    );
  });

  it("resolves a rule's unknown security group through its dependencies", async () => {
    const nodes = res(T.securityGroup, { name: "qualisys-prod-nodes" }, { name: "nodes" });
    const lb = res(T.securityGroup, { name: "qualisys-prod-loadBalancer" }, { name: "lb" });
    const rule = (group: typeof lb) =>
      res(
        T.ingressRule,
        { securityGroupId: "[unknown]", cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 443, toPort: 443 },
        { dependencies: [group.urn] },
      );
    const policy = [byName("sg-no-world-ingress")];
    expect((await runPolicies([nodes, lb, rule(lb)], { policies: policy })).violations).toEqual([]);
    expect((await runPolicies([nodes, lb, rule(nodes)], { policies: policy })).mandatory).toHaveLength(1);
  });
});

it("reports violations with the policy, level, resource and message", async () => {
  const bad = broken(good.rdsInstance(), { storageEncrypted: false });
  const result = await runPolicies([bad], { policies: [byName("rds-storage-encrypted")] });
  expect(result).toMatchObject({
    passed: false,
    mandatory: [
      {
        policyName: "rds-storage-encrypted",
        enforcementLevel: "mandatory",
        urn: bad.urn,
        resourceName: bad.name,
        resourceType: T.rdsInstance,
      },
    ],
  });
  expect(result.mandatory[0].message).toMatch(/Storage is not encrypted\. Remediation: set storageEncrypted: true/);
});
