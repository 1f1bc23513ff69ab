-- Team mode against a team login's own session. The rules' functions read tables, views and
-- catalogs by name, and a name resolves through the *caller's* search_path, where `pg_temp` comes
-- first unless it is listed: a temporary table `submissions`, or a temporary view `pg_roles` or
-- `review_state`, stood in for the real ones, and a team login approved its own import, voted in
-- another's name and signed off over a live -2. From here on:
--
-- * every function in this schema resolves names in pg_catalog, then public, then pg_temp
--   (last, so that nothing temporary shadows anything), whatever the session sets; a function
--   added by a later migration must say `SET search_path = pg_catalog, public, pg_temp` too
--   (a store test checks that every one does);
-- * team logins may not create temporary objects (TEMPORARY on the database is revoked from
--   PUBLIC) nor objects in `public` (CREATE on the schema, granted to PUBLIC before PostgreSQL
--   15). Both need the database's or the schema's owner: when the migrating login is not, a
--   notice says so and the pinned search_path alone holds (README, "Team mode").

DO $$
DECLARE
    f record;
BEGIN
    FOR f IN
        SELECT p.oid::regprocedure AS signature
        FROM pg_catalog.pg_proc p
        JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND p.prokind = 'f'
    LOOP
        EXECUTE pg_catalog.format('ALTER FUNCTION %s SET search_path = pg_catalog, public, pg_temp', f.signature);
    END LOOP;
END;
$$;

DO $$
BEGIN
    BEGIN
        EXECUTE pg_catalog.format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', pg_catalog.current_database());
    EXCEPTION WHEN insufficient_privilege THEN
        RAISE NOTICE 'aar-review: TEMPORARY on this database was not revoked from PUBLIC (%): see README, Team mode', SQLERRM;
    END;
    BEGIN
        EXECUTE 'REVOKE CREATE ON SCHEMA public FROM PUBLIC';
    EXCEPTION WHEN insufficient_privilege THEN
        RAISE NOTICE 'aar-review: CREATE on schema public was not revoked from PUBLIC (%): see README, Team mode', SQLERRM;
    END;
END;
$$;
