/**
 * Where the children models come from: the component source of the pinned package versions, read from snapshots of
 * their repositories (the `fetch` tool's bare git copies of github.com/pulumi/pulumi-awsx and pulumi-eks, read with
 * `git show <commit>:<file>` on 2026-12-06). ./sources.test.ts fails when package.json, package-lock.json or
 * node_modules pin another version than a model was derived from: a bump of @pulumi/awsx or @pulumi/eks needs the
 * new version's source read and the model (and this table) updated in the same change.
 */

export interface ModelSource {
  /** The npm package whose remote components the model stands for. */
  package: "@pulumi/awsx" | "@pulumi/eks";
  /** The pinned version the model was derived for (package.json's exact pin). */
  version: string;
  /** The repository of the component provider's source. */
  repository: string;
  /** The git tag read, and its commit. */
  tag: string;
  commit: string;
  /** The files of the component implementation read, relative to the repository root. */
  files: string[];
  /** When the source was read. */
  readOn: string;
  /** How the tag read relates to the pinned version, when they differ. */
  note?: string;
}

export const awsxSource: ModelSource = {
  package: "@pulumi/awsx",
  version: "3.9.0",
  repository: "https://github.com/pulumi/pulumi-awsx",
  tag: "v3.8.0",
  commit: "3f19048c16e5e942cde97b1771a17f12a99b61d6",
  files: ["awsx/ec2/vpc.ts", "awsx/ec2/subnetDistributorNew.ts", "awsx/ec2/subnetNaming.ts", "awsx/ec2/subnetSpecs.ts"],
  readOn: "2026-12-06",
  note:
    "The snapshot has no v3.9.0 tag: its master ends at e60adf3cf01f3ac03cc6bc846cdd0df320afed23 (2026-08-20) and " +
    "3.9.0 was published to npm on 2026-09-01. awsx/ (the component source) is identical between v3.8.0 and that " +
    "master commit except awsx/package.json and awsx/yarn.lock (dependency bumps), and the 3.9.0 SDK in node_modules " +
    "declares the same Vpc inputs, outputs and enums as master's sdk/nodejs. The model is the v3.8.0 source.",
};

export const eksSource: ModelSource = {
  package: "@pulumi/eks",
  version: "4.3.0",
  repository: "https://github.com/pulumi/pulumi-eks",
  tag: "v4.3.0",
  commit: "0f5a544711cbcace44720e2d70f6702925a2ea4b",
  files: [
    "nodejs/eks/cluster/cluster.ts",
    "nodejs/eks/cluster/authenticationMode.ts",
    "nodejs/eks/servicerole.ts",
    "nodejs/eks/nodes/nodegroup.ts",
    "nodejs/eks/nodes/securitygroup.ts",
    "nodejs/eks/addons/addon.ts",
    "nodejs/eks/package.json",
  ],
  readOn: "2026-12-06",
};

export const modelSources = [awsxSource, eksSource] as const;

/** Where a package's version is pinned: the manifest, the lockfile and the installed copy. */
export interface PinnedVersions {
  packageJson: Record<string, unknown>;
  packageLock: { packages?: Record<string, { version?: string }> };
  /** The `version` of node_modules/<package>/package.json, by package. */
  installed: Record<string, string | undefined>;
}

/**
 * Each place a modelled package is pinned at another version than its model was derived for, as one message
 * naming the place, the version there and what to do. Empty when every model tracks its pin.
 */
export function modelDrift(sources: readonly ModelSource[], pins: PinnedVersions): string[] {
  const dependencies = {
    ...(pins.packageJson.dependencies as Record<string, string> | undefined),
    ...(pins.packageJson.devDependencies as Record<string, string> | undefined),
  };
  const problems: string[] = [];
  for (const source of sources) {
    const places: [string, string | undefined][] = [
      ["package.json", dependencies[source.package]],
      ["package-lock.json", pins.packageLock.packages?.[`node_modules/${source.package}`]?.version],
      [`node_modules/${source.package}`, pins.installed[source.package]],
    ];
    for (const [place, version] of places)
      if (version !== source.version)
        problems.push(
          `${source.package} is ${version ?? "missing"} in ${place}, but offline/children models ${source.version} ` +
            `(${source.repository} ${source.tag}): read the new version's component source and update the model and ` +
            `offline/children/sources.ts with the bump`,
        );
  }
  return problems;
}
