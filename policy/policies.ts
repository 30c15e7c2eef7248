/**
 * Every policy of the pack, as a plain list (SPEC X3), so tests and tools (./runner, the offline preview) run
 * them in process without constructing the pack. Grouped by concern in ./policies/.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { accountPolicies } from "./policies/accounts";
import { advisoryPolicies } from "./policies/advisory";
import { computePolicies } from "./policies/compute";
import { keysAtRestPolicies } from "./policies/keys-at-rest";
import { databasePolicies } from "./policies/databases";
import { edgePolicies } from "./policies/edge";
import { eksAccessPolicies } from "./policies/eks-access";
import { encryptionPolicies } from "./policies/encryption";
import { kubernetesPolicies } from "./policies/kubernetes";
import { leastPrivilegePolicies } from "./policies/least-privilege";
import { messagingPolicies } from "./policies/messaging";
import { mfaPolicies } from "./policies/mfa";
import { networkPolicies } from "./policies/network";
import { parameterPolicies } from "./policies/parameters";
import { productionPolicies } from "./policies/production";
import { runnerPolicies } from "./policies/runner";
import { isolatedSubnetsNoInternetRoute } from "./policies/isolated-subnets";
import { serverlessPolicies } from "./policies/serverless";
import { storagePolicies } from "./policies/storage";
import { vpcDefaultPolicies } from "./policies/vpc-defaults";

/** The pack's name (`pulumi preview` prints it beside every violation). */
export const packName = "qualisys-guardrails";

export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  ...encryptionPolicies,
  ...mfaPolicies,
  ...leastPrivilegePolicies,
  ...accountPolicies,
  ...eksAccessPolicies,
  ...networkPolicies,
  ...vpcDefaultPolicies,
  ...computePolicies,
  ...storagePolicies,
  ...keysAtRestPolicies,
  ...messagingPolicies,
  ...databasePolicies,
  ...serverlessPolicies,
  ...edgePolicies,
  ...parameterPolicies,
  ...kubernetesPolicies,
  ...productionPolicies,
  ...runnerPolicies,
  isolatedSubnetsNoInternetRoute,
  ...advisoryPolicies,
];
