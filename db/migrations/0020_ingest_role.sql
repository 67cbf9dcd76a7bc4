-- Readings are written with COPY straight into their table. PostgreSQL refuses COPY FROM into a table with row-level
-- security for a role the policies apply to, so ingestion switches, for that one statement, to a role that bypasses
-- them and may do nothing else: read and insert raw readings (the rollup invalidation trigger's insert included).
-- The application is a member it can SET ROLE to, without inheriting anything it does not already hold. Creating a
-- BYPASSRLS role needs a superuser; where the migrating role is not one, the role is created without it and
-- ingestion keeps its staged path (staging table, then INSERT … ON CONFLICT), which works under the policies.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'evaratech_ingest') THEN
        IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            CREATE ROLE evaratech_ingest NOLOGIN NOSUPERUSER BYPASSRLS;
        ELSE
            CREATE ROLE evaratech_ingest NOLOGIN NOSUPERUSER NOBYPASSRLS;
        END IF;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA telemetry TO evaratech_ingest;
GRANT SELECT, INSERT ON telemetry.telemetry_tank, telemetry.telemetry_flow, telemetry.telemetry_deep TO evaratech_ingest;
GRANT INSERT ON telemetry.rollup_invalidations TO evaratech_ingest;
GRANT evaratech_ingest TO evaratech_app;
