/**
 * Relations between resources in a stack policy. A reference (a rule's security group id, a policy's group name)
 * may be unknown during preview, so a link is recognised by value when both sides are known, and otherwise by the
 * engine's dependency edges (the property's dependencies when the engine sends them, else the resource's).
 */
import type { PolicyResource } from "@pulumi/policy";
import { prop, Unknown } from "./values";

/** The identifying values of a resource that other resources use to refer to it. */
export function handles(resource: PolicyResource): unknown[] {
  return ["id", "name", "arn", "bucket"]
    .map((k) => prop(resource.props, k))
    .filter((v) => v !== undefined && v !== Unknown && v !== "");
}

/** The resources of `candidates` that `resource`'s property `key` refers to. */
export function referenced(resource: PolicyResource, key: string, candidates: PolicyResource[]): PolicyResource[] {
  const raw = prop(resource.props, key);
  const values = Array.isArray(raw) ? raw : [raw];
  const known = values.filter((v) => v !== undefined && v !== Unknown);
  const byValue = candidates.filter((c) => handles(c).some((h) => known.includes(h)));
  if (byValue.length) return byValue;
  const propertyDeps = resource.propertyDependencies?.[key];
  if (propertyDeps?.length) return candidates.filter((c) => propertyDeps.includes(c));
  if (raw === Unknown || values.includes(Unknown)) return candidates.filter((c) => resource.dependencies.includes(c));
  return [];
}
