-- qualisys database bootstrap, step 2 of 3: one application database (qualisys_master, qualisys_test). Runs in
-- that database, in one transaction, after 00-roles.sql created the roles and the runner created the database
-- with OWNER qualisys_owner. Everything below is created as qualisys_owner, so it owns every object.
--
-- Tenancy model (SPEC D2): one schema per tenant, tenant_<slug>, created only by control.create_tenant(slug).
-- Every table in a tenant schema has row-level security ENABLED and FORCED (so even the owner is filtered)
-- and a policy that admits a row only while the transaction has selected that tenant:
--     SELECT set_config('app.current_tenant', '<slug>', true);   -- true = transaction-local
-- With no tenant selected, current_setting('app.current_tenant', true) is NULL or '' and no policy matches.

SELECT pg_advisory_xact_lock(hashtext('qualisys.bootstrap'));
SET LOCAL ROLE qualisys_owner;

-- Only the platform's roles may connect; nobody but the owner creates schemas or temporary tables.
DO $database$
BEGIN
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO app_user, monitor', current_database());
END
$database$;

-- public is closed: no USAGE, no CREATE for anyone but its owner (pg_database_owner = qualisys_owner).
REVOKE ALL ON SCHEMA public FROM PUBLIC;

-- New functions are not executable by PUBLIC unless granted explicitly.
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

CREATE SCHEMA IF NOT EXISTS control;
REVOKE ALL ON SCHEMA control FROM PUBLIC;
GRANT USAGE ON SCHEMA control TO app_user;

-- The tenant registry. The slug rule is repeated in create_tenant (for a clear message) and here (so no other
-- path can register a bad slug).
CREATE TABLE IF NOT EXISTS control.tenants (
  slug text PRIMARY KEY CONSTRAINT tenants_slug_format CHECK (slug ~ '^[a-z](?:[a-z0-9_]{0,38}[a-z0-9])?$'),
  schema_name text GENERATED ALWAYS AS ('tenant_' || slug) STORED NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON control.tenants FROM PUBLIC;

-- Creates or upgrades one tenant's schema to the current template. Idempotent: every statement is
-- IF NOT EXISTS / re-creates its policy, so the bootstrap re-runs it for every tenant when this file changes.
-- Not callable by app_user (internal to create_tenant and the bootstrap).
CREATE OR REPLACE FUNCTION control.provision_tenant(slug text)
  RETURNS text
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  tenant_schema text := 'tenant_' || provision_tenant.slug;
  tbl record;
BEGIN
  IF provision_tenant.slug IS NULL OR provision_tenant.slug !~ '^[a-z](?:[a-z0-9_]{0,38}[a-z0-9])?$' THEN
    RAISE EXCEPTION 'invalid tenant slug %', quote_nullable(provision_tenant.slug) USING ERRCODE = '22023';
  END IF;

  EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I', tenant_schema);
  EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', tenant_schema);
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO app_user', tenant_schema);

  -- The tenant template. `tenant` repeats the slug on every row (checked), a second fence behind the policy.
  EXECUTE format($ddl$
    CREATE TABLE IF NOT EXISTS %1$I.projects (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      tenant text NOT NULL DEFAULT current_setting('app.current_tenant', true) CHECK (tenant = %2$L),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      created_at timestamptz NOT NULL DEFAULT now()
    )$ddl$, tenant_schema, provision_tenant.slug);
  EXECUTE format($ddl$
    CREATE TABLE IF NOT EXISTS %1$I.test_runs (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      tenant text NOT NULL DEFAULT current_setting('app.current_tenant', true) CHECK (tenant = %2$L),
      project_id bigint NOT NULL REFERENCES %1$I.projects (id) ON DELETE CASCADE,
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'passed', 'failed')),
      started_at timestamptz NOT NULL DEFAULT now()
    )$ddl$, tenant_schema, provision_tenant.slug);

  -- Every table of the schema, whatever the template above grows into: RLS enabled and forced, one policy.
  FOR tbl IN
    SELECT c.relname
      FROM pg_catalog.pg_class c
     WHERE c.relnamespace = tenant_schema::regnamespace AND c.relkind IN ('r', 'p')
  LOOP
    EXECUTE format('ALTER TABLE %I.%I ENABLE ROW LEVEL SECURITY', tenant_schema, tbl.relname);
    EXECUTE format('ALTER TABLE %I.%I FORCE ROW LEVEL SECURITY', tenant_schema, tbl.relname);
    EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %I.%I', tenant_schema, tbl.relname);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %1$I.%2$I AS PERMISSIVE FOR ALL TO app_user '
      'USING (current_setting(''app.current_tenant'', true) = %3$L) '
      'WITH CHECK (current_setting(''app.current_tenant'', true) = %3$L)',
      tenant_schema, tbl.relname, provision_tenant.slug);
    EXECUTE format('REVOKE ALL ON %I.%I FROM PUBLIC', tenant_schema, tbl.relname);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I.%I TO app_user', tenant_schema, tbl.relname);
  END LOOP;
  EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO app_user', tenant_schema);
  RETURN tenant_schema;
END
$fn$;
REVOKE ALL ON FUNCTION control.provision_tenant(text) FROM PUBLIC;

-- The only way app_user gets a schema. SECURITY DEFINER runs it as qualisys_owner; the pinned search_path
-- (pg_catalog first, pg_temp last) stops a caller from shadowing anything it calls. The advisory lock on the
-- slug plus ON CONFLICT make two concurrent calls for one slug create it once and both succeed.
CREATE OR REPLACE FUNCTION control.create_tenant(slug text)
  RETURNS text
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $fn$
#variable_conflict use_column
BEGIN
  IF create_tenant.slug IS NULL OR create_tenant.slug !~ '^[a-z](?:[a-z0-9_]{0,38}[a-z0-9])?$' THEN
    RAISE EXCEPTION 'invalid tenant slug %', quote_nullable(left(create_tenant.slug, 80))
      USING ERRCODE = '22023',
            HINT = '1 to 40 characters: a lowercase letter, then lowercase letters, digits or "_", not ending in "_"';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('qualisys.create_tenant'), hashtext(create_tenant.slug));
  INSERT INTO control.tenants (slug) VALUES (create_tenant.slug) ON CONFLICT ON CONSTRAINT tenants_pkey DO NOTHING;
  RETURN control.provision_tenant(create_tenant.slug);
END
$fn$;
REVOKE ALL ON FUNCTION control.create_tenant(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION control.create_tenant(text) TO app_user;

-- Bring every registered tenant to the current template (no-op when nothing changed).
SELECT control.provision_tenant(slug) FROM control.tenants ORDER BY slug;
