/**
 * Property tests (fast-check), so a rule and its description cannot drift apart (issue 22):
 *
 * - for policies with a stated rule over a resource's inputs, random single-property mutations of a compliant
 *   fixture, each judged twice: by the policy, and by the rule as its description states it, restated here on its
 *   own (an oracle that shares no code with the policy); the two verdicts must agree;
 * - for every policy of the pack, mutating an input the policy does not read never changes its verdict on its own
 *   passing and failing cases (./policies.test.ts), so a verdict rests on what the description names.
 */
import fc from "fast-check";
import { good, json, KEY, res } from "./fixtures";
import { compliant, serviceCases, with_ } from "./service-cases";
import { policies } from "../policy/policies";
import { T } from "../policy/policies/types";
import { runPolicies, type RecordLike } from "../policy/runner";

const byName = new Map(policies.map((p) => [p.name, p]));
const RUNS = 40;

/** Sets a dotted path of `inputs` to `value` (undefined removes it); intermediate objects are copied. */
function setPath(inputs: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split(".");
  const copy = { ...inputs };
  if (!rest.length) {
    if (value === undefined) delete copy[head];
    else copy[head] = value;
    return copy;
  }
  const inner = copy[head];
  copy[head] = setPath(
    inner && typeof inner === "object" ? (inner as Record<string, unknown>) : {},
    rest.join("."),
    value,
  );
  return copy;
}

const get = (inputs: Record<string, unknown>, path: string): unknown =>
  path
    .split(".")
    .reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), inputs);

// ---- The rules as the descriptions state them (independent of the policies' code) ----

const UNKNOWN = "[unknown]";
/** "a customer-managed KMS key": set, and not an AWS-managed alias (an unknown reference counts as set). */
const cmk = (v: unknown) => v === UNKNOWN || (typeof v === "string" && v !== "" && !/(^|:)alias\/aws\//.test(v));
const on = (v: unknown) => v === true || v === "true" || v === UNKNOWN;
const keyValues = [
  undefined,
  "",
  KEY,
  UNKNOWN,
  "alias/aws/sqs",
  "arn:aws:kms:us-east-1:123456789012:alias/aws/s3",
  "alias/team-key",
];
const flagValues = [undefined, true, false, "true", "false", UNKNOWN];

interface PropertySpec {
  policy: string;
  /** The compliant starting point (the record to mutate is the last one). */
  fixture: () => RecordLike[];
  /** Dotted input paths → values a mutation may set (undefined removes the input). */
  mutations: Record<string, unknown[]>;
  /** True when the inputs comply with the policy's description. */
  complies: (inputs: Record<string, unknown>) => boolean;
}

const specs: PropertySpec[] = [
  {
    policy: "sqs-kms",
    fixture: () => [compliant.queue()],
    mutations: { kmsMasterKeyId: keyValues, sqsManagedSseEnabled: flagValues },
    complies: (i) => cmk(i.kmsMasterKeyId),
  },
  {
    policy: "secretsmanager-kms",
    fixture: () => [res(T.secret, { name: "s", kmsKeyId: KEY })],
    mutations: { kmsKeyId: keyValues, description: ["x", undefined] },
    complies: (i) => cmk(i.kmsKeyId),
  },
  {
    policy: "sns-kms",
    fixture: () => [res(T.topic, { name: "t", kmsMasterKeyId: KEY })],
    mutations: { kmsMasterKeyId: keyValues },
    complies: (i) => cmk(i.kmsMasterKeyId),
  },
  {
    policy: "backup-vault-kms",
    fixture: () => [compliant.backupVault()],
    mutations: { kmsKeyArn: keyValues },
    complies: (i) => cmk(i.kmsKeyArn),
  },
  {
    policy: "efs-encrypted",
    fixture: () => [compliant.efs()],
    mutations: { encrypted: flagValues, kmsKeyId: keyValues },
    complies: (i) => on(i.encrypted) && cmk(i.kmsKeyId),
  },
  {
    policy: "ebs-customer-managed-key",
    fixture: () => [compliant.ebsVolume()],
    mutations: { encrypted: flagValues, kmsKeyId: keyValues, size: [1, 100] },
    complies: (i) => on(i.encrypted) && cmk(i.kmsKeyId),
  },
  {
    policy: "dynamodb-kms",
    fixture: () => [compliant.dynamoTable()],
    mutations: { "serverSideEncryption.enabled": flagValues, "serverSideEncryption.kmsKeyArn": keyValues },
    complies: (i) => on(get(i, "serverSideEncryption.enabled")) && cmk(get(i, "serverSideEncryption.kmsKeyArn")),
  },
  {
    policy: "kinesis-kms",
    fixture: () => [compliant.kinesisStream()],
    mutations: { encryptionType: ["KMS", "NONE", undefined], kmsKeyId: keyValues },
    complies: (i) => i.encryptionType === "KMS" && cmk(i.kmsKeyId),
  },
  {
    policy: "ssm-parameter-kms",
    fixture: () => [compliant.ssmParameter()],
    mutations: { type: ["SecureString", "String", "StringList"], keyId: keyValues },
    complies: (i) => i.type !== "SecureString" || (i.keyId !== undefined && cmk(i.keyId)),
  },
  {
    policy: "msk-encrypted-private",
    fixture: () => [compliant.mskCluster()],
    mutations: {
      "encryptionInfo.encryptionAtRestKmsKeyArn": keyValues,
      "encryptionInfo.encryptionInTransit.clientBroker": [undefined, "TLS", "TLS_PLAINTEXT", "PLAINTEXT"],
      "encryptionInfo.encryptionInTransit.inCluster": [undefined, true, false],
      "brokerNodeGroupInfo.connectivityInfo.publicAccess.type": [undefined, "DISABLED", "SERVICE_PROVIDED_EIPS"],
    },
    complies: (i) =>
      cmk(get(i, "encryptionInfo.encryptionAtRestKmsKeyArn")) &&
      [undefined, "TLS"].includes(get(i, "encryptionInfo.encryptionInTransit.clientBroker") as string) &&
      get(i, "encryptionInfo.encryptionInTransit.inCluster") !== false &&
      [undefined, "DISABLED"].includes(get(i, "brokerNodeGroupInfo.connectivityInfo.publicAccess.type") as string),
  },
  {
    policy: "opensearch-encrypted-private",
    fixture: () => [compliant.opensearchDomain()],
    mutations: {
      "encryptAtRest.enabled": [true, false],
      "encryptAtRest.kmsKeyId": keyValues,
      "nodeToNodeEncryption.enabled": [true, false, undefined],
      "domainEndpointOptions.enforceHttps": [true, false, undefined],
      "domainEndpointOptions.tlsSecurityPolicy": [
        "Policy-Min-TLS-1-2-2019-07",
        "Policy-Min-TLS-1-0-2019-07",
        undefined,
      ],
      vpcOptions: [undefined, { subnetIds: ["subnet-1"] }],
    },
    complies: (i) =>
      get(i, "encryptAtRest.enabled") === true &&
      cmk(get(i, "encryptAtRest.kmsKeyId")) &&
      get(i, "nodeToNodeEncryption.enabled") === true &&
      get(i, "domainEndpointOptions.enforceHttps") === true &&
      /TLS-1-[23]/.test(String(get(i, "domainEndpointOptions.tlsSecurityPolicy"))) &&
      i.vpcOptions !== undefined,
  },
  {
    policy: "elasticache-cluster-protected",
    fixture: () => [compliant.elasticacheCluster()],
    mutations: {
      engine: ["memcached", "redis", "valkey"],
      transitEncryptionEnabled: [true, false, undefined],
      subnetGroupName: ["g", undefined],
      securityGroupIds: [["sg-1"], [], undefined],
    },
    complies: (i) =>
      i.engine === "memcached" &&
      i.transitEncryptionEnabled === true &&
      i.subnetGroupName !== undefined &&
      Array.isArray(i.securityGroupIds) &&
      i.securityGroupIds.length > 0,
  },
  {
    policy: "rds-proxy-tls",
    fixture: () => [compliant.rdsProxy()],
    mutations: { requireTls: flagValues, debugLogging: [true, false] },
    complies: (i) => on(i.requireTls),
  },
  {
    policy: "lambda-function-url-auth",
    fixture: () => [compliant.lambdaFunctionUrl()],
    mutations: { authorizationType: ["AWS_IAM", "NONE", UNKNOWN], cors: [undefined, { allowOrigins: ["*"] }] },
    complies: (i) => i.authorizationType === "AWS_IAM" || i.authorizationType === UNKNOWN,
  },
  {
    policy: "lambda-permission-scoped",
    fixture: () => [compliant.lambdaPermission()],
    mutations: {
      principal: ["*", "s3.amazonaws.com", "events.amazonaws.com", "arn:aws:iam::123456789012:role/app"],
      sourceArn: [undefined, "arn:aws:s3:::b"],
      sourceAccount: [undefined, "123456789012"],
      principalOrgId: [undefined, "o-abc123"],
    },
    complies: (i) => {
      const scoped = i.sourceArn !== undefined || i.sourceAccount !== undefined;
      if (i.principal === "*") return scoped || i.principalOrgId !== undefined;
      if (String(i.principal).endsWith(".amazonaws.com")) return scoped;
      return true;
    },
  },
  {
    policy: "api-gateway-authorization",
    fixture: () => [compliant.apiMethod()],
    mutations: {
      authorization: ["NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS"],
      httpMethod: ["GET", "POST", "OPTIONS"],
      apiKeyRequired: [undefined, true, false],
    },
    complies: (i) => i.authorization !== "NONE" || i.httpMethod === "OPTIONS" || i.apiKeyRequired === true,
  },
  {
    policy: "lb-listener-https",
    fixture: () => [compliant.httpsListener()],
    mutations: {
      protocol: ["HTTPS", "HTTP", "TLS"],
      certificateArn: [undefined, "arn:aws:acm:us-east-1:123456789012:certificate/c"],
      sslPolicy: [undefined, "ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-2016-08"],
      defaultActions: [
        [{ type: "forward", targetGroupArn: "arn:tg" }],
        [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
        [{ type: "redirect", redirect: { protocol: "HTTP", port: "8080", statusCode: "HTTP_301" } }],
      ],
    },
    complies: (i) => {
      const actions = i.defaultActions as { type: string; redirect?: { protocol?: string } }[];
      if (i.protocol === "HTTP") return actions.every((a) => a.type === "redirect" && a.redirect?.protocol === "HTTPS");
      return i.certificateArn !== undefined && (i.sslPolicy === undefined || /TLS13|TLS-1-2/.test(String(i.sslPolicy)));
    },
  },
  {
    policy: "imdsv2-required",
    fixture: () => [good.launchTemplate()],
    mutations: {
      "metadataOptions.httpTokens": ["required", "optional", undefined],
      "metadataOptions.httpPutResponseHopLimit": [1, 2, 3, "1", undefined],
      "metadataOptions.httpEndpoint": ["enabled", "disabled"],
    },
    complies: (i) =>
      get(i, "metadataOptions.httpTokens") === "required" &&
      [1, "1"].includes(get(i, "metadataOptions.httpPutResponseHopLimit") as number),
  },
  {
    policy: "default-security-group-closed",
    fixture: () => [compliant.defaultSecurityGroup()],
    mutations: {
      ingress: [[], undefined, [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }]],
      egress: [[], undefined, [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }]],
    },
    complies: (i) => !(i.ingress as unknown[] | undefined)?.length && !(i.egress as unknown[] | undefined)?.length,
  },
  {
    policy: "k8s-service-not-internet-facing",
    fixture: () => [compliant.service()],
    mutations: {
      "spec.type": ["LoadBalancer", "ClusterIP", "NodePort"],
      "metadata.annotations": [
        undefined,
        { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" },
        { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing" },
        { "service.beta.kubernetes.io/aws-load-balancer-internal": "true" },
      ],
    },
    complies: (i) => {
      if (get(i, "spec.type") !== "LoadBalancer") return true;
      const a = (get(i, "metadata.annotations") ?? {}) as Record<string, string>;
      return (
        a["service.beta.kubernetes.io/aws-load-balancer-scheme"] === "internal" ||
        a["service.beta.kubernetes.io/aws-load-balancer-internal"] === "true"
      );
    },
  },
  {
    policy: "k8s-rbac-no-open-subjects",
    fixture: () => [compliant.clusterRoleBinding()],
    mutations: {
      subjects: [
        [{ kind: "Group", name: "qualisys:developers" }],
        [{ kind: "Group", name: "system:authenticated" }],
        [{ kind: "Group", name: "system:unauthenticated" }],
        [{ kind: "User", name: "system:anonymous" }],
        [{ kind: "ServiceAccount", name: "system:anonymous", namespace: "x" }],
      ],
      "roleRef.name": ["view", "cluster-admin"],
    },
    complies: (i) =>
      !(i.subjects as { kind: string; name: string }[]).some(
        (s) => ["User", "Group"].includes(s.kind) && /^system:(anonymous|unauthenticated|authenticated)$/.test(s.name),
      ),
  },
  {
    policy: "rds-storage-encrypted",
    fixture: () => [good.rdsInstance()],
    mutations: { storageEncrypted: flagValues, kmsKeyId: [undefined, "", KEY, UNKNOWN] },
    complies: (i) => on(i.storageEncrypted) && cmk(i.kmsKeyId),
  },
  {
    policy: "rds-not-public",
    fixture: () => [good.rdsInstance()],
    mutations: { publiclyAccessible: [true, false, undefined, UNKNOWN] },
    complies: (i) => i.publiclyAccessible !== true && i.publiclyAccessible !== UNKNOWN,
  },
  {
    policy: "elasticache-in-transit-encrypted",
    fixture: () => [good.replicationGroup()],
    mutations: { transitEncryptionEnabled: flagValues, transitEncryptionMode: [undefined, "required", "preferred"] },
    complies: (i) => on(i.transitEncryptionEnabled) && i.transitEncryptionMode !== "preferred",
  },
  {
    policy: "s3-public-access-block",
    fixture: () => [
      res(T.bucketPublicAccessBlock, {
        bucket: "b",
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      }),
    ],
    mutations: {
      blockPublicAcls: flagValues,
      blockPublicPolicy: flagValues,
      ignorePublicAcls: flagValues,
      restrictPublicBuckets: flagValues,
    },
    complies: (i) =>
      ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].every((f) => on(i[f])),
  },
];

// Identity documents: the action patterns of an Allow on Resource "*", classified by hand from AWS's Service
// Authorization Reference access levels (not by the pack's catalogue code).
const actionTable: [string, { wildcardOk: boolean; writeOnStar: boolean }][] = [
  ["ec2:Describe*", { wildcardOk: true, writeOnStar: false }],
  ["s3:GetObject", { wildcardOk: true, writeOnStar: false }],
  ["s3:PutObject", { wildcardOk: true, writeOnStar: true }],
  ["s3:*Object", { wildcardOk: false, writeOnStar: true }],
  ["iam:Put*", { wildcardOk: false, writeOnStar: true }],
  ["logs:Describe*", { wildcardOk: true, writeOnStar: false }],
  ["cloudwatch:PutMetricData", { wildcardOk: true, writeOnStar: false }],
  ["sqs:SendMessage", { wildcardOk: true, writeOnStar: true }],
  ["s3:*", { wildcardOk: false, writeOnStar: true }],
];
const conditionTable: [Record<string, unknown> | undefined, boolean][] = [
  [undefined, false],
  [{ StringEquals: { "aws:ResourceTag/team": "app" } }, true],
  [{ StringLike: { "aws:ResourceTag/team": "*" } }, false],
  [{ StringNotEquals: { "aws:ResourceTag/team": "x" } }, false],
  [{ StringEqualsIfExists: { "aws:ResourceTag/team": "app" } }, false],
  [{ StringEquals: { "aws:RequestedRegion": "us-east-1" } }, false],
];

describe.each(specs)("property: $policy agrees with its stated rule", ({ policy, fixture, mutations, complies }) => {
  const run = async (records: RecordLike[]) =>
    (await runPolicies(records, { policies: [byName.get(policy)!] })).violations.some(
      (v) => v.enforcementLevel === byName.get(policy)!.enforcementLevel,
    );

  it("the fixture complies, by the rule and by the policy", async () => {
    const records = fixture();
    expect(complies(records[records.length - 1].inputs)).toBe(true);
    expect(await run(records)).toBe(false);
  });

  it(`a random single-property mutation fails the policy exactly when it breaks the rule (${RUNS} runs)`, async () => {
    const paths = Object.keys(mutations);
    expect(paths.length).toBeGreaterThan(0);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths).chain((path) => fc.tuple(fc.constant(path), fc.constantFrom(...mutations[path]))),
        async ([path, value]) => {
          const records = fixture();
          const target = records[records.length - 1];
          const mutated = { ...target, inputs: setPath(target.inputs, path, value) };
          expect(await run([...records.slice(0, -1), mutated])).toBe(!complies(mutated.inputs));
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe("property: identity statements against their stated rules", () => {
  const statement = fc.record({
    action: fc.constantFrom(...actionTable),
    condition: fc.constantFrom(...conditionTable),
  });
  const policyOf = (action: string, condition: Record<string, unknown> | undefined) =>
    res(T.rolePolicy, {
      role: "qualisys-prod-app",
      policy: json({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: action, Resource: "*", ...(condition ? { Condition: condition } : {}) }],
      }),
    });
  const fails = async (name: string, record: RecordLike) =>
    (await runPolicies([record], { policies: [byName.get(name)!] })).mandatory.length > 0;

  it(`iam-no-wildcard-actions: a pattern fails exactly when it is service-wide or gathers a write (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(statement, async ({ action: [action, facts], condition: [condition] }) => {
        expect(await fails("iam-no-wildcard-actions", policyOf(action, condition))).toBe(!facts.wildcardOk);
      }),
      { numRuns: RUNS },
    );
  });

  it(`iam-no-star-resource-on-write: a write on "*" fails exactly when no condition scopes it (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(statement, async ({ action: [action, facts], condition: [condition, scopes] }) => {
        expect(await fails("iam-no-star-resource-on-write", policyOf(action, condition))).toBe(
          facts.writeOnStar && !scopes,
        );
      }),
      { numRuns: RUNS },
    );
  });
});

// ---- Every policy: inputs it does not read do not move its verdict ----

/** Input names no policy of the pack reads: adding or changing one must never change a verdict. */
const unrelated = fc.record({
  key: fc.constantFrom("x-unrelated", "zzNotAnInput", "comment42"),
  value: fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
});

const allCases = (() => {
  // ./policies.test.ts's table, reached through its service part and the fixtures' good resources; each entry
  // keeps the policy and one case with its expected outcome.
  const out: { policy: string; records: RecordLike[]; fails: boolean }[] = [];
  for (const c of serviceCases) {
    c.good.forEach((records) => out.push({ policy: c.policy, records, fails: false }));
    c.bad.forEach((records) => out.push({ policy: c.policy, records, fails: true }));
  }
  return out;
})();

it("every policy case keeps its verdict when an input no policy reads is added to every resource", async () => {
  expect(allCases.length).toBeGreaterThan(80);
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...allCases), unrelated, async ({ policy, records, fails }, { key, value }) => {
      const mutated = records.map((r) => with_(r, { [key]: value }));
      const result = await runPolicies(mutated, { policies: [byName.get(policy)!] });
      expect({ policy, fails: result.mandatory.length + result.advisory.length > 0 }).toEqual({ policy, fails });
    }),
    { numRuns: 200 },
  );
});
