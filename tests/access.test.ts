/**
 * Access proven by simulation (SPEC I1–I4, X4): for every stack's record, each test states a request and the decision
 * AWS would reach, and asks a policy simulator (@cloud-copilot/iam-simulate: identity, resource and trust policies,
 * conditions, explicit denies) for it. AWS-managed policies are modelled from their published contents
 * (tests/fixtures/aws-managed-policies.json). The prod rows are also docs/access.md's "who can do what" table.
 */
import { dataReads, type DataRead } from "./access-data-reads";
import {
  ACCOUNT as SAMPLE_ACCOUNT,
  accessModel,
  accountOfArn,
  simulate,
  simulateWebIdentity,
  type AccessModel,
  type Decision,
} from "./access-model";
import managed from "./fixtures/aws-managed-policies.json";
import { accountOf, hostOf, runStack, stacks, type StackRun } from "../offline/run";
import { generatedSection } from "../tools/docs/generated";
import { expectationsOf } from "./expectations";

const REPO = "qualisys/platform";
const denied = (d: Decision) => d !== "Allowed";

/** The GitHub subjects each stack's deploy role accepts (tests/expectations.ts; prod only through its Environment). */
const cicdSubjects = (stack: string) => expectationsOf(stack).cicdSubjects;

const runs: Record<string, StackRun> = {};
const models: Record<string, AccessModel> = {};
let reads: DataRead[] = [];
/** Every simulation run, for the figures and the docs' table. */
const table: { stack: string; who: string; request: string; expected: string; decision: Decision }[] = [];
let count = 0;

beforeAll(async () => {
  for (const stack of stacks) {
    runs[stack] = await runStack(stack);
    models[stack] = accessModel(runs[stack]);
  }
  reads = await dataReads();
});

/** Records one simulated request and its expectation, and checks it. */
function expectDecision(stack: string, who: string, request: string, decision: Decision, allowed: boolean) {
  count++;
  table.push({ stack, who, request, expected: allowed ? "Allowed" : "denied", decision });
  expect({ who, request, decision: allowed ? decision : denied(decision) ? "denied" : decision }).toEqual({
    who,
    request,
    decision: allowed ? "Allowed" : "denied",
  });
}

it("models the attached AWS-managed policies from a dated, named source", () => {
  expect(managed.source).toMatch(/MAMIP/);
  for (const p of Object.values(managed.policies)) {
    expect(p.versionCreateDate).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(p.mirrorCommit).toMatch(/^[0-9a-f]{40}$/);
  }
  // What the fixture does not model are the EKS add-ons' own AWS-maintained policies (not simulated here).
  for (const stack of stacks)
    expect(
      models[stack].unmodelled.every((u) => /AmazonEKS|AmazonEBSCSI|AmazonEC2ContainerRegistryReadOnly/.test(u)),
    ).toBe(true);
});

describe.each(stacks)("stack %s", (stack) => {
  // Each stack file names the account it deploys into (aws:allowedAccountIds): dev and staging share one.
  const ACCOUNT = accountOf(stack)!;
  const GITHUB = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
  const PULUMI = `arn:aws:iam::${ACCOUNT}:oidc-provider/api.pulumi.com/oidc`;
  const arn = (service: string, resource: string) => `arn:aws:${service}:us-east-1:${ACCOUNT}:${resource}`;
  const role = (part: string) => models[stack].roles.get(`qualisys-${stack}-${part}`)!;
  // A stack on another's platform (staging) works on its host's cluster, whose add-ons are the host's.
  const host = hostOf(stack);
  const cluster = `qualisys-${host ?? stack}`;
  // The cluster add-ons' own roles exist where the cluster is the stack's own.
  const ownCluster = (name: string, test: () => Promise<void>) => host === undefined && it(name, test);

  it.each(["devops", "developer"])(
    "a human assumes %s only with a fresh MFA, only from its own group",
    async (part) => {
      const target = role(part);
      const own = models[stack].groups.get(`qualisys-${stack}-${part}-users`)!;
      const other = models[stack].groups.get(`qualisys-${stack}-${part === "devops" ? "developer" : "devops"}-users`)!;
      const alice = `arn:aws:iam::${ACCOUNT}:user/alice`;
      const ask = (groupPolicies: typeof own, context: Record<string, string>) =>
        simulate(
          groupPolicies,
          { principal: alice, action: "sts:AssumeRole", resource: target.arn, context },
          target.trust,
        );
      const who = `user in ${part}-users`;
      const fresh = { "aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "300" };
      expectDecision(stack, who, `sts:AssumeRole ${part}, MFA 5 min old`, await ask(own, fresh), true);
      expectDecision(stack, who, `sts:AssumeRole ${part}, no MFA`, await ask(own, {}), false);
      expectDecision(
        stack,
        who,
        `sts:AssumeRole ${part}, MFA false`,
        await ask(own, { "aws:MultiFactorAuthPresent": "false" }),
        false,
      );
      expectDecision(
        stack,
        who,
        `sts:AssumeRole ${part}, MFA 2 h old`,
        await ask(own, { "aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "7200" }),
        false,
      );
      expectDecision(
        stack,
        `user in the other group`,
        `sts:AssumeRole ${part}, fresh MFA`,
        await ask(other, fresh),
        false,
      );
    },
  );

  it("GitHub OIDC: cicd and ci-preview accept exactly their subjects of this repository", () => {
    const token = (sub: string, aud = "sts.amazonaws.com") => ({
      "token.actions.githubusercontent.com:sub": sub,
      "token.actions.githubusercontent.com:aud": aud,
    });
    const cases: [string, string[], string[]][] = [
      [
        "cicd",
        cicdSubjects(stack),
        [
          "pull_request",
          "ref:refs/heads/feature",
          ...(stack === "prod" ? ["ref:refs/heads/main", "environment:staging"] : ["environment:production"]),
        ].filter((subject) => !cicdSubjects(stack).includes(subject)),
      ],
      // Prod is previewed in the cloud by reviewed code only (main); pull requests preview it offline.
      stack === "prod"
        ? ["ci-preview", ["ref:refs/heads/main"], ["pull_request", "environment:production", "ref:refs/heads/feature"]]
        : ["ci-preview", ["pull_request", "ref:refs/heads/main"], ["environment:production", "ref:refs/heads/feature"]],
    ];
    for (const [part, accepted, refused] of cases) {
      const r = role(part);
      for (const subject of accepted) {
        expectDecision(
          stack,
          `GitHub ${subject}`,
          `assume ${part}`,
          simulateWebIdentity(r, GITHUB, token(`repo:${REPO}:${subject}`)),
          true,
        );
        // A sibling repository, a fork (another owner), another audience.
        for (const repo of [`${REPO}-infra`, `attacker/platform`])
          expectDecision(
            stack,
            `GitHub ${repo} ${subject}`,
            `assume ${part}`,
            simulateWebIdentity(r, GITHUB, token(`repo:${repo}:${subject}`)),
            false,
          );
        expectDecision(
          stack,
          `GitHub ${subject}, audience other`,
          `assume ${part}`,
          simulateWebIdentity(r, GITHUB, token(`repo:${REPO}:${subject}`, "other")),
          false,
        );
      }
      for (const subject of refused)
        expectDecision(
          stack,
          `GitHub ${subject}`,
          `assume ${part}`,
          simulateWebIdentity(r, GITHUB, token(`repo:${REPO}:${subject}`)),
          false,
        );
    }
  });

  it("Pulumi OIDC: the deploy role accepts this organisation, project and stack only", () => {
    const r = role("deploy");
    const token = (org: string, project: string, s: string) => ({
      "api.pulumi.com/oidc:aud": org,
      "api.pulumi.com/oidc:sub": `pulumi:deploy:org:${org}:project:${project}:stack:${s}:operation:update:scope:write`,
    });
    expectDecision(
      stack,
      `Pulumi Deployments qualisys/qualisys/${stack}`,
      "assume deploy",
      simulateWebIdentity(r, PULUMI, token("qualisys", "qualisys", stack)),
      true,
    );
    const other = stack === "prod" ? "staging" : "prod";
    expectDecision(
      stack,
      `Pulumi Deployments qualisys/qualisys/${other}`,
      "assume deploy",
      simulateWebIdentity(r, PULUMI, token("qualisys", "qualisys", other)),
      false,
    );
    expectDecision(
      stack,
      `Pulumi Deployments qualisys/other/${stack}`,
      "assume deploy",
      simulateWebIdentity(r, PULUMI, token("qualisys", "other", stack)),
      false,
    );
    expectDecision(
      stack,
      `Pulumi Deployments attacker/qualisys/${stack}`,
      "assume deploy",
      simulateWebIdentity(r, PULUMI, token("attacker", "qualisys", stack)),
      false,
    );
  });

  it("IRSA: each add-on role accepts only its own service account", () => {
    const irsa = [...models[stack].roles.values()].filter((r) =>
      JSON.stringify(r.trust).includes("system:serviceaccount:"),
    );
    // The add-ons' roles where the stack has its own cluster; a hosted stack's secret store and database bootstrap.
    expect(irsa.length).toBeGreaterThanOrEqual(host === undefined ? 6 : 2);
    const subjects = irsa.map((r) => {
      const cond = (r.trust.Statement[0] as { Condition: { StringEquals: Record<string, string> } }).Condition
        .StringEquals;
      const subKey = Object.keys(cond).find((k) => k.endsWith(":sub"))!;
      return { r, issuer: subKey.replace(/:sub$/, ""), sub: cond[subKey] };
    });
    for (const { r, issuer, sub } of subjects) {
      const provider = `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}`;
      const token = (s: string) => ({ [`${issuer}:sub`]: s, [`${issuer}:aud`]: "sts.amazonaws.com" });
      const [, , namespace, sa] = sub.split(":");
      expectDecision(stack, sub, `assume ${r.name}`, simulateWebIdentity(r, provider, token(sub)), true);
      expectDecision(
        stack,
        `system:serviceaccount:${namespace}:default`,
        `assume ${r.name}`,
        simulateWebIdentity(r, provider, token(`system:serviceaccount:${namespace}:default`)),
        false,
      );
      expectDecision(
        stack,
        `system:serviceaccount:dev:${sa}`,
        `assume ${r.name}`,
        simulateWebIdentity(r, provider, token(`system:serviceaccount:dev:${sa}`)),
        false,
      );
      // Every other add-on's service account.
      for (const other of subjects.filter((o) => o.sub !== sub))
        expect(simulateWebIdentity(r, provider, token(other.sub))).not.toBe("Allowed");
      // Another cluster's issuer with the same subject.
      expectDecision(
        stack,
        `${sub} of another cluster`,
        `assume ${r.name}`,
        simulateWebIdentity(r, `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/OTHER`, {
          "oidc.eks.us-east-1.amazonaws.com/id/OTHER:sub": sub,
          "oidc.eks.us-east-1.amazonaws.com/id/OTHER:aud": "sts.amazonaws.com",
        }),
        false,
      );
    }
  });

  it("the developer role cannot manage IAM, delete KMS keys or touch secrets; it can see its own cluster and logs", async () => {
    const r = role("developer");
    const ask = (action: string, resource: string) => simulate(r.policies, { principal: r.arn, action, resource });
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/qualisys-${stack}-devops`;
    const key = arn("kms", "key/1234abcd-12ab-34cd-56ef-1234567890ab");
    const secret = arn("secretsmanager", `secret:qualisys-${stack}/platform/jwt-AbCdEf`);
    const refused: [string, string][] = [
      ["iam:CreateRole", `arn:aws:iam::${ACCOUNT}:role/new`],
      ["iam:AttachRolePolicy", roleArn],
      ["iam:PutRolePolicy", roleArn],
      ["iam:UpdateAssumeRolePolicy", roleArn],
      ["iam:PassRole", roleArn],
      ["iam:CreateAccessKey", `arn:aws:iam::${ACCOUNT}:user/alice`],
      ["kms:ScheduleKeyDeletion", key],
      ["kms:DisableKey", key],
      ["kms:PutKeyPolicy", key],
      ["kms:Decrypt", key],
      ["secretsmanager:GetSecretValue", secret],
      ["secretsmanager:PutSecretValue", secret],
      ["secretsmanager:DeleteSecret", secret],
      ["eks:DescribeCluster", arn("eks", `cluster/qualisys-${stack === "prod" ? "staging" : "prod"}`)],
    ];
    for (const [action, resource] of refused)
      expectDecision(
        stack,
        "developer",
        `${action} ${resource.split(":").slice(5).join(":")}`,
        await ask(action, resource),
        false,
      );
    expectDecision(
      stack,
      "developer",
      `eks:DescribeCluster cluster/${cluster}`,
      await ask("eks:DescribeCluster", arn("eks", `cluster/${cluster}`)),
      true,
    );
    // Control-plane logs belong to the cluster's owner: a hosted stack's developers read its own log groups only.
    expectDecision(
      stack,
      "developer",
      `logs:GetLogEvents /aws/eks/${cluster}/…`,
      await ask("logs:GetLogEvents", arn("logs", `log-group:/aws/eks/${cluster}/cluster:log-stream:x`)),
      host === undefined,
    );
    expectDecision(
      stack,
      "developer",
      `logs:GetLogEvents /qualisys/${stack}/…`,
      await ask("logs:GetLogEvents", arn("logs", `log-group:/qualisys/${stack}/containers:log-stream:x`)),
      true,
    );
  });

  it("external-secrets reads only this stack's prefix, and decrypts only through Secrets Manager", async () => {
    const r = role("external-secrets");
    const ask = (action: string, resource: string, context?: Record<string, string>) =>
      simulate(r.policies, { principal: r.arn, action, resource, context }, resource === key ? keyPolicy : undefined);
    const key = JSON.stringify(r.policies).match(/arn:aws:kms:[^"]+/)![0];
    // A KMS key's own policy must allow too (it delegates to the account's IAM policies, or not).
    const keyResource = runs[stack].resources.find((k) => k.type === "aws:kms/key:Key" && k.outputs.arn === key)!;
    const keyPolicy = JSON.parse(String(keyResource.inputs.policy));
    expectDecision(
      stack,
      "external-secrets",
      `GetSecretValue qualisys-${stack}/platform/jwt`,
      await ask("secretsmanager:GetSecretValue", arn("secretsmanager", `secret:qualisys-${stack}/platform/jwt-AbCdEf`)),
      true,
    );
    for (const other of [
      `qualisys-${stack === "prod" ? "staging" : "prod"}/platform/jwt`,
      `qualisys-${stack}-other/jwt`,
      "rds!db-1234",
    ])
      expectDecision(
        stack,
        "external-secrets",
        `GetSecretValue ${other}`,
        await ask("secretsmanager:GetSecretValue", arn("secretsmanager", `secret:${other}-AbCdEf`)),
        false,
      );
    expectDecision(
      stack,
      "external-secrets",
      `PutSecretValue qualisys-${stack}/platform/jwt`,
      await ask("secretsmanager:PutSecretValue", arn("secretsmanager", `secret:qualisys-${stack}/platform/jwt-AbCdEf`)),
      false,
    );
    expectDecision(
      stack,
      "external-secrets",
      "kms:Decrypt secrets key via Secrets Manager",
      await ask("kms:Decrypt", key, {
        "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com",
        "kms:CallerAccount": ACCOUNT,
      }),
      true,
    );
    expectDecision(
      stack,
      "external-secrets",
      "kms:Decrypt secrets key directly",
      await ask("kms:Decrypt", key, { "kms:CallerAccount": ACCOUNT }),
      false,
    );
  });

  ownCluster("the cluster autoscaler scales only auto scaling groups tagged for its cluster", async () => {
    const r = role("cluster-autoscaler");
    const asg = arn(
      "autoscaling",
      "autoScalingGroup:1a2b3c4d-1234-5678-9abc-123456789012:autoScalingGroupName/eks-general",
    );
    const ask = (action: string, tags: Record<string, string>) =>
      simulate(r.policies, {
        principal: r.arn,
        action,
        resource: asg,
        context: Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v])),
      });
    for (const action of ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]) {
      expectDecision(
        stack,
        "cluster-autoscaler",
        `${action} on a group tagged for ${cluster}`,
        await ask(action, { [`k8s.io/cluster-autoscaler/${cluster}`]: "owned" }),
        true,
      );
      expectDecision(
        stack,
        "cluster-autoscaler",
        `${action} on a group of another cluster`,
        await ask(action, { "k8s.io/cluster-autoscaler/qualisys-other": "owned" }),
        false,
      );
      expectDecision(stack, "cluster-autoscaler", `${action} on an untagged group`, await ask(action, {}), false);
    }
    expectDecision(
      stack,
      "cluster-autoscaler",
      "autoscaling:UpdateAutoScalingGroup",
      await ask("autoscaling:UpdateAutoScalingGroup", { [`k8s.io/cluster-autoscaler/${cluster}`]: "owned" }),
      false,
    );
  });

  ownCluster(
    "the load balancer controller manages this ALB's listeners and rules (untagged, as AWS evaluates them), and no other ALB's",
    async () => {
      const r = role("aws-load-balancer-controller");
      const alb = `qualisys-${stack}`;
      const own = JSON.stringify(r.policies).match(/loadbalancer\/app\/([^/]+)\//)![1];
      expect(own).toContain(alb);
      const ask = (action: string, resource: string) => simulate(r.policies, { principal: r.arn, action, resource });
      const listener = (name: string) =>
        arn("elasticloadbalancing", `listener/app/${name}/50dc6c495c0c9188/f2f7dc8efc522ab2`);
      const rule = (name: string) =>
        arn("elasticloadbalancing", `listener-rule/app/${name}/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`);
      const onListener = [
        "elasticloadbalancing:CreateRule",
        "elasticloadbalancing:ModifyListener",
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:AddListenerCertificates",
        "elasticloadbalancing:RemoveListenerCertificates",
        "elasticloadbalancing:ModifyListenerAttributes",
      ];
      const onRule = [
        "elasticloadbalancing:ModifyRule",
        "elasticloadbalancing:DeleteRule",
        "elasticloadbalancing:SetRulePriorities",
      ];
      for (const action of onListener) {
        expectDecision(
          stack,
          "aws-load-balancer-controller",
          `${action} on a listener of ${own}`,
          await ask(action, listener(own)),
          true,
        );
        expectDecision(
          stack,
          "aws-load-balancer-controller",
          `${action} on a listener of another ALB`,
          await ask(action, listener("someone-else")),
          false,
        );
      }
      for (const action of onRule) {
        expectDecision(
          stack,
          "aws-load-balancer-controller",
          `${action} on a rule of ${own}`,
          await ask(action, rule(own)),
          true,
        );
        expectDecision(
          stack,
          "aws-load-balancer-controller",
          `${action} on a rule of another ALB`,
          await ask(action, rule("someone-else")),
          false,
        );
      }
    },
  );

  it("the PR-preview role reads configuration but no data plane item through any action that reads data", async () => {
    const r = role("ci-preview");
    expect(r.policies.map((p) => p.name)).toEqual(expect.arrayContaining(["ReadOnlyAccess"]));
    expectDecision(
      stack,
      "ci-preview",
      "ec2:DescribeInstances",
      await simulate(r.policies, { principal: r.arn, action: "ec2:DescribeInstances", resource: "*" }),
      true,
    );
    expectDecision(
      stack,
      "ci-preview",
      "rds:DescribeDBInstances",
      await simulate(r.policies, { principal: r.arn, action: "rds:DescribeDBInstances", resource: arn("rds", "db:x") }),
      true,
    );
    const leaks = await leaksOf(r.policies, r.arn);
    for (const read of reads) count += read.resources.length;
    table.push({
      stack,
      who: "ci-preview",
      request: `${reads.length} data-reading actions (the catalogue classes above)`,
      expected: "denied",
      decision: leaks.length ? "Allowed" : "ExplicitlyDenied",
    });
    expect(leaks).toEqual([]);
  });
});

/** The data-reading actions (on each resource type they can name) that the policies allow. */
async function leaksOf(
  policies: AccessModel["roles"] extends Map<string, infer R> ? (R extends { policies: infer P } ? P : never) : never,
  principal: string,
) {
  const leaks: string[] = [];
  // The sample ARNs name the mock account; ask about the principal's own (each stack file names its account).
  const own = (resource: string) => resource.replace(`:${SAMPLE_ACCOUNT}:`, `:${accountOfArn(principal)}:`);
  for (const read of reads)
    for (const resource of read.resources)
      if ((await simulate(policies, { principal, action: read.action, resource: own(resource) })) === "Allowed")
        leaks.push(`${read.action} ${resource}`);
  return leaks;
}

describe("the preview guard's simulation catches a sibling read action", () => {
  it("the guard before this change (GetObject, GetItem, Query, Scan, …) leaks their siblings", async () => {
    const r = models.prod.roles.get("qualisys-prod-ci-preview")!;
    const oldGuard = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Deny",
          Action: [
            "secretsmanager:GetSecretValue",
            "ssm:GetParameter",
            "ssm:GetParameters",
            "ssm:GetParametersByPath",
            "kms:Decrypt",
            "s3:GetObject",
            "dynamodb:GetItem",
            "dynamodb:Query",
            "dynamodb:Scan",
          ],
          Resource: "*",
        },
      ],
    };
    const withOld = [...r.policies.filter((p) => p.name === "ReadOnlyAccess"), { name: "old-guard", policy: oldGuard }];
    const leaks = (await leaksOf(withOld, r.arn)).map((l) => l.split(" ")[0]);
    expect(leaks).toEqual(
      expect.arrayContaining([
        "s3:GetObjectVersion",
        "dynamodb:BatchGetItem",
        "dynamodb:PartiQLSelect",
        "rds:DownloadDBLogFilePortion",
        "rds:DownloadCompleteDBLogFile",
        "ssm:GetParameterHistory",
      ]),
    );
  });

  it("a planted sibling read (the guard without s3:GetObject*) fails the data-read simulation", async () => {
    const r = models.prod.roles.get("qualisys-prod-ci-preview")!;
    const planted = r.policies.map((p) =>
      p.name === "ReadOnlyAccess"
        ? p
        : { ...p, policy: JSON.parse(JSON.stringify(p.policy).replace(/"s3:GetObject\*",?/, "")) },
    );
    expect(JSON.stringify(planted)).not.toEqual(JSON.stringify(r.policies));
    expect(await leaksOf(planted, r.arn)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^s3:GetObjectVersion /)]),
    );
  });
});

afterAll(() => {
  console.log(
    `access simulations: ${count} requests over ${stacks.length} stacks (${reads.length} data-reading actions per preview role)`,
  );
});

/** The prod simulations as a table: one row per principal, what it is allowed and what it is refused. */
function whoCanDoWhat(): string {
  const rows = new Map<string, { allowed: string[]; denied: string[] }>();
  for (const t of table.filter((t) => t.stack === "prod")) {
    const row = rows.get(t.who) ?? { allowed: [], denied: [] };
    (t.expected === "Allowed" ? row.allowed : row.denied).push(t.request);
    rows.set(t.who, row);
  }
  const cell = (list: string[]) => list.join("; ") || "—";
  return [
    "| Who (prod) | Allowed | Denied |",
    "| --- | --- | --- |",
    ...[...rows].map(([who, r]) => `| ${who} | ${cell(r.allowed)} | ${cell(r.denied)} |`),
  ].join("\n");
}

it("docs/access.md's who-can-do-what table is the prod simulations' (UPDATE_DOCS=1 rewrites it)", () => {
  const { current, expected } = generatedSection(
    "docs/access.md",
    "access-table",
    "tests/access.test.ts",
    whoCanDoWhat(),
  );
  expect(current).toEqual(expected);
});
