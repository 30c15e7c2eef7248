/**
 * The environments a stack can be (SPEC C2, E3). Shared vocabulary: config, components, tools and tests all read
 * this one list.
 */
export const environments = ["dev", "staging", "prod"] as const;
export type Environment = (typeof environments)[number];

/** The GitHub Environment / Kubernetes namespace each environment deploys to. */
export const environmentNamespace: Record<Environment, "dev" | "staging" | "production"> = {
  dev: "dev",
  staging: "staging",
  prod: "production",
};

/** The application namespaces a cluster can host, one per environment. */
export const applicationNamespaces = Object.values(environmentNamespace);
export type ApplicationNamespace = (typeof environmentNamespace)[Environment];
