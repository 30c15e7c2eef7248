-- qualisys database bootstrap, step 1 of 3: cluster-wide roles. Runs in the maintenance database (postgres),
-- in one transaction, as the RDS master user (rds_superuser on AWS, a superuser locally).
--
-- Roles (SPEC D2):
--   qualisys_owner  NOLOGIN; owns every database, schema, table and function the platform creates.
--   app_user        LOGIN; the application. Owns nothing, no SUPERUSER/BYPASSRLS/CREATEDB/CREATEROLE, member
--                   of no role: it reaches tenant data only through RLS policies and control.create_tenant().
--   monitor         LOGIN; the postgres-exporter. Member of pg_monitor, owns nothing.
--
-- Passwords never appear in this text: the runner passes them as the custom settings
-- qualisys.app_user_password / qualisys.monitor_password (connection options), read here with
-- current_setting(), so neither the statement log nor pg_stat_activity shows them. Empty means "leave as is".

-- Serialise concurrent runs; repeated runs find everything in place and change nothing.
SELECT pg_advisory_xact_lock(hashtext('qualisys.bootstrap'));

DO $roles$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'qualisys_owner') THEN
    CREATE ROLE qualisys_owner NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'app_user') THEN
    CREATE ROLE app_user LOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'monitor') THEN
    CREATE ROLE monitor LOGIN;
  END IF;
END
$roles$;

-- SUPERUSER, BYPASSRLS and REPLICATION are off by default and only a superuser may switch them, which RDS's
-- master is not; the assertion at the end proves they are off rather than re-stating them here.
ALTER ROLE qualisys_owner NOLOGIN NOCREATEDB NOCREATEROLE NOINHERIT;
ALTER ROLE app_user LOGIN NOCREATEDB NOCREATEROLE NOINHERIT CONNECTION LIMIT -1;
ALTER ROLE monitor LOGIN NOCREATEDB NOCREATEROLE INHERIT CONNECTION LIMIT 5;

-- pg_monitor: read-only statistics for the exporter, nothing else.
GRANT pg_monitor TO monitor;

-- The master user must be able to act as the owner (CREATE DATABASE … OWNER, SET ROLE) — on PostgreSQL 16+ a
-- CREATEROLE user only administers the roles it creates unless it is granted membership.
GRANT qualisys_owner TO CURRENT_USER;

DO $passwords$
DECLARE
  app_password text := coalesce(current_setting('qualisys.app_user_password', true), '');
  monitor_password text := coalesce(current_setting('qualisys.monitor_password', true), '');
BEGIN
  IF app_password <> '' THEN
    EXECUTE format('ALTER ROLE app_user PASSWORD %L', app_password);
  END IF;
  IF monitor_password <> '' THEN
    EXECUTE format('ALTER ROLE monitor PASSWORD %L', monitor_password);
  END IF;
END
$passwords$;

-- app_user and monitor connect only to the application databases (10-database.sql grants CONNECT there): PUBLIC's
-- default CONNECT and TEMP on the maintenance databases is withdrawn wherever we own them. On RDS the master user
-- owns `postgres`; template0/template1 belong to rdsadmin, which RDS keeps for itself, so they are skipped there.
DO $connect$
DECLARE
  db text;
BEGIN
  FOR db IN
    SELECT datname FROM pg_catalog.pg_database
     WHERE datallowconn AND datname IN ('postgres', 'template1') AND pg_catalog.pg_has_role(datdba, 'USAGE')
  LOOP
    EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', db);
  END LOOP;
END
$connect$;

-- app_user and monitor must never belong to a role (no SET ROLE to anything, no inherited rights) other than
-- monitor's pg_monitor; fail loudly if someone granted one by hand.
DO $assert$
DECLARE
  bad text;
BEGIN
  SELECT string_agg(rolname, ', ') INTO bad
    FROM pg_catalog.pg_roles
   WHERE rolname IN ('qualisys_owner', 'app_user', 'monitor') AND (rolsuper OR rolbypassrls OR rolreplication);
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'roles % must not be SUPERUSER, BYPASSRLS or REPLICATION', bad;
  END IF;
  SELECT string_agg(format('%s in %s', m.rolname, g.rolname), ', ') INTO bad
    FROM pg_catalog.pg_auth_members am
    JOIN pg_catalog.pg_roles m ON m.oid = am.member
    JOIN pg_catalog.pg_roles g ON g.oid = am.roleid
   WHERE (m.rolname = 'app_user') OR (m.rolname = 'monitor' AND g.rolname <> 'pg_monitor');
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'unexpected role memberships: %', bad;
  END IF;
END
$assert$;
