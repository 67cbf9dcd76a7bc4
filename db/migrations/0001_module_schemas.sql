-- The privileges of the application live in a group role: whatever login the application uses (evara_app
-- locally, another name in a deployment) is made a member of it by whoever provisions that login.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'evaratech_app') THEN
        CREATE ROLE evaratech_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
    END IF;
END
$$;

-- One schema per module, so ownership is visible in the database; `reporting` holds cross-module read models.
CREATE SCHEMA IF NOT EXISTS tenancy;
CREATE SCHEMA IF NOT EXISTS nodes;
CREATE SCHEMA IF NOT EXISTS telemetry;
CREATE SCHEMA IF NOT EXISTS alerts;
CREATE SCHEMA IF NOT EXISTS audit;
CREATE SCHEMA IF NOT EXISTS reporting;

-- The application reads and writes module tables created by the migrating role; it never owns or alters them.
GRANT USAGE ON SCHEMA tenancy, nodes, telemetry, alerts, audit, reporting TO evaratech_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA tenancy, nodes, telemetry, alerts, reporting
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO evaratech_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA tenancy, nodes, telemetry, alerts, audit, reporting
    GRANT USAGE, SELECT ON SEQUENCES TO evaratech_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA tenancy, nodes, telemetry, alerts, audit, reporting
    GRANT EXECUTE ON FUNCTIONS TO evaratech_app;

-- Hangfire installs and upgrades its own tables at start-up, as the application, inside this schema.
CREATE SCHEMA IF NOT EXISTS hangfire AUTHORIZATION evaratech_app;

-- Extensions every profile may use. Each is created only where the server offers it, so the same migrations
-- run on the distribution's PostgreSQL and on TimescaleDB; a module that needs one checks for it itself.
DO $$
DECLARE
    wanted text;
BEGIN
    FOREACH wanted IN ARRAY ARRAY['citext', 'pg_trgm', 'btree_gist', 'postgis', 'timescaledb']
    LOOP
        IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = wanted) THEN
            EXECUTE format('CREATE EXTENSION IF NOT EXISTS %I', wanted);
        END IF;
    END LOOP;
END
$$;
