/**
 * The intended reach matrix: the specification tests/reach-matrix.test.ts holds the simulated matrix to, cell by
 * cell (docs/access.md, "Reach matrix"). One entry per principal the application stacks create or trust; for each,
 * the roles it may end up holding (through the trust policies, then role chaining) and the sensitive targets it may
 * reach. Every target not listed is denied. Written by hand from what each identity is for (SPEC I1–I4, P4, P5), not
 * from the simulation: a difference either way fails the test.
 *
 * Accounts: dev and staging share 123456789012 (non-production), prod has 210987654321. Staging is a tenant of dev's
 * platform (docs/shared-platform.md): every role of it carries a permissions boundary that keeps it to staging's own
 * resources, so none of them reaches dev's, and dev's devops stays the account's one administrator.
 */

/** Every target of the non-production account, as its administrators (devops, deploy) reach it. */
const nonProdAdministrator = [
  "iam write 123456789012",
  "secrets dev",
  "secrets staging",
  "kms-decrypt dev",
  "kms-decrypt staging",
  "rds-master dev",
  "rds-master staging",
  "eks-access dev",
  "ecr-push dev",
  "pool-token dev",
];
/** Everything staging's administrators (its devops, its deploy role) reach: its own secrets, keys and database. */
const stagingOwn = ["secrets staging", "kms-decrypt staging", "rds-master staging"];
/** Every target of the prod account, as its administrators reach it. */
const prodAdministrator = [
  "iam write 210987654321",
  "secrets prod",
  "kms-decrypt prod",
  "rds-master prod",
  "eks-access prod",
  "ecr-push prod",
  "pool-token prod",
];
/**
 * The non-production registry is dev's (a tenant creates none and pulls dev's images by digest): only CI pushes,
 * developers pull.
 */
const nonProdPush = ["ecr-push dev"];

export interface IntendedRow {
  /** The roles the principal can hold, its own first, then those it may chain into. */
  holds: string[];
  /** The targets it reaches; every other target is denied. */
  allowed: string[];
}

const nothing: IntendedRow = { holds: [], allowed: [] };

/** Pulumi Deployments of a stack: only the operations that change it get its deploy role; previews get nothing. */
function deployments(stack: string, reach: string[]): Record<string, IntendedRow> {
  const deploy: IntendedRow = {
    holds: [`qualisys-${stack}-deploy`],
    allowed: [`assume ${stack} deploy`, ...reach],
  };
  return {
    [`${stack}: Pulumi Deployments preview`]: nothing,
    [`${stack}: Pulumi Deployments update`]: deploy,
    [`${stack}: Pulumi Deployments refresh`]: deploy,
    // A long-lived stack is never destroyed by Deployments (review stacks, which expire, are).
    [`${stack}: Pulumi Deployments destroy`]: nothing,
    [`${stack}: Pulumi Deployments detect-drift`]: deploy,
    [`${stack}: Pulumi Deployments remediate-drift`]: deploy,
  };
}

/** The add-ons of a stack with its own cluster: none reaches a sensitive target. */
function addOns(stack: string): Record<string, IntendedRow> {
  const sa = (name: string, role: string): [string, IntendedRow] => [
    `${stack}: service account ${name}`,
    { holds: [`qualisys-${stack}-${role}`], allowed: [] },
  ];
  return Object.fromEntries([
    sa("kube-system:ebs-csi-controller-sa", "ebs-csi-driver"),
    sa("kube-system:aws-node", "vpc-cni"),
    sa("kube-system:aws-load-balancer-controller", "aws-load-balancer-controller"),
    sa("kube-system:cluster-autoscaler", "cluster-autoscaler"),
    sa("kube-system:aws-for-fluent-bit", "fluent-bit"),
  ]);
}

export const intendedMatrix: Record<string, IntendedRow> = {
  // dev: the non-production platform (VPC, cluster, runner), in the account it shares with staging.
  // dev's devops is the shared account's administrator: it may also become staging's (AdministratorAccess may
  // assume a role that trusts the account's MFA-holding users).
  "dev: user in devops-users, MFA 5 min old": {
    holds: ["qualisys-dev-devops", "qualisys-dev-developer", "qualisys-staging-devops", "qualisys-staging-developer"],
    allowed: ["assume dev devops", "assume staging devops", ...nonProdAdministrator],
  },
  "dev: user in developer-users, MFA 5 min old": { holds: ["qualisys-dev-developer"], allowed: [] },
  ...deployments("dev", nonProdAdministrator),
  "dev: ec2.amazonaws.com as runner": { holds: ["qualisys-dev-runner"], allowed: ["pool-token dev"] },
  "dev: ec2.amazonaws.com as nodes": { holds: ["qualisys-dev-nodes"], allowed: [] },
  "dev: eks.amazonaws.com as eks-eksRole-role": { holds: ["qualisys-dev-eks-eksRole-role"], allowed: [] },
  "dev: vpc-flow-logs.amazonaws.com as vpc-flow-logs": { holds: ["qualisys-dev-vpc-flow-logs"], allowed: [] },
  ...addOns("dev"),
  "dev: service account external-secrets:external-secrets": {
    holds: ["qualisys-dev-external-secrets"],
    allowed: ["secrets dev", "kms-decrypt dev"],
  },
  "dev: service account db-bootstrap:db-bootstrap": {
    holds: ["qualisys-dev-db-bootstrap"],
    allowed: ["secrets dev", "kms-decrypt dev", "rds-master dev"],
  },

  // staging: a tenant of dev's platform (its cluster issuer trusts staging's service accounts), in the same account,
  // bounded to its own resources: its administrators are not the account's.
  "staging: user in devops-users, MFA 5 min old": {
    holds: ["qualisys-staging-devops", "qualisys-staging-developer"],
    allowed: ["assume staging devops", ...stagingOwn],
  },
  "staging: user in developer-users, MFA 5 min old": { holds: ["qualisys-staging-developer"], allowed: [] },
  ...deployments("staging", stagingOwn),
  // Its secrets sync authenticates in `staging-secrets`, where no developer or CI identity runs pods.
  "staging: service account staging-secrets:external-secrets": {
    holds: ["qualisys-staging-external-secrets"],
    allowed: ["secrets staging", "kms-decrypt staging"],
  },
  "staging: service account staging-db-bootstrap:db-bootstrap": {
    holds: ["qualisys-staging-db-bootstrap"],
    allowed: ["secrets staging", "kms-decrypt staging", "rds-master staging"],
  },

  // prod: its own account; nothing outside it reaches in, and it reaches nothing outside.
  "prod: user in devops-users, MFA 5 min old": {
    holds: ["qualisys-prod-devops", "qualisys-prod-developer"],
    allowed: ["assume prod devops", ...prodAdministrator],
  },
  // Developers push images outside prod only.
  "prod: user in developer-users, MFA 5 min old": { holds: ["qualisys-prod-developer"], allowed: [] },
  ...deployments("prod", prodAdministrator),
  "prod: ec2.amazonaws.com as runner": { holds: ["qualisys-prod-runner"], allowed: ["pool-token prod"] },
  "prod: ec2.amazonaws.com as nodes": { holds: ["qualisys-prod-nodes"], allowed: [] },
  "prod: eks.amazonaws.com as eks-eksRole-role": { holds: ["qualisys-prod-eks-eksRole-role"], allowed: [] },
  "prod: vpc-flow-logs.amazonaws.com as vpc-flow-logs": { holds: ["qualisys-prod-vpc-flow-logs"], allowed: [] },
  ...addOns("prod"),
  "prod: service account external-secrets:external-secrets": {
    holds: ["qualisys-prod-external-secrets"],
    allowed: ["secrets prod", "kms-decrypt prod"],
  },
  "prod: service account db-bootstrap:db-bootstrap": {
    holds: ["qualisys-prod-db-bootstrap"],
    allowed: ["secrets prod", "kms-decrypt prod", "rds-master prod"],
  },

  // GitHub Actions tokens of the repository: every account's provider accepts them, the roles' trusts decide.
  // Pull requests get the read-only preview roles (never prod's); a feature branch gets nothing.
  "github: pull_request": { holds: ["qualisys-dev-ci-preview", "qualisys-staging-ci-preview"], allowed: [] },
  "github: ref:refs/heads/feature": nothing,
  // main (reviewed code) previews every stack, prod included, and pushes non-production images.
  "github: ref:refs/heads/main": {
    holds: [
      "qualisys-dev-ci-preview",
      "qualisys-dev-cicd",
      "qualisys-staging-ci-preview",
      "qualisys-staging-cicd",
      "qualisys-prod-ci-preview",
    ],
    allowed: nonProdPush,
  },
  "github: environment:dev": { holds: ["qualisys-dev-cicd"], allowed: nonProdPush },
  // A tenant's CI deploys dev's images by digest: it pushes nothing.
  "github: environment:staging": { holds: ["qualisys-staging-cicd"], allowed: [] },
  // Only the production environment, which has required reviewers, pushes prod's images.
  "github: environment:production": { holds: ["qualisys-prod-cicd"], allowed: ["ecr-push prod"] },
};
