/** Runs tests/kubernetes/models.mjs in a child process (the kubernetes-models packages are ESM-only). */
import { execFileSync } from "node:child_process";
import { join } from "node:path";

export interface ValidationResult {
  kind: string;
  name: string;
  namespace?: string;
  ok: boolean;
  unsupported?: boolean;
  error?: string;
}

export function validateManifests(manifests: unknown[]): ValidationResult[] {
  const output = execFileSync(process.execPath, [join(__dirname, "models.mjs")], {
    input: JSON.stringify(manifests),
    encoding: "utf8",
    cwd: join(__dirname, "..", ".."),
  });
  return JSON.parse(output) as ValidationResult[];
}
