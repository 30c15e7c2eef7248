/**
 * Is a KMS key reference a customer-managed key? AWS-managed keys (`alias/aws/<service>`, and their ARNs) have a
 * key policy AWS writes: every principal of the account that may use the service may use the key, so it neither
 * scopes nor audits who reads the data. A key given by ID or ARN (or still unknown at preview: another resource's
 * output) is taken as the customer's; an alias outside `alias/aws/` is too.
 */
import { prop, Unknown } from "./values";

export type KeyVerdict = "customer-managed" | "aws-managed" | "missing";

export function keyVerdict(value: unknown): KeyVerdict {
  if (value === Unknown) return "customer-managed";
  if (typeof value !== "string" || value.trim() === "") return "missing";
  return /(^|:)alias\/aws\//.test(value) ? "aws-managed" : "customer-managed";
}

/** A message when the key input `key` of `props` is not a customer-managed key; undefined when it is. */
export function cmkProblem(props: unknown, key: string, what: string): string | undefined {
  const value = prop(props, key);
  const verdict = keyVerdict(value);
  if (verdict === "missing") return `${what} is not encrypted with a customer-managed KMS key (${key} is not set).`;
  if (verdict === "aws-managed")
    return `${what} is encrypted under the AWS-managed key ${String(value)}: its key policy admits every principal of the account that may use the service, so it neither scopes nor audits access.`;
  return undefined;
}
