/** The bootstrap plan, its Job script, hash and manifests (pure), and the DatabaseBootstrap component (mocks). */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as k8s from "@pulumi/kubernetes";
import { projectRoot, runStack, type StackRun } from "../../../offline/run";
import { defaultConcurrency } from "./migrate";
import { jsonInput, named, ofType } from "../../../offline/record";
import { DatabaseBootstrap } from ".";
import {
  bootstrapManifests,
  bootstrapSecretsPolicy,
  jobFiles,
  jobHash,
  mountPath,
  type ManifestArgs,
} from "./manifests";
import { readTenantMigrations, tenantMigrations } from "./migrations";
import { bootstrapHash, bootstrapPlan, createDatabaseSql, migrationFiles, readSqlFile, sqlFiles } from "./plan";
import { dummyKubeconfig } from "../../../tests/kubernetes/dummy-kubeconfig";
import { databaseSchema, defaultMaxTenants } from "../../../config/data";

const plan = bootstrapPlan();

function validate(objects: unknown[]) {
  const result = spawnSync(process.execPath, [join(__dirname, "validate-manifests.mjs")], {
    input: JSON.stringify(objects),
    encoding: "utf8",
  });
  return { status: result.status, lines: result.stdout.trim().split("\n"), stderr: result.stderr };
}

describe("the plan", () => {
  it("creates roles first, then the databases, then their control schema and tenants; test tenants last", () => {
    expect(plan.map((s) => `${s.kind}:${s.database}${s.kind === "create-database" ? "" : `:${s.file}`}`)).toEqual([
      "sql:postgres:00-roles.sql",
      "create-database:qualisys_master",
      "create-database:qualisys_test",
      "tenants:qualisys_master:10-database.sql",
      "tenants:qualisys_test:10-database.sql",
      "sql:qualisys_test:20-test-tenants.sql",
    ]);
    expect(Object.keys(sqlFiles(plan)).sort()).toEqual(["00-roles.sql", "10-database.sql", "20-test-tenants.sql"]);
    expect(Object.keys(migrationFiles(plan))).toEqual(readTenantMigrations().map((m) => m.name));
    expect(Object.keys(migrationFiles(plan))[0]).toBe("0001_template.sql");
  });

  it("starts a database's tenant cap from database.maxTenants' default (the SQL's literal and the schema agree)", () => {
    const required = { instanceClass: "db.t4g.small", multiAz: false, rolePasswordsRotatedOn: "2026-11-01" };
    expect(databaseSchema.parse(required).maxTenants).toBe(defaultMaxTenants);
    const seeded = /INSERT INTO control\.settings \(id, max_tenants\) VALUES \(true, (\d+)\)/.exec(
      readSqlFile("10-database.sql"),
    );
    expect(Number(seeded?.[1])).toBe(defaultMaxTenants);
  });

  it("docs/data-tier.md states the cap's default and bound as config/data.ts enforces them", () => {
    const required = { instanceClass: "db.t4g.small", multiAz: false, rolePasswordsRotatedOn: "2026-11-01" };
    const bound = 100_000;
    expect(databaseSchema.safeParse({ ...required, maxTenants: bound }).success).toBe(true);
    expect(databaseSchema.safeParse({ ...required, maxTenants: bound + 1 }).success).toBe(false);
    const doc = readFileSync(join(projectRoot, "docs/data-tier.md"), "utf8");
    const n = (value: number) => value.toLocaleString("en-US");
    expect(doc).toContain(`\`database.maxTenants\` (default ${n(defaultMaxTenants)}, at most ${n(bound)};`);
  });

  it("docs/migrations.md states the Job's concurrency as the runner's default", () => {
    const doc = readFileSync(join(projectRoot, "docs/migrations.md"), "utf8");
    expect(doc).toContain(`${defaultConcurrency} tenants at a time (\`--concurrency\`'s default)`);
  });

  it("refuses to splice an unexpected database name into SQL", () => {
    expect(() => createDatabaseSql('x"; DROP DATABASE y; --')).toThrow(/refusing/);
    expect(createDatabaseSql("qualisys_test").create).toMatch(/^CREATE DATABASE qualisys_test OWNER qualisys_owner/);
  });

  it("hashes the SQL: unchanged SQL keeps the hash, any change (or a password rotation) changes it", () => {
    const hash = bootstrapHash(plan, "2026-11-01");
    expect(hash).toMatch(/^[0-9a-f]{10}$/);
    expect(bootstrapHash(bootstrapPlan(), "2026-11-01")).toBe(hash);
    const edited = bootstrapPlan((file) =>
      file === "10-database.sql" ? `${readSqlFile(file)}\n-- edit` : readSqlFile(file),
    );
    expect(bootstrapHash(edited, "2026-11-01")).not.toBe(hash);
    expect(bootstrapHash(plan, "2027-02-01")).not.toBe(hash);
  });

  it("hashes the migrations and the runner: a new migration file, or changed runner code, re-runs the Job", () => {
    const hash = bootstrapHash(plan, "x", "runner");
    const added = tenantMigrations({
      ...migrationFiles(plan),
      "0002_add_column.sql": "ALTER TABLE projects ADD c int;",
    });
    expect(bootstrapHash(bootstrapPlan(readSqlFile, added), "x", "runner")).not.toBe(hash);
    expect(bootstrapHash(plan, "x", "runner 2")).not.toBe(hash);
    expect(jobHash(plan, "x")).toBe(jobHash(bootstrapPlan(), "x"));
  });
});

describe("the manifests", () => {
  const args: ManifestArgs = {
    namespace: "db-bootstrap",
    plan,
    hashExtra: "2026-11-01",
    maxTenants: 10_000,
    host: "qualisys-dev-postgres.abc.us-east-1.rds.amazonaws.com",
    port: 5432,
    image: "public.ecr.aws/docker/library/node:24.21.0-alpine",
    region: "us-east-1",
    masterSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1-abc",
    appUserSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:qualisys-dev/platform/app-user-abc",
    monitorSecretArn:
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:qualisys-dev/platform/postgres-exporter-abc",
  };
  const m = bootstrapManifests(args);

  it("are valid Kubernetes and external-secrets objects", () => {
    const { status, lines, stderr } = validate([m.configMap, m.secretStore, m.externalSecret, m.networkPolicy, m.job]);
    expect(stderr).toBe("");
    expect(lines).toEqual(["ok ConfigMap", "ok SecretStore", "ok ExternalSecret", "ok NetworkPolicy", "ok Job"]);
    expect(status).toBe(0);
  });

  it("the validator rejects a broken object (so the check above can fail)", () => {
    const broken = structuredClone(m.job) as Record<string, any>;
    delete broken.spec.template.spec.containers[0].name;
    const { status, lines } = validate([broken]);
    expect(status).toBe(1);
    expect(lines[0]).toMatch(/^invalid Job/);
  });

  it("name the Job, its SQL and its credentials with the hash", () => {
    expect(m.job.metadata.name).toMatch(/^db-bootstrap-[0-9a-f]{10}$/);
    expect(m.job.metadata.name).toBe(`db-bootstrap-${m.hash}`);
    expect(m.configMap.metadata.name).toBe(`${m.name}-sql`);
    expect(m.externalSecret.spec.target.name).toBe(`${m.name}-credentials`);
    expect(m.job.spec.template.spec.volumes[0].configMap?.name).toBe(m.configMap.metadata.name);
  });

  it("mount the bundled runner, the SQL and the migrations as this folder lays them out, and run it with node", () => {
    const files = jobFiles(plan);
    expect(Object.keys(files).sort()).toEqual([
      "bootstrap.js",
      "sql/00-roles.sql",
      "sql/10-database.sql",
      "sql/20-test-tenants.sql",
      ...readTenantMigrations().map((migration) => `tenant-migrations/${migration.name}`),
    ]);
    const volume = m.job.spec.template.spec.volumes[0].configMap!;
    for (const item of volume.items) expect(m.configMap.data[item.key]).toBe(files[item.path]);
    expect(volume.items).toHaveLength(Object.keys(files).length);
    expect(m.job.spec.template.spec.containers[0].command).toEqual(["node", `${mountPath}/bootstrap.js`]);
    // A ConfigMap holds at most 1 MiB.
    expect(JSON.stringify(m.configMap.data).length).toBeLessThan(512 * 1024);
  });

  it("pass the tenant cap to the Job, and a new cap renames (so re-runs) it", () => {
    const env = m.job.spec.template.spec.containers[0].env;
    expect(env.find((e) => e.name === "MAX_TENANTS")?.value).toBe("10000");
    const raised = bootstrapManifests({ ...args, maxTenants: 20_000 });
    expect(raised.job.spec.template.spec.containers[0].env.find((e) => e.name === "MAX_TENANTS")?.value).toBe("20000");
    expect(raised.name).not.toBe(m.name);
    expect(bootstrapManifests({ ...args }).name).toBe(m.name);
  });

  it("carry no credential in plain text: they come from the ExternalSecret", () => {
    const env = m.job.spec.template.spec.containers[0].env.map((e) => e.name);
    expect(env).not.toContain("PGPASSWORD");
    expect(m.job.spec.template.spec.containers[0].envFrom).toEqual([{ secretRef: { name: `${m.name}-credentials` } }]);
    expect(m.externalSecret.spec.data.map((d) => d.secretKey)).toEqual([
      "PGUSER",
      "PGPASSWORD",
      "APP_USER_PASSWORD",
      "MONITOR_PASSWORD",
    ]);
    expect(JSON.stringify(m)).not.toMatch(/password"\s*:\s*"[^"]/i);
  });

  it("run the Job locked down: non-root, read-only, no token, no privilege escalation", () => {
    const pod = m.job.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
  });

  it("let the bootstrap role read exactly its three secrets", () => {
    const policy = bootstrapSecretsPolicy({
      region: "us-east-1",
      secretArns: [args.masterSecretArn, args.appUserSecretArn, args.monitorSecretArn],
      secretsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
    });
    expect(policy.Statement[0].Resource).toHaveLength(3);
    expect(JSON.stringify(policy)).not.toContain('"*"');
    expect(policy.Statement[1].Condition).toEqual({
      StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" },
    });
  });
});

describe("the DatabaseBootstrap component, with a cluster provider from a dummy kubeconfig", () => {
  let run: StackRun;
  let hash: string;
  beforeAll(async () => {
    run = await runStack("dev", {
      program: async () => {
        const provider = new k8s.Provider("cluster", { kubeconfig: dummyKubeconfig });
        const bootstrap = new DatabaseBootstrap("qualisys-dev-db-bootstrap", {
          provider,
          secretsSyncReady: provider,
          oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC",
          oidcIssuer: "oidc.eks.us-east-1.amazonaws.com/id/ABC",
          account: { accountId: "123456789012", partition: "aws", region: "us-east-1" },
          prefix: "qualisys-dev",
          address: "qualisys-dev-postgres.abc.us-east-1.rds.amazonaws.com",
          port: 5432,
          engineMajor: 17,
          masterUserSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1-abc",
          appUserSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:qualisys-dev/platform/app-user-abc",
          monitorSecretArn:
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:qualisys-dev/platform/postgres-exporter-abc",
          secretsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
          rolePasswordsVersion: "2026-11-01",
          maxTenants: 10_000,
        });
        hash = bootstrap.hash;
        return { jobName: bootstrap.jobName };
      },
    });
  });

  it("declares the Job on the cluster's provider, after its credentials and SQL", () => {
    expect(run.error).toBeUndefined();
    const job = named(run, "kubernetes:batch/v1:Job", "qualisys-dev-db-bootstrap-job");
    expect(job.provider).toMatch(/pulumi:providers:kubernetes::cluster::/);
    expect((job.inputs.metadata as { name: string }).name).toBe(`db-bootstrap-${hash}`);
    expect(run.outputs.jobName).toBe(`db-bootstrap-${hash}`);
    const credentials = named(
      run,
      "kubernetes:external-secrets.io/v1:ExternalSecret",
      "qualisys-dev-db-bootstrap-credentials",
    );
    const sql = named(run, "kubernetes:core/v1:ConfigMap", "qualisys-dev-db-bootstrap-sql");
    expect(job.dependencies).toEqual(expect.arrayContaining([credentials.urn, sql.urn]));
    const env = (job.inputs.spec as any).template.spec.containers[0].env as { name: string; value: string }[];
    expect(env.find((e) => e.name === "PGHOST")?.value).toBe("qualisys-dev-postgres.abc.us-east-1.rds.amazonaws.com");
  });

  it("runs in its own restricted namespace with an IRSA role bound to exactly its service account", () => {
    const namespace = ofType(run, "kubernetes:core/v1:Namespace")[0];
    expect((namespace.inputs.metadata as any).labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    const role = named(run, "aws:iam/role:Role", "qualisys-dev-db-bootstrap-secrets");
    const trust = jsonInput(role, "assumeRolePolicy").Statement[0];
    expect(trust.Condition.StringEquals["oidc.eks.us-east-1.amazonaws.com/id/ABC:sub"]).toBe(
      "system:serviceaccount:db-bootstrap:db-bootstrap",
    );
    const sa = ofType(run, "kubernetes:core/v1:ServiceAccount")[0];
    expect((sa.inputs.metadata as any).annotations["eks.amazonaws.com/role-arn"]).toBe(role.outputs.arn);
  });
});
