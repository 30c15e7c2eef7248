/**
 * Kubernetes objects as plain data: components compute manifests as plain, schema-typed data (tested against the
 * Kubernetes schemas), and ./declare turns each into its resource. No Pulumi SDK here, so tests of manifests load none.
 */

/** A Kubernetes object as plain data. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/**
 * Returns a manifest literal as a plain {@link Manifest} after the compiler has checked it against the kubernetes-models
 * interface of its kind (type-only imports: nothing of those ESM packages is loaded at run time). A misspelt field is
 * a type error in `npm run typecheck`; the tests then validate the values against the schemas at run time.
 */
export const typed = <T extends { apiVersion: string; kind: string }>(manifest: T): Manifest =>
  manifest as unknown as Manifest;

/** A resource name for a manifest that says what it is: `<base>-<kind>-<namespace>-<name>`. */
export function manifestResourceName(base: string, manifest: Manifest): string {
  return [base, manifest.kind.toLowerCase(), manifest.metadata.namespace, manifest.metadata.name]
    .filter(Boolean)
    .join("-")
    .replace(/:/g, "-");
}
