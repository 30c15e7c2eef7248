/**
 * The shape of the upstream catalogue (upstream/catalogue.json): dated facts about the world the program is
 * deployed into, which the readiness checks (upstream/readiness.ts) compare the record against. It is generated —
 * offline by `npm run catalog:extract` from fetched repository snapshots, online by `npm run catalog:refresh` —
 * never edited by hand (see upstream/README.md).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { EksCalendar } from "./eks-calendar";
import type { SupportWindows } from "./support-windows";

/** A CRD a chart installs. */
export interface CrdFact {
  group: string;
  kind: string;
  /** API versions the CRD serves. */
  versions: string[];
  /** For CRDs in templates/: the value path that must be true for the chart to install them. */
  installedWhen?: string;
}

/** What one published chart version holds (only for the versions the program pins). */
export interface ChartVersionFacts {
  /** Where this version's files were read (snapshot and tag or archive, or the archive URL). */
  source?: string;
  appVersion?: string;
  /** The chart's `kubeVersion` constraint, when it declares one. */
  kubeVersion?: string;
  /** `image.repository:image.tag` (tag defaulting to appVersion) when values.yaml has them. */
  defaultImage?: string;
  hasSchema: boolean;
  /**
   * values.yaml's top-level `podSecurityContext` and `securityContext` (the chart's one workload), when it sets them:
   * what a pod runs with unless the program's values override it.
   */
  defaultSecurityContexts?: { pod?: Record<string, unknown>; container?: Record<string, unknown> };
  /** Every key path the chart accepts: values.yaml, values.schema.json and the paths its templates read. */
  valuesKeys: string[];
  /** Paths below which any key is accepted (empty-map defaults, maps the templates copy through, subcharts). */
  freeForm: string[];
  /** Dependencies; `checked` when the subchart's own keys are in `valuesKeys` (else its key is free-form). */
  subcharts: { name: string; version: string; valuesKey: string; checked: boolean }[];
  crds: CrdFact[];
}

export interface ChartFacts {
  /** The Helm repository URL the program installs from. */
  repo: string;
  /** Where the facts came from (repository snapshot and commit, or the live repository URL). */
  source: string;
  /** When the repository index used was generated (or, without an index, the snapshot's newest release tag). */
  asOf: string;
  /** Every published version, newest first. */
  published: string[];
  /** Details of the pinned versions. */
  versions: Record<string, ChartVersionFacts>;
  /** The application's upstream support windows, where upstream publishes them (upstream/support-windows.ts). */
  support?: SupportWindows;
}

export interface SourcedList {
  versions: string[];
  /** Where the versions came from, and the date of that source. */
  source: string;
  asOf: string;
}

export interface Catalogue {
  /** The date the catalogue was generated. */
  generated: string;
  /** How it was generated: `extract` (fetched snapshots) or `refresh` (live sources). */
  method: "extract" | "refresh";
  charts: Record<string, ChartFacts>;
  /** EKS managed add-on versions known per Kubernetes minor: addonName → minor → versions. */
  eksAddons: Record<string, Record<string, SourcedList>>;
  /** EKS-optimised AL2023 node AMI release versions (`1.35.6-20260714`) per Kubernetes minor. */
  amiReleases: Record<string, SourcedList>;
  /** Built-in Kubernetes API group/versions served per minor (`apps/v1`, `v1` for core). */
  builtinApis: Record<string, SourcedList>;
  /** The EKS version calendar: standard and extended support end dates per minor (upstream/eks-calendar.ts). */
  eksVersions: EksCalendar;
}

export const cataloguePath = join(__dirname, "catalogue.json");
export const REFRESH_COMMAND = "npm run catalog:refresh";

let loaded: Catalogue | undefined;
/** The checked-in catalogue, read on first use only (keeps `npm start` fast when nothing asks for it). */
export function loadCatalogue(): Catalogue {
  loaded ??= JSON.parse(readFileSync(cataloguePath, "utf8")) as Catalogue;
  return loaded;
}
