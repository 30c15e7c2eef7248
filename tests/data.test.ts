/** The data tier in the whole program, per stack, under the mock runtime (SPEC D1, D4, R1, G1, S1, S2). */
import { readStackFile, runStack, SECRET, stacks, type RecordedResource, type StackRun } from "../offline/run";
import { jsonInput, named, ofType, platformOf } from "../offline/record";
import { appSecrets } from "../components/naming";
import { outsideSecrets } from "../components/secrets/values";
import { expectationsOf } from "./expectations";
import { checkCache, checkDatabase, checkRolePasswords } from "./stack-checks";

const runs: Record<string, StackRun> = {};
beforeAll(async () => {
  for (const stack of stacks) runs[stack] = await runStack(stack);
});

const key = (run: StackRun, domain: string) =>
  named(run, "aws:kms/key:Key", `qualisys-${run.stack}-${domain}`).outputs.arn;
const only = (run: StackRun, type: string): RecordedResource => {
  const found = ofType(run, type);
  expect(found).toHaveLength(1);
  return found[0];
};
/** A security group and the isolated subnets of the network the stack's data tier lives in (its own, or its host's). */
const group = (run: StackRun, name: string) => {
  const platform = platformOf(run);
  return named(platform, "aws:ec2/securityGroup:SecurityGroup", `qualisys-${platform.stack}-${name}`).id;
};
const isolatedSubnets = (run: StackRun) => ofType(platformOf(run), "awsx:ec2:Vpc")[0].outputs.isolatedSubnetIds;

describe.each(stacks)("stack %s", (stack) => {
  const prod = stack === "prod";

  it("runs", () => expect(runs[stack].error).toBeUndefined());

  it("declares RDS PostgreSQL as SPEC D1 asks, at the stack's class, major, Multi-AZ and storage", () => {
    const run = runs[stack];
    const db = only(run, "aws:rds/instance:Instance");
    checkDatabase(run, expectationsOf(stack));
    expect(db.inputs).toMatchObject({
      identifier: `qualisys-${stack}-postgres`,
      engine: "postgres",
      storageEncrypted: true,
      kmsKeyId: key(run, "rds"),
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: key(run, "rds"),
      publiclyAccessible: false,
      iamDatabaseAuthenticationEnabled: true,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: key(run, "secrets"),
      backupRetentionPeriod: 7,
      backupWindow: "03:00-03:30",
      port: 5432,
      vpcSecurityGroupIds: [group(run, "database")],
      enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
    });
    expect(db.inputs.password).toBeUndefined();
    const subnets = only(run, "aws:rds/subnetGroup:SubnetGroup");
    expect(db.inputs.dbSubnetGroupName).toBe(subnets.outputs.name);
    expect(subnets.inputs.subnetIds).toEqual(isolatedSubnets(run));

    const params = only(run, "aws:rds/parameterGroup:ParameterGroup");
    expect(db.inputs.parameterGroupName).toBe(params.inputs.name);
    const values = Object.fromEntries(
      (params.inputs.parameters as { name: string; value: string }[]).map((p) => [p.name, p.value]),
    );
    expect(values).toMatchObject({ "rds.force_ssl": "1", log_connections: "1" });
    expect(Number(values.log_min_duration_statement)).toBeGreaterThan(0);

    for (const log of ["postgresql", "upgrade"]) {
      const logGroup = ofType(run, "aws:cloudwatch/logGroup:LogGroup").find(
        (g) => g.inputs.name === `/aws/rds/instance/qualisys-${stack}-postgres/${log}`,
      );
      expect(logGroup?.inputs).toMatchObject({
        kmsKeyId: key(run, "logs"),
        retentionInDays: expectationsOf(stack).logRetentionDays,
      });
      expect(db.dependencies).toContain(logGroup!.urn);
    }
  });

  it("rotates the RDS-managed master secret every 90 days", () => {
    const run = runs[stack];
    const rotation = only(run, "aws:secretsmanager/secretRotation:SecretRotation");
    const db = only(run, "aws:rds/instance:Instance");
    expect(rotation.inputs.secretId).toBe((db.outputs.masterUserSecrets as { secretArn: string }[])[0].secretArn);
    expect(rotation.inputs.rotationRules).toEqual({ automaticallyAfterDays: 90 });
  });

  it("protects the database in prod only: deletion protection, final snapshot, protect", () => {
    const db = only(runs[stack], "aws:rds/instance:Instance");
    expect(db.inputs.deletionProtection).toBe(prod);
    expect(db.inputs.skipFinalSnapshot).toBe(!prod);
    expect(db.inputs.finalSnapshotIdentifier).toBe(prod ? `qualisys-${stack}-postgres-final` : undefined);
    expect(db.options.protect).toBe(prod);
  });

  it("declares the Redis replication group as SPEC R1 asks, at the stack's engine, version, node type and shape", () => {
    const run = runs[stack];
    const redis = only(run, "aws:elasticache/replicationGroup:ReplicationGroup");
    checkCache(run, expectationsOf(stack));
    expect(redis.inputs).toMatchObject({
      replicationGroupId: `qualisys-${stack}-redis`,
      clusterMode: "enabled",
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      atRestEncryptionEnabled: true,
      kmsKeyId: key(run, "elasticache"),
      authToken: SECRET,
      securityGroupIds: [group(run, "cache")],
      snapshotRetentionLimit: 7,
    });
    expect(redis.options.protect).toBe(prod);
    expect(redis.inputs.finalSnapshotIdentifier).toBe(prod ? `qualisys-${stack}-redis-final` : undefined);
    expect(only(run, "aws:elasticache/subnetGroup:SubnetGroup").inputs.subnetIds).toEqual(isolatedSubnets(run));

    const params = only(run, "aws:elasticache/parameterGroup:ParameterGroup");
    expect(redis.inputs.parameterGroupName).toBe(params.inputs.name);
    expect(params.inputs.parameters).toEqual(
      expect.arrayContaining([
        { name: "maxmemory-policy", value: "allkeys-lru" },
        { name: "cluster-enabled", value: "yes" },
      ]),
    );

    const deliveries = redis.inputs.logDeliveryConfigurations as { destination: string; logType: string }[];
    expect(deliveries.map((d) => d.logType).sort()).toEqual(["engine-log", "slow-log"]);
    for (const delivery of deliveries) {
      const logGroup = ofType(run, "aws:cloudwatch/logGroup:LogGroup").find(
        (g) => g.outputs.name === delivery.destination,
      );
      expect(logGroup?.inputs).toMatchObject({
        kmsKeyId: key(run, "logs"),
        retentionInDays: expectationsOf(stack).logRetentionDays,
      });
    }
  });

  it("creates the ECR repositories as SPEC G1 asks: CI pushes, the nodes pull, nobody else (a tenant creates none)", () => {
    const run = runs[stack];
    if (run.host) {
      // A tenant pulls its host's images (the account's one non-production registry): no repository of its own.
      expect(ofType(run, "aws:ecr/repository:Repository")).toEqual([]);
      const hostRepositories = ofType(platformOf(run), "aws:ecr/repository:Repository").map((r) => r.inputs.name);
      expect(Object.keys(run.outputs.repositoryUrls as object).sort()).toEqual(hostRepositories.sort());
      return;
    }
    const repositories = ofType(run, "aws:ecr/repository:Repository");
    expect(repositories.map((r) => r.inputs.name).sort()).toEqual([
      "playwright-runner",
      "qualisys-api",
      "qualisys-web",
    ]);
    for (const repository of repositories) {
      expect(repository.inputs).toMatchObject({
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: key(run, "ecr") }],
      });
      expect(repository.options.protect).toBe(prod);
    }
    const lifecycles = ofType(run, "aws:ecr/lifecyclePolicy:LifecyclePolicy");
    expect(lifecycles).toHaveLength(repositories.length);
    for (const lifecycle of lifecycles) {
      const rules = jsonInput(lifecycle, "policy").rules.map((r: { selection: unknown }) => r.selection);
      expect(rules).toEqual([
        { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 },
        { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: 10 },
      ]);
    }
    const cicd = named(run, "aws:iam/role:Role", `qualisys-${stack}-cicd`).outputs.arn;
    const platform = platformOf(run);
    const nodes = named(platform, "aws:iam/role:Role", `qualisys-${platform.stack}-nodes`).outputs.arn;
    const policies = ofType(run, "aws:ecr/repositoryPolicy:RepositoryPolicy");
    expect(policies).toHaveLength(3);
    for (const policy of policies) {
      const statements = jsonInput(policy, "policy").Statement;
      // CI pushes; the cluster's nodes pull; nobody else is named.
      expect(statements.map((s: { Principal: unknown }) => s.Principal)).toEqual([{ AWS: [cicd] }, { AWS: [nodes] }]);
      expect(statements[0].Action).toContain("ecr:PutImage");
      expect(statements[1].Action).not.toContain("ecr:PutImage");
      expect(statements[1].Action).toContain("ecr:BatchGetImage");
    }
  });

  it("creates every application secret at its name, KMS-encrypted; outside values stay empty", () => {
    const run = runs[stack];
    const secrets = ofType(run, "aws:secretsmanager/secret:Secret");
    const versions = ofType(run, "aws:secretsmanager/secretVersion:SecretVersion");
    const byName = new Map(secrets.map((s) => [s.inputs.name, s]));
    for (const app of appSecrets) {
      const secret = byName.get(`qualisys-${stack}/${app}`);
      expect(secret).toBeDefined();
      const written = versions.filter((v) => v.inputs.secretId === secret!.id);
      expect(written).toHaveLength((outsideSecrets as readonly string[]).includes(app) ? 0 : 1);
    }
    for (const platform of ["app-user", "postgres-exporter", "redis-auth"]) {
      const secret = byName.get(`qualisys-${stack}/platform/${platform}`);
      expect(versions.filter((v) => v.inputs.secretId === secret?.id)).toHaveLength(1);
    }
    for (const secret of secrets) expect(secret.inputs.kmsKeyId).toBe(key(run, "secrets"));
  });

  it("keeps every secret value a Pulumi secret, end to end", () => {
    const run = runs[stack];
    const versions = ofType(run, "aws:secretsmanager/secretVersion:SecretVersion");
    expect(versions.length).toBeGreaterThan(0);
    for (const version of versions) {
      expect(version.inputs.secretString).toBe(SECRET);
      expect(version.secretInputs).toContain("secretString");
    }
    const passwords = ofType(run, "random:index/randomPassword:RandomPassword");
    expect(passwords.length).toBeGreaterThan(0);
    for (const password of passwords) {
      expect(password.outputs.result).toBe(SECRET);
    }
    // No composed URL with its credentials anywhere in the record or the outputs.
    const text = JSON.stringify(run);
    expect(text).not.toMatch(/postgresql:\/\/[^"\s]+@|rediss:\/\/[^"\s]*@/);
  });

  it("generates the role passwords from the stack's rotation date, so changing it rotates them", () => {
    checkRolePasswords(runs[stack], expectationsOf(stack));
  });

  it("adds no secrets-audit trail unless secretsManager.auditAccess asks for one", () => {
    expect(ofType(runs[stack], "aws:cloudtrail/trail:Trail")).toEqual([]);
  });
});

describe("secrets access audit (S2, config switch)", () => {
  let run: StackRun;
  beforeAll(async () => {
    const { config } = readStackFile("dev");
    run = await runStack("dev", { config: { ...config, "qualisys:secretsManager": { auditAccess: true } } });
  });

  it("adds a trail into a KMS-encrypted, private bucket", () => {
    expect(run.error).toBeUndefined();
    const trail = only(run, "aws:cloudtrail/trail:Trail");
    const bucket = only(run, "aws:s3/bucket:Bucket");
    const key = ofType(run, "aws:kms/key:Key").find((k) => k.name.endsWith("-audit-key"))!;
    expect(trail.inputs).toMatchObject({
      s3BucketName: bucket.id,
      kmsKeyId: key.outputs.arn,
      enableLogFileValidation: true,
      eventSelectors: [{ includeManagementEvents: true, readWriteType: "All" }],
    });
    expect(only(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).toMatchObject({
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const sse = only(run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
    expect(sse.inputs.rules).toEqual([
      {
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.outputs.arn },
        bucketKeyEnabled: true,
      },
    ]);
    const principals = JSON.stringify(
      jsonInput(key, "policy").Statement.map((s: { Principal: unknown }) => s.Principal),
    );
    expect(principals).not.toMatch(/"\*"/);
    const bucketPolicy = jsonInput(only(run, "aws:s3/bucketPolicy:BucketPolicy"), "policy");
    expect(
      bucketPolicy.Statement.find((s: { Sid: string }) => s.Sid === "CloudTrailWrite").Condition.StringEquals,
    ).toEqual({
      "aws:SourceArn": "arn:aws:cloudtrail:us-east-1:123456789012:trail/qualisys-dev-secrets-audit",
      "s3:x-amz-acl": "bucket-owner-full-control",
    });
  });
});
