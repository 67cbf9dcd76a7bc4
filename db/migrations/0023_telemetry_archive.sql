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

-- Re-aggregates the stale (node, hour) buckets, and the days that hold them, from the raw rows; at most
-- max_buckets per type per call. A bucket of a week whose archive holds rows the table does not (a silent node's
-- readings, dropped early) is left as it is: re-aggregating it from the rows still stored would shrink or delete it,
-- so a late reading of such a week joins the archive, not the rollups. Claims with SKIP LOCKED, so two refreshers never do the same bucket twice.
-- A write that lands while a bucket is being refreshed re-invalidates it for the next call.
CREATE OR REPLACE FUNCTION telemetry.refresh_rollups(max_buckets integer DEFAULT 50000)
RETURNS TABLE (telemetry_type text, resolution text, buckets integer, nodes integer)
LANGUAGE plpgsql AS $$
DECLARE
    def record;
    raw_table text;
BEGIN
    IF telemetry.storage_profile() = 'timescaledb' THEN
        RETURN;
    END IF;

    CREATE TEMP TABLE IF NOT EXISTS refresh_claimed (node_id uuid, bucket timestamptz) ON COMMIT DROP;
    FOR def IN SELECT d.telemetry_type, d.aggregates FROM telemetry.rollup_definitions d ORDER BY d.telemetry_type LOOP
        raw_table := 'telemetry_' || def.telemetry_type;
        TRUNCATE refresh_claimed;

        WITH claimed AS (
            DELETE FROM telemetry.rollup_invalidations i
            WHERE (i.telemetry_type, i.node_id, i.bucket) IN (
                SELECT c.telemetry_type, c.node_id, c.bucket
                FROM telemetry.rollup_invalidations c
                WHERE c.telemetry_type = def.telemetry_type
                ORDER BY c.node_id, c.bucket
                LIMIT max_buckets
                FOR UPDATE SKIP LOCKED)
            RETURNING i.node_id, i.bucket)
        INSERT INTO refresh_claimed SELECT c.node_id, c.bucket FROM claimed c;
        DELETE FROM refresh_claimed c
        USING telemetry.archive_manifest m
        WHERE m.dataset = def.telemetry_type AND m.node_id = c.node_id AND m.week_start = date_trunc('week', c.bucket, 'UTC')
          AND m.row_count > m.stored_rows;

        FOREACH resolution IN ARRAY ARRAY['hour', 'day'] LOOP
            -- Delete, then insert what the raw rows say now: a bucket whose rows are gone simply stays away.
            EXECUTE format($sql$
                CREATE TEMP TABLE IF NOT EXISTS refresh_stale (node_id uuid, bucket timestamptz) ON COMMIT DROP;
                TRUNCATE refresh_stale;
                INSERT INTO refresh_stale
                SELECT DISTINCT c.node_id, date_bin(interval '1 %1$s', c.bucket, timestamptz '2000-01-01 00:00+00')
                FROM refresh_claimed c;
                DELETE FROM telemetry.%2$I r USING refresh_stale s WHERE r.node_id = s.node_id AND r.bucket = s.bucket;
                INSERT INTO telemetry.%2$I
                SELECT t.node_id, s.bucket, %3$s
                FROM refresh_stale s
                JOIN telemetry.%4$I t
                  ON t.node_id = s.node_id AND t."timestamp" >= s.bucket AND t."timestamp" < s.bucket + interval '1 %1$s'
                GROUP BY t.node_id, s.bucket$sql$,
                resolution, raw_table || CASE resolution WHEN 'hour' THEN '_hourly' ELSE '_daily' END, def.aggregates, raw_table);

            telemetry_type := def.telemetry_type;
            EXECUTE format($sql$SELECT count(DISTINCT (c.node_id, date_bin(interval '1 %s', c.bucket, timestamptz '2000-01-01 00:00+00'))),
                                       count(DISTINCT c.node_id)
                                FROM refresh_claimed c$sql$, resolution)
                INTO buckets, nodes;
            RETURN NEXT;
        END LOOP;
    END LOOP;
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
    deleted_rows bigint;
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
                GET DIAGNOSTICS deleted_rows = ROW_COUNT;
                IF deleted_rows > 0 THEN
                    action := 'dropped';
                    RETURN NEXT;
                END IF;
            END IF;
        END LOOP;
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION telemetry.maintain_partitions(interval, integer, timestamptz) FROM PUBLIC, evaratech_app;
