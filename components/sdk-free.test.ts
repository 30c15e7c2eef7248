/**
 * The modules of plain data say they load no Pulumi SDK, so the many tests that read policy documents, manifests or
 * Helm values do not pay for loading it (seconds of CPU per test file under jest). esbuild follows every runtime
 * import, as Node would, and drops type-only ones.
 */
import { buildSync } from "esbuild";
import { join } from "node:path";

/** The packages `file` loads at run time, directly or through the project's own modules. */
function runtimePackages(file: string): string[] {
  const { metafile } = buildSync({
    entryPoints: [join(__dirname, file)],
    bundle: true,
    platform: "node",
    packages: "external",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const imports = Object.values(metafile.inputs).flatMap((input) => input.imports);
  return [...new Set(imports.filter((i) => i.external).map((i) => i.path))].sort();
}

it.each(["iam.ts", "kubernetes/manifest.ts", "kubernetes/values.ts"])("%s loads no Pulumi SDK", (file) => {
  expect(runtimePackages(file).filter((p) => p.startsWith("@pulumi/"))).toEqual([]);
});

it("the check sees an SDK where one is loaded (the modules that declare resources)", () => {
  expect(runtimePackages("account.ts")).toEqual(expect.arrayContaining(["@pulumi/aws", "@pulumi/pulumi"]));
  expect(runtimePackages("kubernetes/declare.ts")).toContain("@pulumi/kubernetes");
});
