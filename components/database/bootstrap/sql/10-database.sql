-- qualisys database bootstrap, step 2 of 3: one application database (qualisys_master, qualisys_test): the
-- control schema. Runs in that database, in one transaction, after 00-roles.sql created the roles and the runner
-- created the database with OWNER qualisys_owner; the migration runner (migrate.ts) applies it before every fleet
-- migration, in the transaction that registers ../tenant-migrations/. Everything below is created as
-- qualisys_owner, so it owns every object.
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

-- The tenant template is not here: it is the ordered files of ../tenant-migrations/, registered below by the
-- migration runner (migrate.ts) with their text and checksum, so SQL alone (create_tenant, SECURITY DEFINER) can
-- give a new tenant every migration. Only the owner reads or writes these tables.
CREATE TABLE IF NOT EXISTS control.tenant_migrations (
  name text PRIMARY KEY CONSTRAINT tenant_migrations_name_format CHECK (name ~ '^[0-9]{4}_[a-z0-9_]+\.sql$'),
  checksum text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
  sql text NOT NULL,
  registered_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON control.tenant_migrations FROM PUBLIC;

-- Which migration each tenant has, with the checksum it had when applied: a later edit of the file is drift.
CREATE TABLE IF NOT EXISTS control.tenant_migration_history (
  slug text NOT NULL REFERENCES control.tenants (slug) ON DELETE CASCADE,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (slug, name)
);
REVOKE ALL ON control.tenant_migration_history FROM PUBLIC;

-- Today's shape before tenant migrations existed (one hard-coded template): gone, replaced by the functions below.
DROP FUNCTION IF EXISTS control.provision_tenant(text);

-- Registers (or, while no tenant has applied it, corrects) one migration file. Refuses an edit of a migration any
-- tenant already has: that is drift, and re-running edited DDL on some tenants only would split the fleet.
CREATE OR REPLACE FUNCTION control.register_tenant_migration(name text, checksum text, sql text)
  RETURNS void
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
AS $fn$
#variable_conflict use_column
DECLARE
  registered text;
  tenants_applied bigint;
BEGIN
  SELECT m.checksum INTO registered FROM control.tenant_migrations m WHERE m.name = register_tenant_migration.name;
  IF registered = register_tenant_migration.checksum THEN
    RETURN;
  END IF;
  SELECT count(*) INTO tenants_applied FROM control.tenant_migration_history h
   WHERE h.name = register_tenant_migration.name;
  IF tenants_applied > 0 THEN
    RAISE EXCEPTION 'drift: % was edited after % tenant(s) applied it (checksum % now, % applied)',
      register_tenant_migration.name, tenants_applied, left(register_tenant_migration.checksum, 12), left(registered, 12)
      USING ERRCODE = 'P0001', HINT = 'restore the applied file and add the change as a new migration';
  END IF;
  INSERT INTO control.tenant_migrations (name, checksum, sql)
  VALUES (register_tenant_migration.name, register_tenant_migration.checksum, register_tenant_migration.sql)
  ON CONFLICT ON CONSTRAINT tenant_migrations_pkey
  DO UPDATE SET checksum = excluded.checksum, sql = excluded.sql, registered_at = now();
END
$fn$;
REVOKE ALL ON FUNCTION control.register_tenant_migration(text, text, text) FROM PUBLIC;

-- The invariant every tenant schema keeps after every migration: each table has RLS enabled and FORCED (so even
-- the owner is filtered), one policy admitting a row only while the transaction selected this tenant, and
-- app_user's DML grants; sequences usable. Whatever a migration adds is covered without the migration saying so.
CREATE OR REPLACE FUNCTION control.secure_tenant_schema(slug text)
  RETURNS void
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  tenant_schema text := 'tenant_' || secure_tenant_schema.slug;
  tbl record;
BEGIN
  EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', tenant_schema);
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO app_user', tenant_schema);
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
      tenant_schema, tbl.relname, secure_tenant_schema.slug);
    EXECUTE format('REVOKE ALL ON %I.%I FROM PUBLIC', tenant_schema, tbl.relname);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I.%I TO app_user', tenant_schema, tbl.relname);
  END LOOP;
  EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO app_user', tenant_schema);
END
$fn$;
REVOKE ALL ON FUNCTION control.secure_tenant_schema(text) FROM PUBLIC;

-- Applies one registered migration to one tenant unless it has it: returns 'applied' or 'current'. The SQL runs
-- with the tenant's schema first on search_path (migrations are schema-unqualified), in the caller's transaction
-- (the runner gives each tenant-migration its own, with a lock timeout), so a failure leaves the tenant as it was.
-- The one substitution: {{tenant_slug}} becomes the slug as a quoted literal (the template's second fence, a
-- CHECK on each row's tenant column, needs it). A per-tenant advisory lock makes concurrent runners apply it once.
CREATE OR REPLACE FUNCTION control.apply_tenant_migration(slug text, name text)
  RETURNS text
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
AS $fn$
#variable_conflict use_column
DECLARE
  tenant_schema text := 'tenant_' || apply_tenant_migration.slug;
  migration control.tenant_migrations%ROWTYPE;
  applied text;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('qualisys.tenant'), hashtext(apply_tenant_migration.slug));
  IF NOT EXISTS (SELECT FROM control.tenants t WHERE t.slug = apply_tenant_migration.slug) THEN
    RAISE EXCEPTION 'no tenant %', quote_nullable(apply_tenant_migration.slug) USING ERRCODE = '22023';
  END IF;
  SELECT * INTO migration FROM control.tenant_migrations m WHERE m.name = apply_tenant_migration.name;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no registered tenant migration %', apply_tenant_migration.name USING ERRCODE = '22023';
  END IF;
  SELECT h.checksum INTO applied FROM control.tenant_migration_history h
   WHERE h.slug = apply_tenant_migration.slug AND h.name = apply_tenant_migration.name;
  IF applied = migration.checksum THEN
    RETURN 'current';
  ELSIF applied IS NOT NULL THEN
    RAISE EXCEPTION 'drift: tenant % applied % with checksum %, registered %', apply_tenant_migration.slug,
      migration.name, left(applied, 12), left(migration.checksum, 12) USING ERRCODE = 'P0001';
  END IF;

  PERFORM set_config('search_path', format('%I, pg_catalog, pg_temp', tenant_schema), true);
  EXECUTE replace(migration.sql, '{{tenant_slug}}', quote_literal(apply_tenant_migration.slug));
  PERFORM set_config('search_path', 'pg_catalog, pg_temp', true);

  INSERT INTO control.tenant_migration_history (slug, name, checksum)
  VALUES (apply_tenant_migration.slug, migration.name, migration.checksum);
  PERFORM control.secure_tenant_schema(apply_tenant_migration.slug);
  RETURN 'applied';
END
$fn$;
REVOKE ALL ON FUNCTION control.apply_tenant_migration(text, text) FROM PUBLIC;

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
  EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I', 'tenant_' || create_tenant.slug);
  PERFORM control.secure_tenant_schema(create_tenant.slug);
  -- Every registered migration, in order; those the tenant has are skipped (drift is an error here too).
  PERFORM control.apply_tenant_migration(create_tenant.slug, m.name) FROM control.tenant_migrations m ORDER BY m.name;
  RETURN 'tenant_' || create_tenant.slug;
END
$fn$;
REVOKE ALL ON FUNCTION control.create_tenant(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION control.create_tenant(text) TO app_user;

-- Offboarding (admin only: never granted to app_user): the tenant's schema with all its data, its registry row and
-- its migration history. Idempotent; returns whether there was a tenant to drop.
CREATE OR REPLACE FUNCTION control.drop_tenant(slug text)
  RETURNS boolean
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
AS $fn$
#variable_conflict use_column
BEGIN
  IF drop_tenant.slug IS NULL OR drop_tenant.slug !~ '^[a-z](?:[a-z0-9_]{0,38}[a-z0-9])?$' THEN
    RAISE EXCEPTION 'invalid tenant slug %', quote_nullable(left(drop_tenant.slug, 80)) USING ERRCODE = '22023';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('qualisys.create_tenant'), hashtext(drop_tenant.slug));
  PERFORM pg_advisory_xact_lock(hashtext('qualisys.tenant'), hashtext(drop_tenant.slug));
  EXECUTE format('DROP SCHEMA IF EXISTS %I CASCADE', 'tenant_' || drop_tenant.slug);
  DELETE FROM control.tenants t WHERE t.slug = drop_tenant.slug;
  RETURN FOUND;
END
$fn$;
REVOKE ALL ON FUNCTION control.drop_tenant(text) FROM PUBLIC;
