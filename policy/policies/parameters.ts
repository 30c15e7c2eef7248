/**
 * SSM parameters (SPEC X5): a SecureString is encrypted with a customer-managed key, not alias/aws/ssm, so the key
 * policy decides who reads it.
 */
import { resourcePolicy } from "../lib/define";
import { keyVerdict } from "../lib/keys";
import { prop, Unknown } from "../lib/values";
import { T } from "./types";

export const ssmSecureStringKms = resourcePolicy({
  name: "ssm-parameter-kms",
  description:
    "SSM SecureString parameters are encrypted with a customer-managed KMS key (keyId), not the default AWS-managed alias/aws/ssm.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediation: "set keyId to a customer-managed key; keep plain String parameters for values that are not secret.",
  coverage: [{ control: "at rest", types: [T.ssmParameter], checkov: ["CKV_AWS_337"] }],
  types: [T.ssmParameter],
  check: ({ props }) => {
    const type = prop(props, "type");
    if (type !== "SecureString") return [];
    const key = prop(props, "keyId");
    if (key === Unknown) return [];
    return keyVerdict(key) === "customer-managed"
      ? []
      : [`The SecureString uses ${key === undefined ? "the default alias/aws/ssm" : String(key)}, an AWS-managed key.`];
  },
});

export const parameterPolicies = [ssmSecureStringKms];
