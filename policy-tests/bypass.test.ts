/**
 * The bypass classes of issue 22 (SPEC X5): documents that only look scoped. Each class has at least two independent
 * failing cases (different spellings of the same trick) and passing cases that must stay green, run through the
 * in-process runner with the runtime's semantics; plus the regression (a write on Resource "*" whose catalogue entry
 * lists several optional resource types) and the "cannot decide" answers for what a preview cannot know.
 */
import { good, json, KEY, ownRole, res } from "./fixtures";
import { ACCOUNT, FOREIGN } from "./service-cases";
import { policies } from "../policy/policies";
import { T } from "../policy/policies/types";
import { runPolicies, type PackConfig, type RecordLike } from "../policy/runner";

const byName = new Map(policies.map((p) => [p.name, p]));
const doc = (...statements: Record<string, unknown>[]) => json({ Version: "2012-10-17", Statement: statements });
const identity = (...statements: Record<string, unknown>[]) =>
  res(T.rolePolicy, { role: "qualisys-prod-app", policy: doc(...statements.map((s) => ({ Effect: "Allow", ...s }))) });

/** The violations `policy` reports on `records` (only that policy runs). */
async function verdict(policy: string, records: RecordLike[], config?: PackConfig) {
  const result = await runPolicies(records, { policies: [byName.get(policy)!], config });
  return {
    mandatory: result.mandatory.map((v) => v.message),
    undecided: result.advisory.filter((v) => /cannot decide/.test(v.message)).map((v) => v.message),
  };
}

interface BypassClass {
  name: string;
  policy: string;
  /** Independent ways of writing the trick; each must fail the policy. */
  failing: [string, RecordLike[]][];
  /** Look-alikes that are really scoped; each must pass. */
  passing: [string, RecordLike[]][];
}

const trust = (principal: unknown, condition?: Record<string, unknown>) =>
  res(T.role, {
    name: "qualisys-prod-partner",
    assumeRolePolicy: doc({
      Effect: "Allow",
      Principal: principal,
      Action: "sts:AssumeRole",
      ...(condition ? { Condition: condition } : {}),
    }),
  });
const github = (operator: string, sub: string | string[]) => {
  const aud = { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" };
  const subject = { "token.actions.githubusercontent.com:sub": sub };
  return res(T.role, {
    name: "qualisys-prod-cicd",
    assumeRolePolicy: doc({
      Effect: "Allow",
      Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition:
        operator === "StringEquals"
          ? { StringEquals: { ...aud, ...subject } }
          : { StringEquals: aud, [operator]: subject },
    }),
  });
};
const bucketPolicy = (statement: Record<string, unknown>) =>
  res(T.bucketPolicy, {
    bucket: "qualisys-prod-exports",
    policy: doc({
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: "arn:aws:s3:::qualisys-prod-exports/*",
      ...statement,
    }),
  });
const entry = (principalArn: string, groups: string[]) =>
  res(T.eksAccessEntry, { clusterName: "qualisys-prod", principalArn, kubernetesGroups: groups });
const clusterAdmin = (principalArn: string, namespaces?: string[], policy = "AmazonEKSClusterAdminPolicy") =>
  res(T.eksAccessPolicyAssociation, {
    clusterName: "qualisys-prod",
    principalArn,
    policyArn: `arn:aws:eks::aws:cluster-access-policy/${policy}`,
    accessScope: namespaces ? { type: "namespace", namespaces } : { type: "cluster" },
  });
const template = (metadataOptions: Record<string, unknown> | undefined) =>
  res(T.launchTemplate, {
    ...(metadataOptions ? { metadataOptions } : {}),
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", kmsKeyId: KEY } }],
  });
const adminBinding = (group: string) =>
  res(T.k8sClusterRoleBinding, {
    metadata: { name: "admins" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
    subjects: [{ kind: "Group", name: group }],
  });

const classes: BypassClass[] = [
  {
    name: "action globs other than service:* (prefix, suffix, infix, service) expanded over the catalogue",
    policy: "iam-no-wildcard-actions",
    failing: [
      ["prefix glob iam:Put*", [identity({ Action: "iam:Put*", Resource: "arn:aws:iam::123456789012:role/app" })]],
      ["suffix glob s3:*Object", [identity({ Action: "s3:*Object", Resource: "arn:aws:s3:::b/*" })]],
      ["infix glob iam:*Role*", [identity({ Action: "iam:*Role*", Resource: "arn:aws:iam::123456789012:role/app" })]],
      ["service glob s3*:Put*", [identity({ Action: "s3*:Put*", Resource: "arn:aws:s3:::b/*" })]],
      [
        "single-character glob iam:PassRol?",
        [identity({ Action: "iam:PassRol?", Resource: "arn:aws:iam::123456789012:role/app" })],
      ],
    ],
    passing: [
      ["read-only prefix ec2:Describe*", [identity({ Action: "ec2:Describe*", Resource: "*" })]],
      ["read-only prefix s3:GetObject*", [identity({ Action: "s3:GetObject*", Resource: "arn:aws:s3:::b/*" })]],
      [
        "a wildcard in a Deny",
        [res(T.rolePolicy, { role: "r", policy: doc({ Effect: "Deny", Action: "iam:*Role*", Resource: "*" }) })],
      ],
    ],
  },
  {
    name: "iam:PassRole and IAM writes on role-name globs",
    policy: "iam-no-unscoped-passrole",
    failing: [
      [
        "PassRole on a name prefix",
        [identity({ Action: "iam:PassRole", Resource: "arn:aws:iam::123456789012:role/qualisys-*" })],
      ],
      [
        "PassRole spelt iam:Pass* on an infix glob",
        [identity({ Action: "iam:Pass*", Resource: "arn:aws:iam::123456789012:role/*admin*" })],
      ],
      [
        "AttachRolePolicy on a single-character glob",
        [identity({ Action: "iam:AttachRolePolicy", Resource: "arn:aws:iam::123456789012:role/ci-?" })],
      ],
      [
        "PutRolePolicy on every role of a path",
        [identity({ Action: "iam:PutRolePolicy", Resource: "arn:aws:iam::123456789012:role/apps/*" })],
      ],
    ],
    passing: [
      [
        "PassRole on one role",
        [identity({ Action: "iam:PassRole", Resource: "arn:aws:iam::123456789012:role/qualisys-prod-nodes" })],
      ],
      [
        "service-linked role path",
        [
          identity({
            Action: "iam:CreateServiceLinkedRole",
            Resource: "arn:aws:iam::123456789012:role/aws-service-role/elasticloadbalancing.amazonaws.com/*",
            Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
          }),
        ],
      ],
      [
        "the caller's own user by policy variable",
        [identity({ Action: "iam:ChangePassword", Resource: "arn:aws:iam::*:user/${aws:username}" })],
      ],
    ],
  },
  {
    name: "conditions counted as scoping although their value is a wildcard or their operator negates",
    policy: "iam-no-star-resource-on-write",
    failing: [
      [
        "StringLike on a tag with value *",
        [
          identity({
            Action: "s3:PutObject",
            Resource: "*",
            Condition: { StringLike: { "aws:ResourceTag/team": "*" } },
          }),
        ],
      ],
      [
        "StringNotEquals on a tag",
        [
          identity({
            Action: "ec2:TerminateInstances",
            Resource: "*",
            Condition: { StringNotEquals: { "aws:ResourceTag/team": "other" } },
          }),
        ],
      ],
      [
        "StringEqualsIfExists (passes untagged resources)",
        [
          identity({
            Action: "ec2:TerminateInstances",
            Resource: "*",
            Condition: { StringEqualsIfExists: { "aws:ResourceTag/team": "app" } },
          }),
        ],
      ],
      [
        "ForAllValues on request tag keys (passes requests without tags)",
        [
          identity({
            Action: "ec2:TerminateInstances",
            Resource: "*",
            Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": ["team"] } },
          }),
        ],
      ],
      [
        "Null only tests presence",
        [
          identity({
            Action: "ec2:TerminateInstances",
            Resource: "*",
            Condition: { Null: { "aws:ResourceTag/team": "false" } },
          }),
        ],
      ],
    ],
    passing: [
      [
        "StringEquals on a tag",
        [
          identity({
            Action: "ec2:TerminateInstances",
            Resource: "*",
            Condition: { StringEquals: { "aws:ResourceTag/team": "app" } },
          }),
        ],
      ],
      [
        "StringLike on a tag with a fixed prefix",
        [
          identity({
            Action: "ec2:TerminateInstances",
            Resource: "*",
            Condition: { StringLike: { "aws:ResourceTag/team": "app-*" } },
          }),
        ],
      ],
      [
        "kms:ViaService",
        [
          identity({
            Action: "kms:Decrypt",
            Resource: "*",
            Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } },
          }),
        ],
      ],
    ],
  },
  {
    name: "a token's subject 'pinned' by a negated operator",
    policy: "iam-oidc-trust-pinned",
    failing: [
      ["StringNotEquals on sub", [github("StringNotEquals", "repo:evil/repo:ref:refs/heads/main")]],
      ["StringNotLike on sub", [github("StringNotLike", "repo:evil/*")]],
      ["StringLike on a wildcarded owner", [github("StringLike", "repo:*/platform:environment:production")]],
      [
        "StringEqualsIfExists on sub",
        [github("StringEqualsIfExists", "repo:qualisys/platform:environment:production")],
      ],
    ],
    passing: [
      ["StringEquals on one environment", [github("StringEquals", "repo:qualisys/platform:environment:production")]],
      ["StringLike on one repository's branches", [github("StringLike", "repo:qualisys/platform:ref:refs/heads/*")]],
    ],
  },
  {
    name: "principals of other accounts treated as trusted; trust to a foreign role without MFA or external ID",
    policy: "iam-foreign-accounts",
    failing: [
      [
        "a foreign role named like the runner (the machine-principal pattern matches any account)",
        [ownRole(), trust({ AWS: `arn:aws:iam::${FOREIGN}:role/qualisys-prod-runner` })],
      ],
      [
        "a foreign account root in a bucket policy",
        [ownRole(), bucketPolicy({ Principal: { AWS: `arn:aws:iam::${FOREIGN}:root` } })],
      ],
      [
        "'*' limited to a foreign account",
        [ownRole(), bucketPolicy({ Principal: "*", Condition: { StringEquals: { "aws:PrincipalAccount": FOREIGN } } })],
      ],
      [
        "every account's role of one name",
        [
          ownRole(),
          trust(
            { AWS: "arn:aws:iam::*:role/qualisys-prod-runner" },
            { Bool: { "aws:MultiFactorAuthPresent": "true" } },
          ),
        ],
      ],
      [
        "a trusted partner account without an external ID",
        [ownRole(), trust({ AWS: `arn:aws:iam::${FOREIGN}:role/vendor` })],
      ],
    ],
    passing: [
      ["this account's role", [ownRole(), trust({ AWS: `arn:aws:iam::${ACCOUNT}:role/qualisys-prod-runner` })]],
      [
        "a vendor role with an external ID",
        [
          ownRole(),
          trust({ AWS: `arn:aws:iam::${FOREIGN}:role/vendor` }, { StringEquals: { "sts:ExternalId": "7f3a9c" } }),
        ],
      ],
      [
        "a foreign account's humans with MFA",
        [ownRole(), trust({ AWS: `arn:aws:iam::${FOREIGN}:root` }, { Bool: { "aws:MultiFactorAuthPresent": "true" } })],
      ],
    ],
  },
  {
    name: "EKS: privileged Kubernetes groups, admin in system namespaces, cluster admin matched by name only",
    policy: "eks-access-entry-privileged-groups",
    failing: [
      ["system:masters", [entry(`arn:aws:iam::${ACCOUNT}:role/qualisys-prod-developer`, ["system:masters"])]],
      [
        "a group a ClusterRoleBinding makes cluster-admin",
        [entry(`arn:aws:iam::${ACCOUNT}:role/qualisys-prod-cicd`, ["ops"]), adminBinding("ops")],
      ],
      [
        "an allow-listed name under an extra path",
        [entry(`arn:aws:iam::${ACCOUNT}:role/x/qualisys-prod-devops`, ["system:masters"])],
      ],
    ],
    passing: [
      [
        "the devops role into its admin group",
        [
          entry(`arn:aws:iam::${ACCOUNT}:role/qualisys-prod-devops`, ["qualisys:devops"]),
          adminBinding("qualisys:devops"),
        ],
      ],
      [
        "a developer into an unprivileged group",
        [entry(`arn:aws:iam::${ACCOUNT}:role/qualisys-prod-developer`, ["qualisys:developers"])],
      ],
    ],
  },
  {
    name: "EKS cluster admin for principals matched only by their last name segment",
    policy: "eks-admin-access-allow-list",
    failing: [
      ["an IAM user named like the devops role", [clusterAdmin(`arn:aws:iam::${ACCOUNT}:user/qualisys-prod-devops`)]],
      [
        "an allow-listed name under an attacker's path",
        [clusterAdmin(`arn:aws:iam::${ACCOUNT}:role/attacker/qualisys-prod-devops`)],
      ],
      ["a wildcard role ARN", [clusterAdmin(`arn:aws:iam::${ACCOUNT}:role/*-devops`)]],
    ],
    passing: [
      ["the devops role", [clusterAdmin(`arn:aws:iam::${ACCOUNT}:role/qualisys-prod-devops`)]],
      [
        "namespace admin for a developer",
        [clusterAdmin(`arn:aws:iam::${ACCOUNT}:role/qualisys-prod-developer`, ["production"], "AmazonEKSAdminPolicy")],
      ],
    ],
  },
  {
    name: "EKS namespace-scoped admin in system namespaces",
    policy: "eks-no-admin-in-system-namespaces",
    failing: [
      [
        "admin in kube-system",
        [clusterAdmin(`arn:aws:iam::${ACCOUNT}:role/qualisys-prod-developer`, ["kube-system"], "AmazonEKSAdminPolicy")],
      ],
      [
        "edit in a wildcard that covers kube-node-lease",
        [clusterAdmin(`arn:aws:iam::${ACCOUNT}:role/qualisys-prod-developer`, ["kube-*"], "AmazonEKSEditPolicy")],
      ],
    ],
    passing: [
      [
        "admin in an application namespace",
        [clusterAdmin(`arn:aws:iam::${ACCOUNT}:role/qualisys-prod-developer`, ["production"], "AmazonEKSAdminPolicy")],
      ],
    ],
  },
  {
    name: "secrets under an AWS-managed key alias",
    policy: "secretsmanager-kms",
    failing: [
      ["alias/aws/secretsmanager", [res(T.secret, { name: "s", kmsKeyId: "alias/aws/secretsmanager" })]],
      [
        "the alias's ARN",
        [res(T.secret, { name: "s", kmsKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/aws/secretsmanager` })],
      ],
    ],
    passing: [
      ["a key ARN", [res(T.secret, { name: "s", kmsKeyId: KEY })]],
      ["a customer alias", [res(T.secret, { name: "s", kmsKeyId: "alias/qualisys-prod-secrets" })]],
    ],
  },
  {
    name: "broad AWS managed policies outside the allow-list",
    policy: "iam-admin-policy-allow-list",
    failing: [
      [
        "PowerUserAccess on a developer role",
        [
          res(T.rolePolicyAttachment, {
            role: "qualisys-prod-developer",
            policyArn: "arn:aws:iam::aws:policy/PowerUserAccess",
          }),
        ],
      ],
      [
        "IAMFullAccess in a role's managedPolicyArns",
        [res(T.role, { name: "qualisys-prod-cicd", managedPolicyArns: ["arn:aws:iam::aws:policy/IAMFullAccess"] })],
      ],
      [
        "AWSCloudShellFullAccess through a PolicyAttachment",
        [
          res(T.policyAttachment, {
            policyArn: "arn:aws:iam::aws:policy/AWSCloudShellFullAccess",
            roles: ["qualisys-prod-developer"],
          }),
        ],
      ],
    ],
    passing: [
      [
        "PowerUserAccess on the devops role",
        [
          res(T.rolePolicyAttachment, {
            role: "qualisys-prod-devops",
            policyArn: "arn:aws:iam::aws:policy/PowerUserAccess",
          }),
        ],
      ],
      [
        "ReadOnlyAccess on a developer",
        [
          res(T.rolePolicyAttachment, {
            role: "qualisys-prod-developer",
            policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
          }),
        ],
      ],
    ],
  },
  {
    name: "node launch templates whose IMDS hop limit lets pods reach node credentials",
    policy: "imdsv2-required",
    failing: [
      ["hop limit 2", [template({ httpTokens: "required", httpPutResponseHopLimit: 2 })]],
      ["hop limit unset (the AMI's default)", [template({ httpTokens: "required" })]],
      [
        "an instance with hop limit 3",
        [res(T.instance, { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 3 } })],
      ],
    ],
    passing: [["hop limit 1", [template({ httpTokens: "required", httpPutResponseHopLimit: 1 })]]],
  },
  {
    name: "resource policies open to '*' and 'restricted' by a condition that matches everything",
    policy: "resource-policy-no-star-principal",
    failing: [
      [
        "StringLike aws:PrincipalAccount *",
        [bucketPolicy({ Principal: "*", Condition: { StringLike: { "aws:PrincipalAccount": "*" } } })],
      ],
      [
        "StringNotEquals aws:PrincipalAccount",
        [bucketPolicy({ Principal: "*", Condition: { StringNotEquals: { "aws:PrincipalAccount": FOREIGN } } })],
      ],
      [
        "ArnLike aws:SourceArn with a wildcarded account",
        [
          bucketPolicy({
            Principal: "*",
            Condition: { ArnLike: { "aws:SourceArn": "arn:aws:sns:us-east-1:*:alarms" } },
          }),
        ],
      ],
      [
        "StringLike aws:PrincipalOrgID o-*",
        [bucketPolicy({ Principal: "*", Condition: { StringLike: { "aws:PrincipalOrgID": "o-*" } } })],
      ],
      [
        "StringEqualsIfExists aws:SourceAccount",
        [bucketPolicy({ Principal: "*", Condition: { StringEqualsIfExists: { "aws:SourceAccount": ACCOUNT } } })],
      ],
    ],
    passing: [
      [
        "StringEquals aws:PrincipalAccount",
        [bucketPolicy({ Principal: "*", Condition: { StringEquals: { "aws:PrincipalAccount": ACCOUNT } } })],
      ],
      [
        "ArnLike aws:SourceArn on this account",
        [
          bucketPolicy({
            Principal: "*",
            Condition: { ArnLike: { "aws:SourceArn": `arn:aws:sns:us-east-1:${ACCOUNT}:*` } },
          }),
        ],
      ],
      ["a named principal", [bucketPolicy({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/app` } })]],
    ],
  },
];

describe.each(classes)("bypass class: $name ($policy)", ({ policy, failing, passing }) => {
  it("has at least two independent failing cases and one passing case", () => {
    expect(byName.has(policy)).toBe(true);
    expect(failing.length).toBeGreaterThanOrEqual(2);
    expect(passing.length).toBeGreaterThanOrEqual(1);
  });
  it.each(failing)("fails: %s", async (_, records) => {
    expect((await verdict(policy, records)).mandatory.length).toBeGreaterThan(0);
  });
  it.each(passing)("passes: %s", async (_, records) => {
    expect(await verdict(policy, records)).toEqual({ mandatory: [], undecided: [] });
  });
});

describe("regression: an action whose catalogue entry lists several optional resource types is scopable", () => {
  it.each([
    ["s3:PutObject (object or access-point object)", "s3:PutObject"],
    ["ec2:CreateTags (the resource it tags)", "ec2:CreateTags"],
  ])("%s on Resource * fails iam-no-star-resource-on-write", async (_, action) => {
    const found = await verdict("iam-no-star-resource-on-write", [identity({ Action: action, Resource: "*" })]);
    expect(found.mandatory).toEqual([expect.stringContaining(`allows ${action} on every resource`)]);
  });

  it("cloudwatch:PutMetricData (one optional resource type) on Resource * passes", async () => {
    expect(
      await verdict("iam-no-star-resource-on-write", [identity({ Action: "cloudwatch:PutMetricData", Resource: "*" })]),
    ).toEqual({ mandatory: [], undecided: [] });
  });
});

describe("what a preview cannot know is reported as undecided, at advisory level", () => {
  it("a foreign-looking account before the stack's own account is known (no ARN returned yet)", async () => {
    const found = await verdict("iam-foreign-accounts", [
      trust({ AWS: `arn:aws:iam::${FOREIGN}:role/qualisys-prod-runner` }),
    ]);
    expect(found.mandatory).toEqual([]);
    expect(found.undecided).toEqual([
      expect.stringMatching(/names account 999999999999, and the stack's own account is not known yet/),
    ]);
  });

  it("the same account, listed as trusted, is decided without the stack's own account", async () => {
    const found = await verdict(
      "iam-foreign-accounts",
      [trust({ AWS: `arn:aws:iam::${FOREIGN}:role/vendor` }, { StringEquals: { "sts:ExternalId": "7f3a9c" } })],
      { "iam-foreign-accounts": { trustedAccountIds: [FOREIGN] } },
    );
    expect(found).toEqual({ mandatory: [], undecided: [] });
  });

  it("EKS cluster admin granted to a principal that is another resource's output", async () => {
    const found = await verdict("eks-admin-access-allow-list", [clusterAdmin("[unknown]")]);
    expect(found.mandatory).toEqual([]);
    expect(found.undecided).toEqual([expect.stringContaining("granted to a principal that is not known yet")]);
  });

  it("a decided violation is still mandatory beside an undecided one on the same resource", async () => {
    const cluster = {
      ...good.eksCluster(),
      inputs: {
        ...good.eksCluster().inputs,
        accessEntries: {
          a: {
            principalArn: "[unknown]",
            accessPolicies: {
              p: {
                policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                accessScope: { type: "cluster" },
              },
            },
          },
          b: {
            principalArn: `arn:aws:iam::${ACCOUNT}:user/bob`,
            accessPolicies: {
              p: {
                policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                accessScope: { type: "cluster" },
              },
            },
          },
        },
      },
    };
    const found = await verdict("eks-admin-access-allow-list", [cluster]);
    expect(found.mandatory).toEqual([expect.stringContaining("user/bob")]);
    expect(found.undecided.length).toBe(1);
  });
});
