import { loadCatalogue } from "../upstream/catalogue";
import type { EksCalendar } from "../upstream/eks-calendar";

/**
 * The engine and platform versions this program knows. Validation rejects anything else, so a typo fails before
 * a preview instead of during a deploy. Instance classes are in the instance catalogue (core/instances.ts).
 */

/** PostgreSQL majors RDS offers that this program supports (the spec's floor is 15). */
export const postgresMajors = [15, 16, 17, 18] as const;

/** ElastiCache engines and the versions this program supports (the spec's floor is 7). */
export const cacheEngineVersions = {
  redis: ["7.0", "7.1"],
  valkey: ["7.2", "8.0", "8.1"],
} as const;

/** CloudWatch Logs accepts only these retention periods (days). */
export const logRetentionDays = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * The EKS version calendar of the upstream catalogue (upstream/eks-calendar.ts, from the Amazon EKS User Guide):
 * a cluster may be created on any minor EKS still supports today, in standard or extended support; the preview
 * warns about and prices extended support. Read on first use (the catalogue is loaded once per process).
 */
export function eksCalendar(): EksCalendar {
  return loadCatalogue().eksVersions;
}
