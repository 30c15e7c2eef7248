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

-- public is closed: no USAGE, no CREATE for anyone but its owner (pg_database_owner, i.e. qualisys_owner). The
-- REVOKE runs as qualisys_owner, the database's owner, so it acts as pg_database_owner, the grantor of PUBLIC's
-- default USAGE (a role that is not the owner would revoke nothing and only get a warning). CASCADE takes along
-- grants app_user or monitor received from a holder of a grant option. A grant by any other grantor survives a
-- REVOKE, so the block ends by asserting the result instead of trusting it: the bootstrap fails, naming the ACL.
DO $public$
DECLARE
  open_to text;
BEGIN
  IF to_regnamespace('public') IS NULL THEN
    RETURN;
  END IF;
  REVOKE ALL ON SCHEMA public FROM PUBLIC, app_user, monitor CASCADE;
  SELECT string_agg(format('%s %s', r, p), ', ') INTO open_to
    FROM unnest(ARRAY['app_user', 'monitor']) AS r, unnest(ARRAY['USAGE', 'CREATE']) AS p
   WHERE pg_catalog.has_schema_privilege(r, 'public', p);
  IF open_to IS NOT NULL THEN
    RAISE EXCEPTION 'schema public is still open (%) after the REVOKE; its ACL is %', open_to,
      (SELECT nspacl FROM pg_catalog.pg_namespace WHERE nspname = 'public')
      USING HINT = 'a grant by another grantor: revoke it as that role (REVOKE … GRANTED BY), then re-run';
  END IF;
END
$public$;

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

-- The tenant template is not here: it is the ordered files of ../tenant-migrations/, registered by the migration
-- runner (migrate.ts) through control.offer_tenant_migration below, with their text and checksum, so SQL alone
-- (create_tenant, SECURITY DEFINER) can give a new tenant every migration. Only the owner reads or writes these.
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

-- This database's tenancy settings, one row. max_tenants bounds what app_user can create through create_tenant
-- (the stack's database.maxTenants: the bootstrap Job sets it on every run). Until a runner sets it, the row holds
-- the config schema's default (config/data.ts; a test keeps the two equal).
CREATE TABLE IF NOT EXISTS control.settings (
  id boolean PRIMARY KEY DEFAULT true CONSTRAINT settings_one_row CHECK (id),
  max_tenants integer NOT NULL CONSTRAINT settings_max_tenants CHECK (max_tenants > 0)
);
REVOKE ALL ON control.settings FROM PUBLIC;
INSERT INTO control.settings (id, max_tenants) VALUES (true, 10000) ON CONFLICT ON CONSTRAINT settings_pkey DO NOTHING;

-- Earlier shapes, replaced by the functions below: the hard-coded template from before tenant migrations existed,
-- and registration that did not first prove a migration on a new tenant (it let a broken file into the template,
-- and every sign-up after it failed).
DROP FUNCTION IF EXISTS control.provision_tenant(text);
DROP FUNCTION IF EXISTS control.register_tenant_migration(text, text, text);

-- The invariant every tenant schema keeps after every migration: each table has RLS enabled and FORCED (so even
-- the owner is filtered), one policy admitting a row only while the transaction selected this tenant, and
-- app_user's DML grants; sequences usable. Whatever a migration adds is covered without the migration saying so.
CREATE OR REPLACE FUNCTION control.secure_tenant_schema(slug text)
  RETURNS void
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
  -- DROP POLICY IF EXISTS notes every missing policy; a sign-up's caller should see warnings, not that.
  SET client_min_messages = warning
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

-- Builds (or completes) one tenant's schema from the registered template, the way every new tenant gets it: the
-- schema, then each registered migration in order, each in a subtransaction. Returns NULLs when the tenant has
-- them all; otherwise stops at the first one that fails, with that migration's effects undone, and returns its
-- name and error (the tenant keeps the migrations before it: the last good template).
CREATE OR REPLACE FUNCTION control.build_tenant(slug text, OUT migration text, OUT error text)
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
AS $fn$
#variable_conflict use_column
DECLARE
  registered record;
BEGIN
  EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I', 'tenant_' || build_tenant.slug);
  PERFORM control.secure_tenant_schema(build_tenant.slug);
  FOR registered IN SELECT m.name FROM control.tenant_migrations m ORDER BY m.name LOOP
    BEGIN
      PERFORM control.apply_tenant_migration(build_tenant.slug, registered.name);
    EXCEPTION WHEN OTHERS THEN
      migration := registered.name;
      error := SQLERRM;
      RETURN;
    END;
  END LOOP;
END
$fn$;
REVOKE ALL ON FUNCTION control.build_tenant(text) FROM PUBLIC;

-- The template check: builds a throw-away tenant exactly as create_tenant would — from the registered template,
-- plus one candidate migration when given — and always undoes it (a sentinel exception rolls the block back).
-- Returns NULLs when a new, empty tenant gets every migration, else the first that fails and its error. The
-- throw-away slug is random and never committed, so no sign-up can meet it.
CREATE OR REPLACE FUNCTION control.check_template(
  candidate text DEFAULT NULL,
  candidate_checksum text DEFAULT NULL,
  candidate_sql text DEFAULT NULL,
  OUT migration text,
  OUT error text
)
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
AS $fn$
#variable_conflict use_column
DECLARE
  scratch text;
  built record;
BEGIN
  LOOP
    scratch := 'template_check_' || left(replace(gen_random_uuid()::text, '-', ''), 16);
    EXIT WHEN NOT EXISTS (SELECT FROM control.tenants t WHERE t.slug = scratch)
      AND to_regnamespace('tenant_' || scratch) IS NULL;
  END LOOP;
  BEGIN
    IF check_template.candidate IS NOT NULL THEN
      INSERT INTO control.tenant_migrations (name, checksum, sql)
      VALUES (check_template.candidate, check_template.candidate_checksum, check_template.candidate_sql)
      ON CONFLICT ON CONSTRAINT tenant_migrations_pkey DO UPDATE SET checksum = excluded.checksum, sql = excluded.sql;
    END IF;
    INSERT INTO control.tenants (slug) VALUES (scratch);
    SELECT * INTO built FROM control.build_tenant(scratch);
    migration := built.migration;
    error := built.error;
    RAISE EXCEPTION USING ERRCODE = 'QTCHK';
  EXCEPTION
    WHEN SQLSTATE 'QTCHK' THEN
      NULL;
    WHEN OTHERS THEN
      migration := coalesce(migration, check_template.candidate);
      error := SQLERRM;
  END;
END
$fn$;
REVOKE ALL ON FUNCTION control.check_template(text, text, text) FROM PUBLIC;

-- Registration follows success: a migration file becomes part of the template create_tenant applies only once a
-- new tenant built from the template plus this file gets every migration (control.check_template). Why that rule
-- and not "after a canary tenant" or "after the whole fleet": create_tenant only ever applies migrations to a new,
-- empty schema, so this check is exactly the condition under which sign-ups keep working; and it does not hold
-- every new tenant back behind the slowest or most unusual existing one (a data-dependent failure on one tenant is
-- that tenant's problem, reported by the runner with its forward fix).
-- Returns status 'current' (registered with this checksum), 'registered', or 'rejected' with the migration that
-- failed (this one, or an earlier registered one if the template itself is broken) and its error; rejected
-- changes nothing. Editing a migration that no tenant has yet re-checks and replaces it; editing one any tenant
-- applied is drift, and raises: re-running edited DDL on some tenants only would split the fleet.
CREATE OR REPLACE FUNCTION control.offer_tenant_migration(
  name text,
  checksum text,
  sql text,
  OUT status text,
  OUT failed text,
  OUT error text
)
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
AS $fn$
#variable_conflict use_column
DECLARE
  registered text;
  tenants_applied bigint;
  checked record;
BEGIN
  SELECT m.checksum INTO registered FROM control.tenant_migrations m WHERE m.name = offer_tenant_migration.name;
  IF registered = offer_tenant_migration.checksum THEN
    status := 'current';
    RETURN;
  END IF;
  SELECT count(*) INTO tenants_applied FROM control.tenant_migration_history h
   WHERE h.name = offer_tenant_migration.name;
  IF tenants_applied > 0 THEN
    RAISE EXCEPTION 'drift: % was edited after % tenant(s) applied it (checksum % now, % applied)',
      offer_tenant_migration.name, tenants_applied, left(offer_tenant_migration.checksum, 12), left(registered, 12)
      USING ERRCODE = 'P0001', HINT = 'restore the applied file and add the change as a new migration';
  END IF;
  SELECT * INTO checked
    FROM control.check_template(offer_tenant_migration.name, offer_tenant_migration.checksum, offer_tenant_migration.sql);
  IF checked.migration IS NOT NULL THEN
    status := 'rejected';
    failed := checked.migration;
    error := checked.error;
    RETURN;
  END IF;
  INSERT INTO control.tenant_migrations (name, checksum, sql)
  VALUES (offer_tenant_migration.name, offer_tenant_migration.checksum, offer_tenant_migration.sql)
  ON CONFLICT ON CONSTRAINT tenant_migrations_pkey
  DO UPDATE SET checksum = excluded.checksum, sql = excluded.sql, registered_at = now();
  status := 'registered';
END
$fn$;
REVOKE ALL ON FUNCTION control.offer_tenant_migration(text, text, text) FROM PUBLIC;

-- Takes a registered migration back out of the template (npm run db:migrate -- --withdraw <name>), so new tenants
-- stop getting it. Only while no tenant has it — it touches no tenant — and while no later migration is
-- registered (that one was checked on a template including this one). The table lock waits for every
-- create_tenant and apply in flight (they read the registry) and holds new ones until this commits, so none can
-- apply the migration between the count and the delete.
CREATE OR REPLACE FUNCTION control.withdraw_tenant_migration(name text)
  RETURNS void
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
AS $fn$
#variable_conflict use_column
DECLARE
  tenants_applied bigint;
  some_tenants text;
  later text;
BEGIN
  LOCK TABLE control.tenant_migrations IN ACCESS EXCLUSIVE MODE;
  IF NOT EXISTS (SELECT FROM control.tenant_migrations m WHERE m.name = withdraw_tenant_migration.name) THEN
    RAISE EXCEPTION '% is not registered in this database''s tenant template; nothing to withdraw',
      withdraw_tenant_migration.name USING ERRCODE = '22023';
  END IF;
  SELECT count(*), string_agg(h.slug, ', ' ORDER BY h.slug) FILTER (WHERE h.rank <= 5)
    INTO tenants_applied, some_tenants
    FROM (SELECT h.slug, row_number() OVER (ORDER BY h.slug) AS rank
            FROM control.tenant_migration_history h WHERE h.name = withdraw_tenant_migration.name) h;
  IF tenants_applied > 0 THEN
    RAISE EXCEPTION '% cannot be withdrawn: % tenant(s) applied it (%)', withdraw_tenant_migration.name,
      tenants_applied, some_tenants || CASE WHEN tenants_applied > 5 THEN ', …' ELSE '' END
      USING ERRCODE = '55000',
            HINT = 'forward fix: keep the file, make it succeed on the remaining tenants, and undo its effect in a new migration';
  END IF;
  SELECT string_agg(m.name, ', ' ORDER BY m.name) INTO later
    FROM control.tenant_migrations m WHERE m.name > withdraw_tenant_migration.name;
  IF later IS NOT NULL THEN
    RAISE EXCEPTION '% cannot be withdrawn while later migrations are registered: %', withdraw_tenant_migration.name,
      later USING ERRCODE = '55000', HINT = 'withdraw those first, newest first';
  END IF;
  DELETE FROM control.tenant_migrations m WHERE m.name = withdraw_tenant_migration.name;
END
$fn$;
REVOKE ALL ON FUNCTION control.withdraw_tenant_migration(text) FROM PUBLIC;

-- The only way app_user gets a schema. SECURITY DEFINER runs it as qualisys_owner; the pinned search_path
-- (pg_catalog first, pg_temp last) stops a caller from shadowing anything it calls. The advisory lock on the
-- slug makes two concurrent calls for one slug create it once and both succeed. A new slug also counts against
-- the cap (control.settings.max_tenants, from database.maxTenants) under one lock, so concurrent sign-ups cannot
-- overshoot it; an existing slug never does (a repeated call must keep working at the cap).
-- A migration that fails on the new schema (the registration check makes that rare: a broken registration from
-- before it existed, or something outside the tenant schema that changed) does not fail the sign-up: the tenant
-- keeps the last good template, the warning names the migration, and `npm run db:migrate` reports the tenant
-- with the recovery command until it is fixed.
CREATE OR REPLACE FUNCTION control.create_tenant(slug text)
  RETURNS text
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $fn$
#variable_conflict use_column
DECLARE
  cap integer;
  tenant_count bigint;
  built record;
BEGIN
  IF create_tenant.slug IS NULL OR create_tenant.slug !~ '^[a-z](?:[a-z0-9_]{0,38}[a-z0-9])?$' THEN
    RAISE EXCEPTION 'invalid tenant slug %', quote_nullable(left(create_tenant.slug, 80))
      USING ERRCODE = '22023',
            HINT = '1 to 40 characters: a lowercase letter, then lowercase letters, digits or "_", not ending in "_"';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('qualisys.create_tenant'), hashtext(create_tenant.slug));
  IF NOT EXISTS (SELECT FROM control.tenants t WHERE t.slug = create_tenant.slug) THEN
    PERFORM pg_advisory_xact_lock(hashtext('qualisys.tenant_cap'));
    SELECT s.max_tenants INTO cap FROM control.settings s;
    SELECT count(*) INTO tenant_count FROM control.tenants;
    IF tenant_count >= cap THEN
      RAISE EXCEPTION 'tenant cap reached: % tenants exist and database.maxTenants is %', tenant_count, cap
        USING ERRCODE = '54000',
              HINT = 'raise database.maxTenants in the stack config and run pulumi up, or offboard tenants';
    END IF;
    INSERT INTO control.tenants (slug) VALUES (create_tenant.slug);
  END IF;
  SELECT * INTO built FROM control.build_tenant(create_tenant.slug);
  IF built.migration IS NOT NULL THEN
    RAISE WARNING 'tenant % was created without % and the migrations after it: %', create_tenant.slug,
      built.migration, built.error
      USING HINT = CASE
        WHEN EXISTS (SELECT FROM control.tenant_migration_history h WHERE h.name = built.migration)
          THEN 'some tenants have it, so it is fixed forward: npm run db:migrate names the cause'
        ELSE format('no tenant has it: npm run db:migrate -- --url <admin URL of %s> --withdraw %s',
          current_database(), built.migration)
      END;
  END IF;
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
