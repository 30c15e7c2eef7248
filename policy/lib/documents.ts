/**
 * Where IAM documents sit on each resource type, so every IAM policy of the pack reads the same documents.
 */
import { parseDocument, type NormalStatement } from "./iam";
import { list, prop, Unknown } from "./values";
import { T } from "../policies/types";

/**
 * `boundary`: a managed policy tagged {@link boundaryTag}, used as roles' permissions boundary. A boundary grants
 * nothing by itself ("Permissions boundaries for IAM entities", IAM User Guide): it is the ceiling on what a role's
 * identity policies grant, so the identity rules (wildcards, PassRole) do not read it; iam-boundary-never-granted
 * makes sure it is never attached as an identity policy instead.
 */
export type DocumentKind = "identity" | "boundary" | "trust" | "key" | "resource";

/** The tag that marks a managed policy as a permissions boundary (see {@link DocumentKind}). */
export const boundaryTag = { key: "qualisys:permissions-boundary", value: "true" } as const;

/** Is this `aws:iam/policy:Policy` marked as a permissions boundary? */
export const isBoundaryPolicy = (props: Record<string, unknown>) => {
  const tags = prop(props, "tags");
  return (
    tags !== Unknown &&
    typeof tags === "object" &&
    tags !== null &&
    (tags as Record<string, unknown>)[boundaryTag.key] === boundaryTag.value
  );
};

export interface FoundDocument {
  kind: DocumentKind;
  /** Which input holds it (`policy`, `assumeRolePolicy`, `inlinePolicies[0].policy`). */
  where: string;
  statements?: NormalStatement[];
  /** Set when the document cannot be parsed. */
  error?: string;
}

const documentInputs: Record<string, { key: string; kind: DocumentKind }[]> = {
  [T.iamPolicy]: [{ key: "policy", kind: "identity" }],
  [T.rolePolicy]: [{ key: "policy", kind: "identity" }],
  [T.groupPolicy]: [{ key: "policy", kind: "identity" }],
  [T.userPolicy]: [{ key: "policy", kind: "identity" }],
  [T.role]: [{ key: "assumeRolePolicy", kind: "trust" }],
  [T.kmsKey]: [{ key: "policy", kind: "key" }],
  [T.ecrRepositoryPolicy]: [{ key: "policy", kind: "resource" }],
  [T.secretPolicy]: [{ key: "policy", kind: "resource" }],
  [T.topicPolicy]: [{ key: "policy", kind: "resource" }],
  [T.bucketPolicy]: [{ key: "policy", kind: "resource" }],
  [T.topic]: [{ key: "policy", kind: "resource" }],
  [T.bucketV2]: [{ key: "policy", kind: "resource" }],
  [T.bucket]: [{ key: "policy", kind: "resource" }],
  [T.accessPoint]: [{ key: "policy", kind: "resource" }],
  [T.queue]: [{ key: "policy", kind: "resource" }],
  [T.queuePolicy]: [{ key: "policy", kind: "resource" }],
  [T.secret]: [{ key: "policy", kind: "resource" }],
  [T.opensearchDomain]: [{ key: "accessPolicies", kind: "resource" }],
  [T.opensearchDomainPolicy]: [{ key: "accessPolicies", kind: "resource" }],
  [T.efsFileSystemPolicy]: [{ key: "policy", kind: "resource" }],
  [T.backupVaultPolicy]: [{ key: "policy", kind: "resource" }],
  [T.kinesisResourcePolicy]: [{ key: "policy", kind: "resource" }],
  [T.mskClusterPolicy]: [{ key: "policy", kind: "resource" }],
  [T.dynamoResourcePolicy]: [{ key: "policy", kind: "resource" }],
  [T.restApi]: [{ key: "policy", kind: "resource" }],
  [T.restApiPolicy]: [{ key: "policy", kind: "resource" }],
  [T.ecrRegistryPolicy]: [{ key: "policy", kind: "resource" }],
  [T.kmsKeyPolicy]: [{ key: "policy", kind: "key" }],
  [T.kmsReplicaKey]: [{ key: "policy", kind: "key" }],
  [T.kmsExternalKey]: [{ key: "policy", kind: "key" }],
  [T.kmsReplicaExternalKey]: [{ key: "policy", kind: "key" }],
  [T.lambdaResourcePolicy]: [{ key: "policy", kind: "resource" }],
  [T.eventBusPolicy]: [{ key: "policy", kind: "resource" }],
  ["aws:s3/filesFileSystemPolicy:FilesFileSystemPolicy"]: [{ key: "policy", kind: "resource" }],
  ["aws:s3/vectorsVectorBucketPolicy:VectorsVectorBucketPolicy"]: [{ key: "policy", kind: "resource" }],
};

function documentTypes_() {
  return Object.keys(documentInputs);
}

/** Types holding a KMS key policy. */
export const keyPolicyTypes = documentTypes_().filter((t) => documentInputs[t].some((d) => d.kind === "key"));

export const documentTypes = documentTypes_();

/** Types holding a resource policy (who, beyond identity policies, may act on the resource). */
export const resourcePolicyTypes = documentTypes.filter((t) => documentInputs[t].some((d) => d.kind === "resource"));

/**
 * The documents of a resource. An unknown document makes the runtime proxy throw here, on purpose: the policy is
 * then reported as "can't run during preview", as the runtime does, rather than passing unseen.
 */
export function documentsOf(type: string, props: Record<string, unknown>): FoundDocument[] {
  const found: FoundDocument[] = [];
  const add = (kind: DocumentKind, where: string, value: unknown) => {
    if (value === undefined || value === null || value === "") return;
    const parsed = parseDocument(value);
    found.push(parsed.ok ? { kind, where, statements: parsed.statements } : { kind, where, error: parsed.error });
  };
  for (const { key, kind } of documentInputs[type] ?? [])
    add(type === T.iamPolicy && kind === "identity" && isBoundaryPolicy(props) ? "boundary" : kind, key, props[key]);
  if (type === T.role) {
    list(prop(props, "inlinePolicies")).forEach((p, i) => {
      if (p !== Unknown) add("identity", `inlinePolicies[${i}].policy`, (p as Record<string, unknown>).policy);
    });
  }
  return found;
}
