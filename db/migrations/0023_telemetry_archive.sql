-- The telemetry archive: raw readings and rollups leave PostgreSQL only after they are archived (one Parquet object
-- per dataset, node and week) and the object was read back and verified. The manifest below is what "archived" means
-- to every statement that drops rows; the archiver (TelemetryArchiver) writes it as the maintenance role.
--
-- stored_rows is the number of the dataset's database rows, of this node and week, that the object holds: equal to
-- the rows there now means "nothing here is only in PostgreSQL", the one test both the archiver (what to archive
-- again) and every drop (what may go) apply. Rows are only ever inserted into a week, so a count cannot stay equal
-- while the rows change; a node's rows dropped early set it to 0, so readings arriving after that differ from it.
CREATE TABLE telemetry.archive_manifest (
    dataset      text        NOT NULL CHECK (dataset IN ('tank', 'flow', 'deep', 'tank_hourly', 'flow_hourly', 'deep_hourly',
                                                         'tank_daily', 'flow_daily', 'deep_daily')),
    node_id      uuid        NOT NULL REFERENCES nodes.nodes (id) ON DELETE CASCADE,
    week_start   timestamptz NOT NULL,
    object_key   text        NOT NULL,
    row_count    integer     NOT NULL CHECK (row_count >= 0),
    stored_rows  integer     NOT NULL CHECK (stored_rows >= 0),
    bytes        bigint      NOT NULL CHECK (bytes > 0),
    sha256       text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    archived_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (dataset, node_id, week_start)
);
-- Read-back: a node's archived weeks of one dataset over a range.
CREATE INDEX idx_archive_manifest_node ON telemetry.archive_manifest (node_id, dataset, week_start);
SELECT telemetry.scope_by_node('archive_manifest');
REVOKE INSERT, UPDATE, DELETE ON telemetry.archive_manifest FROM evaratech_app;

-- Rows the archive drops early (a silent node's readings) leave their rollups alone: the rollups outlive the raw rows,
-- and re-aggregating a bucket whose rows are gone would delete it.
CREATE OR REPLACE FUNCTION telemetry.invalidate_rollups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('telemetry.archive_drop', true) = 'on' THEN
        RETURN NULL;
    END IF;
    INSERT INTO telemetry.rollup_invalidations (telemetry_type, node_id, bucket)
    SELECT DISTINCT TG_ARGV[0], node_id, date_bin(interval '1 hour', "timestamp", timestamptz '2000-01-01 00:00+00')
    FROM changed_rows
    ORDER BY 2, 3
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

-- (node, week) groups of a dataset before a boundary (none: all of them), of one node when given, whose rows are not
-- all archived: the archiver's work list and every drop's refusal. Raw tables are timed by "timestamp", rollups by bucket.
CREATE FUNCTION telemetry.unarchived_weeks(dataset text, before timestamptz DEFAULT NULL, node uuid DEFAULT NULL)
RETURNS TABLE (node_id uuid, week_start timestamptz, stored_rows integer)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    time_column constant text := CASE WHEN dataset LIKE '%\_hourly' OR dataset LIKE '%\_daily' THEN 'bucket' ELSE 'timestamp' END;
BEGIN
    IF dataset NOT IN ('tank', 'flow', 'deep', 'tank_hourly', 'flow_hourly', 'deep_hourly', 'tank_daily', 'flow_daily', 'deep_daily') THEN
        RAISE EXCEPTION 'unknown archive dataset %', dataset;
    END IF;
    RETURN QUERY EXECUTE format($sql$
        SELECT g.node_id, g.week_start, g.n::integer
        FROM (SELECT t.node_id, date_trunc('week', t.%1$I, 'UTC') AS week_start, count(*) AS n
              FROM telemetry.%2$I t
              WHERE ($1 IS NULL OR t.%1$I < $1) AND ($3 IS NULL OR t.node_id = $3)
              GROUP BY 1, 2) g
        LEFT JOIN telemetry.archive_manifest m
               ON m.dataset = $2 AND m.node_id = g.node_id AND m.week_start = g.week_start
        WHERE m.stored_rows IS DISTINCT FROM g.n
        ORDER BY g.week_start, g.node_id$sql$, time_column, 'telemetry_' || dataset)
    USING before, dataset, node;
END
$$;
REVOKE ALL ON FUNCTION telemetry.unarchived_weeks(text, timestamptz, uuid) FROM PUBLIC, evaratech_app;

-- Where raw readings and rollups end: raw weeks past the retention, hourly rollups past a year, daily past five
-- years, each cut at a whole UTC week (the archive's unit), so a drop never takes part of an archived week.
CREATE FUNCTION telemetry.retention_boundary(dataset text, reference timestamptz, retention interval DEFAULT interval '90 days')
RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT date_trunc('week', reference - CASE
        WHEN dataset LIKE '%\_hourly' THEN interval '1 year'
        WHEN dataset LIKE '%\_daily' THEN interval '5 years'
        ELSE retention END, 'UTC')
$$;

-- Retention now drops only what the archive holds: TimescaleDB's own policies would drop chunks unarchived.
DO $$
DECLARE
    relation text;
BEGIN
    IF telemetry.storage_profile() = 'timescaledb' THEN
        FOREACH relation IN ARRAY ARRAY['telemetry_tank', 'telemetry_flow', 'telemetry_deep',
                                        'telemetry_tank_hourly', 'telemetry_flow_hourly', 'telemetry_deep_hourly',
                                        'telemetry_tank_daily', 'telemetry_flow_daily', 'telemetry_deep_daily'] LOOP
            PERFORM remove_retention_policy(format('telemetry.%I', relation), if_exists => true);
        END LOOP;
    END IF;
END
$$;

-- Weekly partitions of the raw tables from the retention boundary to weeks_ahead; weeks past the retention dropped
-- once every row in them is archived (a week that is not stays, reported as 'kept'); rollups past theirs deleted
-- the same way. On TimescaleDB the chunks before the boundary go by drop_chunks, under the same condition.
DROP FUNCTION telemetry.maintain_partitions(interval, integer, timestamptz);
CREATE FUNCTION telemetry.maintain_partitions(
    retention interval DEFAULT interval '90 days',
    weeks_ahead integer DEFAULT 4,
    reference timestamptz DEFAULT now())
RETURNS TABLE (action text, partition_name text)
LANGUAGE plpgsql AS $$
DECLARE
    timescale   constant boolean := telemetry.storage_profile() = 'timescaledb';
    type_key    text;
    raw_table   text;
    rollup      text;
    boundary    timestamptz;
    week_start  timestamptz;
    last_week   timestamptz := date_trunc('week', reference, 'UTC') + make_interval(weeks => weeks_ahead);
    part        record;
BEGIN
    FOREACH type_key IN ARRAY ARRAY['tank', 'flow', 'deep'] LOOP
        raw_table := 'telemetry_' || type_key;
        boundary := telemetry.retention_boundary(type_key, reference, retention);

        IF timescale THEN
            IF EXISTS (SELECT 1 FROM telemetry.unarchived_weeks(type_key, boundary)) THEN
                action := 'kept';
            ELSE
                PERFORM drop_chunks(format('telemetry.%I', raw_table), older_than => boundary);
                action := 'dropped';
            END IF;
            partition_name := raw_table || ' before ' || to_char(boundary AT TIME ZONE 'UTC', 'YYYY-MM-DD');
            RETURN NEXT;
        ELSE
            week_start := boundary;
            WHILE week_start <= last_week LOOP
                partition_name := raw_table || '_' || to_char(week_start AT TIME ZONE 'UTC', 'YYYYMMDD');
                IF to_regclass('telemetry.' || partition_name) IS NULL THEN
                    EXECUTE format('CREATE TABLE telemetry.%I PARTITION OF telemetry.%I FOR VALUES FROM (%L) TO (%L)',
                        partition_name, raw_table, week_start, week_start + interval '7 days');
                    action := 'created';
                    RETURN NEXT;
                END IF;
                week_start := week_start + interval '7 days';
            END LOOP;

            FOR part IN
                SELECT c.relname, to_date(right(c.relname, 8), 'YYYYMMDD')::timestamp AT TIME ZONE 'UTC' AS starts
                FROM pg_inherits i
                JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = format('telemetry.%I', raw_table)::regclass
                  AND c.relname ~ ('^' || raw_table || '_\d{8}$')
                  AND to_date(right(c.relname, 8), 'YYYYMMDD')::timestamp AT TIME ZONE 'UTC' + interval '7 days' <= boundary
            LOOP
                partition_name := part.relname;
                -- Locked first, so the rows counted are the rows dropped.
                EXECUTE format('LOCK TABLE telemetry.%I IN ACCESS EXCLUSIVE MODE', part.relname);
                IF EXISTS (SELECT 1 FROM telemetry.unarchived_weeks(type_key, part.starts + interval '7 days') u
                           WHERE u.week_start = part.starts) THEN
                    action := 'kept';
                ELSE
                    EXECUTE format('DROP TABLE telemetry.%I', part.relname);
                    action := 'dropped';
                END IF;
                RETURN NEXT;
            END LOOP;
        END IF;

        FOREACH rollup IN ARRAY ARRAY[type_key || '_hourly', type_key || '_daily'] LOOP
            boundary := telemetry.retention_boundary(rollup, reference);
            partition_name := 'telemetry_' || rollup || ' before ' || to_char(boundary AT TIME ZONE 'UTC', 'YYYY-MM-DD');
            IF timescale THEN
                IF EXISTS (SELECT 1 FROM telemetry.unarchived_weeks(rollup, boundary)) THEN
                    action := 'kept';
                ELSE
                    PERFORM drop_chunks(format('telemetry.%I', 'telemetry_' || rollup), older_than => boundary);
                    action := 'dropped';
                END IF;
                RETURN NEXT;
            ELSE
                -- Rollup rows are deleted by archived (node, week), so an unarchived week stays and the rest go.
                EXECUTE format($sql$
                    WITH unarchived AS MATERIALIZED (SELECT u.node_id, u.week_start FROM telemetry.unarchived_weeks($2, $1) u)
                    DELETE FROM telemetry.%1$I r
                    USING telemetry.archive_manifest m
                    WHERE r.bucket < $1
                      AND m.dataset = $2 AND m.node_id = r.node_id AND m.week_start = date_trunc('week', r.bucket, 'UTC')
                      AND NOT EXISTS (SELECT 1 FROM unarchived u WHERE u.node_id = r.node_id AND u.week_start = m.week_start)$sql$,
                    'telemetry_' || rollup) USING boundary, rollup;
                IF FOUND THEN
                    action := 'dropped';
                    RETURN NEXT;
                END IF;
            END IF;
        END LOOP;
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION telemetry.maintain_partitions(interval, integer, timestamptz) FROM PUBLIC, evaratech_app;
