/** ECR lifecycle and repository policies as pure values (SPEC G1). */
import { policyDocument, type AwsAccount, type PolicyDocument, type Statement } from "../iam";

/** A repository's URL, as ECR forms it (`<account>.dkr.ecr.<region>.<dns suffix>/<name>`). */
export const repositoryUrl = (account: AwsAccount, name: string) =>
  `${account.accountId}.dkr.ecr.${account.region}.${account.partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com"}/${name}`;

/** Rule 1 expires untagged images after `untaggedExpiryDays`; rule 2 keeps the newest `keepLast` tagged images. */
export function lifecyclePolicy(keepLast: number, untaggedExpiryDays: number) {
  return {
    rules: [
      {
        rulePriority: 1,
        description: `Expire untagged images after ${untaggedExpiryDays} days`,
        selection: {
          tagStatus: "untagged",
          countType: "sinceImagePushed",
          countUnit: "days",
          countNumber: untaggedExpiryDays,
        },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: `Keep the last ${keepLast} tagged images`,
        selection: {
          tagStatus: "tagged",
          tagPatternList: ["*"],
          countType: "imageCountMoreThan",
          countNumber: keepLast,
        },
        action: { type: "expire" },
      },
    ],
  };
}

/** What pulling an image needs. */
export const pullActions = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];

/** What pushing an image needs (pull actions included: a push checks which layers exist). */
export const pushActions = [
  ...pullActions,
  "ecr:InitiateLayerUpload",
  "ecr:UploadLayerPart",
  "ecr:CompleteLayerUpload",
  "ecr:PutImage",
  "ecr:DescribeImages",
  "ecr:DescribeImageScanFindings",
];

/**
 * CI may push, the cluster's nodes may pull (SPEC G1). Principals are role ARNs of this account; an empty list
 * drops its statement (ECR rejects a statement without principals).
 */
export function repositoryPolicy(pushPrincipalArns: string[], pullPrincipalArns: string[]): PolicyDocument {
  const statements: Statement[] = [];
  if (pushPrincipalArns.length > 0)
    statements.push({
      Sid: "CiPush",
      Effect: "Allow",
      Principal: { AWS: [...pushPrincipalArns].sort() },
      Action: pushActions,
    });
  if (pullPrincipalArns.length > 0)
    statements.push({
      Sid: "NodesPull",
      Effect: "Allow",
      Principal: { AWS: [...pullPrincipalArns].sort() },
      Action: pullActions,
    });
  if (statements.length === 0) throw new Error("a repository policy needs at least one push or pull principal");
  return policyDocument(...statements);
}
