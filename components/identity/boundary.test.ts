/**
 * The tenant boundary fits IAM's managed-policy size for every tenant name the config allows: IAM counts a managed
 * policy's characters without whitespace and caps them at 6,144 ("IAM and AWS STS quotas",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html, read 2026-12). Its behaviour is
 * simulated in tests/isolation.test.ts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { maxTenantPrefixLength, tenantNamespaces } from "../../config/platform";
import { tenantClusterAccess } from "../platform/tenancy";
import { boundaryTag, tenantBoundary } from "./boundary";
import { boundaryTag as packBoundaryTag } from "../../policy/lib/documents";

const iamManagedPolicyLimit = 6144;
const size = (doc: object) => JSON.stringify(doc).replace(/\s/g, "").length;

/** The boundary of a tenant named `stack` under app `appName`, on a host cluster named `cluster`. */
function boundaryOf(appName: string, stack: string, cluster: string, partition = "aws-us-gov") {
  const prefix = `${appName}-${stack}`;
  return tenantBoundary({
    // The longest partition and region names AWS uses make the longest ARNs.
    account: { accountId: "123456789012", partition, region: "ap-southeast-7" },
    prefix,
    logGroupPrefix: `/${appName}/${stack}`,
    tag: { key: "environment", value: stack },
    clusterName: cluster,
    clusterAccess: Object.values(tenantClusterAccess(stack, prefix, tenantNamespaces(stack))),
  });
}

it.each([2, 8, 20].flatMap((appLength) => ["aws", "aws-cn", "aws-us-gov"].map((p) => [appLength, p] as const)))(
  "fits IAM's 6,144 characters at the longest prefixes allowed (tenant and host), with a %i-character app name in %s",
  (appLength, partition) => {
    const app = "a".repeat(appLength);
    const longest = (c: string) => c.repeat(maxTenantPrefixLength - appLength - 1);
    const doc = boundaryOf(app, longest("s"), `${app}-${longest("h")}`, partition);
    expect(`${app}-${longest("s")}`).toHaveLength(maxTenantPrefixLength);
    expect(size(doc)).toBeLessThanOrEqual(iamManagedPolicyLimit);
  },
);

it("would not fit for much longer names (the limit is what the config's rule protects)", () => {
  expect(size(boundaryOf("qualisys", "s".repeat(50), `qualisys-${"h".repeat(50)}`))).toBeGreaterThan(
    iamManagedPolicyLimit,
  );
});

it("is documented with the same figures: the prefix cap and IAM's quota", () => {
  const read = (page: string) => readFileSync(join(__dirname, "../../docs", page), "utf8").replace(/\s+/g, " ");
  const quota = iamManagedPolicyLimit.toLocaleString("en-US");
  expect(read("shared-platform.md")).toContain(`caps a managed policy at ${quota} characters`);
  expect(read("shared-platform.md")).toContain(`and its host's at ${maxTenantPrefixLength} characters`);
  expect(read("configuration.md")).toContain(`at most ${maxTenantPrefixLength} characters`);
  expect(read("configuration.md")).toContain(`IAM's ${quota}-character managed-policy quota`);
});

it("carries the tag by which the policy pack reads it as a boundary, not as an identity policy", () => {
  expect(boundaryTag).toEqual(packBoundaryTag);
});
