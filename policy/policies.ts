/**
 * Every policy of the pack, as a plain list (SPEC X3), so tests and tools can run them in process without
 * constructing the pack. The policies themselves arrive with the policy-pack issue.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [];
