/**
 * Every policy of the pack, as a plain list (SPEC X3), so tests and tools (./runner, the offline preview) run
 * them in process without constructing the pack. Grouped by concern in ./policies/.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { advisoryPolicies } from "./policies/advisory";
import { encryptionPolicies } from "./policies/encryption";
import { leastPrivilegePolicies } from "./policies/least-privilege";
import { mfaPolicies } from "./policies/mfa";
import { networkPolicies } from "./policies/network";
import { productionPolicies } from "./policies/production";
import { runnerPolicies } from "./policies/runner";
import { isolatedSubnetsNoInternetRoute } from "./policies/isolated-subnets";

/** The pack's name (`pulumi preview` prints it beside every violation). */
export const packName = "qualisys-guardrails";

export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  ...encryptionPolicies,
  ...mfaPolicies,
  ...leastPrivilegePolicies,
  ...networkPolicies,
  ...productionPolicies,
  ...runnerPolicies,
  isolatedSubnetsNoInternetRoute,
  ...advisoryPolicies,
];
