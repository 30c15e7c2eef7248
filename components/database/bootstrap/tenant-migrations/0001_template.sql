-- The tenant template as it was before migrations existed: projects and their test runs. Like every file here it
-- is schema-unqualified (it runs with the tenant's schema first on search_path) and runs once per tenant, in its
-- own transaction. IF NOT EXISTS: tenants provisioned before migrations existed already have these tables, and
-- this run only records them as current. RLS, the policy and app_user's grants are added after every migration
-- (control.secure_tenant_schema), so files here never repeat them.
--
-- `tenant` repeats the slug on every row, checked against it: a second fence behind the policy. {{tenant_slug}}
-- is the one substitution the runner makes (the slug as a quoted literal).
CREATE TABLE IF NOT EXISTS projects (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant text NOT NULL DEFAULT current_setting('app.current_tenant', true) CHECK (tenant = {{tenant_slug}}),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS test_runs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant text NOT NULL DEFAULT current_setting('app.current_tenant', true) CHECK (tenant = {{tenant_slug}}),
  project_id bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'passed', 'failed')),
  started_at timestamptz NOT NULL DEFAULT now()
);
