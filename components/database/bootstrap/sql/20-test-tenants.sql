-- qualisys database bootstrap, step 3 of 3: qualisys_test only. The three test tenants the application's test
-- suites and the local database (npm run db:local) use. create_tenant is idempotent, so re-runs are no-ops.
SELECT pg_advisory_xact_lock(hashtext('qualisys.bootstrap'));
SET LOCAL ROLE qualisys_owner;
SELECT control.create_tenant(slug) FROM (VALUES ('test_1'), ('test_2'), ('test_3')) AS t (slug);
