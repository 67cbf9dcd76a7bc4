-- Typed telemetry (a table per analytics type, a typed column per metric), its rollups, the latest reading of every node
-- and the derived device state, in one of two storage profiles chosen here by what the server offers:
--
--   timescaledb  hypertables (7-day chunks), compression after 14 days, retention after 90 days, continuous
--                aggregates telemetry_<type>_hourly / _daily with refresh policies;
--   partitioned  native weekly range partitions kept by telemetry.maintain_partitions(), and rollup tables with
--                the same names and columns, refreshed per (node, hour) by telemetry.refresh_rollups().
--
-- Everything the application reads has the same name and columns in both. Both rollup flavours are built from the
-- one aggregate list per type in telemetry.rollup_definitions, so they cannot drift apart.
-- Why two profiles: docs/adr/0002-two-telemetry-storage-profiles.md.
--
-- Choices made on purpose:
--   * water_level_percent is a plain column computed at ingestion from the tank's configuration (a generated
--     column cannot read another table), with below_low_level beside it (the tank's own low-level threshold).
--   * counters (cumulative_volume_liters, energy_kwh) are double precision: a real loses whole litres past 16.7 m³.
--   * derived per-row columns (volume_delta_liters, energy_delta_kwh, pump_running_seconds) are computed at
--     ingestion from the previous reading, because a continuous aggregate cannot look at neighbouring rows
--     (no window functions). Counter resets count the new counter value as the increase.

CREATE TABLE telemetry.storage (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    profile    text    NOT NULL CHECK (profile IN ('timescaledb', 'partitioned'))
);
INSERT INTO telemetry.storage (profile)
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN 'timescaledb' ELSE 'partitioned' END;

CREATE FUNCTION telemetry.storage_profile() RETURNS text LANGUAGE sql STABLE AS
$$ SELECT profile FROM telemetry.storage $$;

-- The increase of a monotonically growing counter between two readings; a smaller value means the device
-- restarted its counter from zero, so everything it counted since is the increase.
CREATE FUNCTION telemetry.counter_increase(previous double precision, current double precision)
RETURNS double precision LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN previous IS NULL OR current IS NULL THEN NULL
        WHEN current >= previous THEN current - previous
        ELSE current
    END
$$;

-- One aggregate list per telemetry type: the single definition of every rollup column.
CREATE TABLE telemetry.rollup_definitions (
    telemetry_type  text PRIMARY KEY CHECK (telemetry_type IN ('tank', 'flow', 'deep')),
    aggregates      text NOT NULL
);
INSERT INTO telemetry.rollup_definitions (telemetry_type, aggregates) VALUES
('tank', $agg$
    avg(water_level_cm)::double precision          AS avg_level_cm,
    min(water_level_cm)::double precision          AS min_level_cm,
    max(water_level_cm)::double precision          AS max_level_cm,
    avg(water_level_percent)::double precision     AS avg_level_percent,
    min(water_level_percent)::double precision     AS min_level_percent,
    max(water_level_percent)::double precision     AS max_level_percent,
    avg(temperature_c)::double precision           AS avg_temperature_c,
    avg(tds_ppm)::double precision                 AS avg_tds_ppm,
    avg(ph)::double precision                      AS avg_ph,
    min(battery_voltage)::double precision         AS min_battery_voltage,
    count(*)                                       AS reading_count,
    count(*) FILTER (WHERE below_low_level)        AS low_level_count
$agg$),
('flow', $agg$
    avg(flow_rate_lpm)::double precision           AS avg_flow_rate_lpm,
    max(flow_rate_lpm)::double precision           AS max_flow_rate_lpm,
    coalesce(sum(volume_delta_liters), 0)          AS volume_liters,
    avg(pressure_bar)::double precision            AS avg_pressure_bar,
    count(*)                                       AS reading_count
$agg$),
('deep', $agg$
    avg(static_water_level_m)::double precision    AS avg_static_level_m,
    avg(dynamic_water_level_m)::double precision   AS avg_dynamic_level_m,
    coalesce(sum(pump_running_seconds), 0) / 60.0  AS pump_running_minutes,
    coalesce(sum(energy_delta_kwh), 0)             AS energy_kwh,
    avg(pump_current_a)::double precision          AS avg_pump_current_a,
    avg(voltage_v)::double precision               AS avg_voltage_v,
    count(*)                                       AS reading_count
$agg$);

-- (node, hour) buckets whose rollups are stale (partitioned profile; TimescaleDB tracks its own invalidations).
-- Per node, not per time range: one device sending months-old data re-aggregates only its own buckets.
CREATE TABLE telemetry.rollup_invalidations (
    telemetry_type  text        NOT NULL,
    node_id         uuid        NOT NULL,
    bucket          timestamptz NOT NULL,
    PRIMARY KEY (telemetry_type, node_id, bucket)
);

CREATE FUNCTION telemetry.invalidate_rollups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO telemetry.rollup_invalidations (telemetry_type, node_id, bucket)
    SELECT DISTINCT TG_ARGV[0], node_id, date_bin(interval '1 hour', "timestamp", timestamptz '2000-01-01 00:00+00')
    FROM changed_rows
    ORDER BY 2, 3
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

DO $$
DECLARE
    timescale  constant boolean := telemetry.storage_profile() = 'timescaledb';
    partitioning  constant text := CASE WHEN telemetry.storage_profile() = 'timescaledb' THEN '' ELSE ' PARTITION BY RANGE ("timestamp")' END;
    def        record;
    raw_table  text;
    resolution text;
    included   text;
BEGIN
    EXECUTE $ddl$CREATE TABLE telemetry.telemetry_tank (
        node_id              uuid        NOT NULL REFERENCES nodes.nodes (id) ON DELETE CASCADE,
        "timestamp"          timestamptz NOT NULL,
        water_level_cm       real        NOT NULL,
        water_level_percent  real        NULL,
        below_low_level      boolean     NULL,
        temperature_c        real        NULL,
        tds_ppm              integer     NULL CHECK (tds_ppm >= 0),
        ph                   real        NULL CHECK (ph BETWEEN 0 AND 14),
        battery_voltage      real        NULL CHECK (battery_voltage >= 0),
        rssi_dbm             smallint    NULL,
        metadata             jsonb       NOT NULL DEFAULT '{}',
        PRIMARY KEY (node_id, "timestamp")
    )$ddl$ || partitioning;

    EXECUTE $ddl$CREATE TABLE telemetry.telemetry_flow (
        node_id                   uuid             NOT NULL REFERENCES nodes.nodes (id) ON DELETE CASCADE,
        "timestamp"               timestamptz      NOT NULL,
        flow_rate_lpm             real             NOT NULL,
        cumulative_volume_liters  double precision NULL CHECK (cumulative_volume_liters >= 0),
        pressure_bar              real             NULL,
        temperature_c             real             NULL,
        metadata                  jsonb            NOT NULL DEFAULT '{}',
        volume_delta_liters       double precision NULL,
        PRIMARY KEY (node_id, "timestamp")
    )$ddl$ || partitioning;

    EXECUTE $ddl$CREATE TABLE telemetry.telemetry_deep (
        node_id                uuid             NOT NULL REFERENCES nodes.nodes (id) ON DELETE CASCADE,
        "timestamp"            timestamptz      NOT NULL,
        static_water_level_m   real             NULL,
        dynamic_water_level_m  real             NULL,
        pump_status            text             NULL CHECK (pump_status IN ('running', 'stopped', 'fault')),
        pump_current_a         real             NULL,
        voltage_v              real             NULL,
        energy_kwh             double precision NULL CHECK (energy_kwh >= 0),
        metadata               jsonb            NOT NULL DEFAULT '{}',
        energy_delta_kwh       double precision NULL,
        pump_running_seconds   real             NULL,
        PRIMARY KEY (node_id, "timestamp")
    )$ddl$ || partitioning;

    FOR def IN SELECT telemetry_type, aggregates FROM telemetry.rollup_definitions ORDER BY telemetry_type LOOP
        raw_table := 'telemetry_' || def.telemetry_type;

        IF timescale THEN
            PERFORM create_hypertable(format('telemetry.%I', raw_table), by_range('timestamp', interval '7 days'));
            EXECUTE format('ALTER TABLE telemetry.%I SET (timescaledb.compress, timescaledb.compress_segmentby = ''node_id'',
                            timescaledb.compress_orderby = ''"timestamp" DESC'')', raw_table);
            PERFORM add_compression_policy(format('telemetry.%I', raw_table), interval '14 days');
            PERFORM add_retention_policy(format('telemetry.%I', raw_table), interval '90 days');
        ELSE
            EXECUTE format('CREATE TRIGGER invalidate_rollups_on_insert AFTER INSERT ON telemetry.%I
                            REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT
                            EXECUTE FUNCTION telemetry.invalidate_rollups(%L)', raw_table, def.telemetry_type);
            EXECUTE format('CREATE TRIGGER invalidate_rollups_on_update AFTER UPDATE ON telemetry.%I
                            REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT
                            EXECUTE FUNCTION telemetry.invalidate_rollups(%L)', raw_table, def.telemetry_type);
            EXECUTE format('CREATE TRIGGER invalidate_rollups_on_delete AFTER DELETE ON telemetry.%I
                            REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT
                            EXECUTE FUNCTION telemetry.invalidate_rollups(%L)', raw_table, def.telemetry_type);
        END IF;

        FOREACH resolution IN ARRAY ARRAY['hour', 'day'] LOOP
            IF timescale THEN
                -- Real-time aggregates: buckets past the last refresh are read from the raw rows, so the current
                -- hour and day are never missing. Refresh windows end before the compression window (14 days).
                EXECUTE format($cagg$CREATE MATERIALIZED VIEW telemetry.%I
                    WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
                    SELECT node_id, time_bucket(interval '1 %s', "timestamp") AS bucket, %s
                    FROM telemetry.%I
                    GROUP BY node_id, time_bucket(interval '1 %s', "timestamp")
                    WITH NO DATA$cagg$,
                    raw_table || CASE resolution WHEN 'hour' THEN '_hourly' ELSE '_daily' END, resolution, def.aggregates, raw_table, resolution);
                PERFORM add_continuous_aggregate_policy(format('telemetry.%I', raw_table || CASE resolution WHEN 'hour' THEN '_hourly' ELSE '_daily' END),
                    start_offset => interval '13 days',
                    end_offset => CASE resolution WHEN 'hour' THEN interval '1 hour' ELSE interval '1 day' END,
                    schedule_interval => CASE resolution WHEN 'hour' THEN interval '30 minutes' ELSE interval '1 hour' END);
                PERFORM add_retention_policy(format('telemetry.%I', raw_table || CASE resolution WHEN 'hour' THEN '_hourly' ELSE '_daily' END),
                    CASE resolution WHEN 'hour' THEN interval '1 year' ELSE interval '5 years' END);
            ELSE
                EXECUTE format($tbl$CREATE TABLE telemetry.%I AS
                    SELECT node_id, date_bin(interval '1 %s', "timestamp", timestamptz '2000-01-01 00:00+00') AS bucket, %s
                    FROM telemetry.%I
                    GROUP BY 1, 2
                    WITH NO DATA$tbl$,
                    raw_table || CASE resolution WHEN 'hour' THEN '_hourly' ELSE '_daily' END, resolution, def.aggregates, raw_table);
                -- A covering key: a node's series is an index-only scan of a few pages, wherever the refreshes
                -- scattered its rows in the heap (30 hourly buckets: 17 pages instead of ~700).
                SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO included
                FROM pg_attribute
                WHERE attrelid = format('telemetry.%I', raw_table || CASE resolution WHEN 'hour' THEN '_hourly' ELSE '_daily' END)::regclass
                  AND attnum > 2 AND NOT attisdropped;
                EXECUTE format('ALTER TABLE telemetry.%I ADD PRIMARY KEY (node_id, bucket) INCLUDE (%s),
                                ADD FOREIGN KEY (node_id) REFERENCES nodes.nodes (id) ON DELETE CASCADE',
                    raw_table || CASE resolution WHEN 'hour' THEN '_hourly' ELSE '_daily' END, included);
            END IF;
            EXECUTE format('GRANT SELECT ON telemetry.%I TO evaratech_app', raw_table || CASE resolution WHEN 'hour' THEN '_hourly' ELSE '_daily' END);
            EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON telemetry.%I FROM evaratech_app', raw_table || CASE resolution WHEN 'hour' THEN '_hourly' ELSE '_daily' END);
        END LOOP;
    END LOOP;
END
$$;

-- The newest reading of every node, so "latest" never scans a hypertable. Ingestion keeps it; late data never
-- replaces a newer reading.
CREATE TABLE telemetry.latest_readings (
    node_id         uuid        PRIMARY KEY REFERENCES nodes.nodes (id) ON DELETE CASCADE,
    telemetry_type  text        NOT NULL CHECK (telemetry_type IN ('tank', 'flow', 'deep')),
    "timestamp"     timestamptz NOT NULL,
    "values"        jsonb       NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Derived state per node: the inputs of the health score, each recomputed by one atomic statement from
-- the stored readings. The score itself is computed when read, because its freshness part depends on the clock.
CREATE TABLE telemetry.device_states (
    node_id             uuid             PRIMARY KEY REFERENCES nodes.nodes (id) ON DELETE CASCADE,
    telemetry_type      text             NOT NULL CHECK (telemetry_type IN ('tank', 'flow', 'deep')),
    last_reading_at     timestamptz      NULL,
    readings_24h        integer          NOT NULL DEFAULT 0 CHECK (readings_24h >= 0),
    primary_avg_24h     double precision NULL,
    battery_voltage     real             NULL,
    rssi_dbm            smallint         NULL,
    open_alerts         integer          NOT NULL DEFAULT 0 CHECK (open_alerts >= 0),
    window_computed_at  timestamptz      NOT NULL DEFAULT now(),
    updated_at          timestamptz      NOT NULL DEFAULT now()
);
-- The state refresh job looks for nodes whose 24-hour window has moved on without them.
CREATE INDEX idx_device_states_window ON telemetry.device_states (window_computed_at);

-- Weekly partitions of the raw tables from the retention boundary to weeks_ahead, dropping whole weeks past the
-- retention, and rollup rows past theirs (hourly 1 year, daily 5 years). Runs as the owner. On
-- TimescaleDB the policies do all of this and the function returns nothing.
CREATE FUNCTION telemetry.maintain_partitions(
    retention interval DEFAULT interval '90 days',
    weeks_ahead integer DEFAULT 4,
    reference timestamptz DEFAULT now())
RETURNS TABLE (action text, partition_name text)
LANGUAGE plpgsql AS $$
DECLARE
    raw_table   text;
    week_start  timestamptz;
    last_week   timestamptz := date_trunc('week', reference, 'UTC') + make_interval(weeks => weeks_ahead);
    part        record;
BEGIN
    IF telemetry.storage_profile() = 'timescaledb' THEN
        RETURN;
    END IF;

    FOREACH raw_table IN ARRAY ARRAY['telemetry_tank', 'telemetry_flow', 'telemetry_deep'] LOOP
        week_start := date_trunc('week', reference - retention, 'UTC');
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
            SELECT c.relname
            FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = format('telemetry.%I', raw_table)::regclass
              AND c.relname ~ ('^' || raw_table || '_\d{8}$')
              AND to_date(right(c.relname, 8), 'YYYYMMDD')::timestamp AT TIME ZONE 'UTC' + interval '7 days' <= reference - retention
        LOOP
            EXECUTE format('DROP TABLE telemetry.%I', part.relname);
            action := 'dropped';
            partition_name := part.relname;
            RETURN NEXT;
        END LOOP;

        EXECUTE format('DELETE FROM telemetry.%I WHERE bucket < $1', raw_table || '_hourly') USING reference - interval '1 year';
        EXECUTE format('DELETE FROM telemetry.%I WHERE bucket < $1', raw_table || '_daily') USING reference - interval '5 years';
    END LOOP;
END
$$;

-- Re-aggregates the stale (node, hour) buckets, and the days that hold them, from the raw rows; at most
-- max_buckets per type per call. Claims with SKIP LOCKED, so two refreshers never do the same bucket twice.
-- A write that lands while a bucket is being refreshed re-invalidates it for the next call.
CREATE FUNCTION telemetry.refresh_rollups(max_buckets integer DEFAULT 50000)
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

-- Rebuilds every rollup from the raw rows (partitioned profile): after a bulk load that bypassed the triggers, or
-- to repair. Takes the invalidations with it. On TimescaleDB: CALL refresh_continuous_aggregate(view, NULL, NULL).
CREATE FUNCTION telemetry.rebuild_rollups() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    def record;
    resolution text;
    rollup text;
BEGIN
    IF telemetry.storage_profile() = 'timescaledb' THEN
        RAISE EXCEPTION 'rebuild_rollups is for the partitioned profile; refresh the continuous aggregates instead';
    END IF;

    FOR def IN SELECT d.telemetry_type, d.aggregates FROM telemetry.rollup_definitions d ORDER BY d.telemetry_type LOOP
        FOREACH resolution IN ARRAY ARRAY['hour', 'day'] LOOP
            rollup := 'telemetry_' || def.telemetry_type || CASE resolution WHEN 'hour' THEN '_hourly' ELSE '_daily' END;
            EXECUTE format('TRUNCATE telemetry.%I', rollup);
            EXECUTE format($sql$INSERT INTO telemetry.%I
                SELECT node_id, date_bin(interval '1 %s', "timestamp", timestamptz '2000-01-01 00:00+00') AS bucket, %s
                FROM telemetry.%I
                GROUP BY 1, 2$sql$, rollup, resolution, def.aggregates, 'telemetry_' || def.telemetry_type);
        END LOOP;
        DELETE FROM telemetry.rollup_invalidations i WHERE i.telemetry_type = def.telemetry_type;
    END LOOP;
END
$$;

SELECT * FROM telemetry.maintain_partitions();

-- Row-level security, the backstop behind the node look-up every telemetry query starts with: a row is visible when
-- its node is (the scope rule of nodes.nodes); the platform's 'system' context (ingestion, jobs) writes without the
-- per-row probe, as the foreign key already proves the node. Hypertables with compression and continuous aggregates
-- cannot carry policies (TimescaleDB refuses), so on that profile only the plain tables have them.
CREATE FUNCTION telemetry.scope_by_node(table_name text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE telemetry.%I ENABLE ROW LEVEL SECURITY', table_name);
    EXECUTE format(
        'CREATE POLICY tenant_scope ON telemetry.%I
            USING (current_setting(''app.role'', true) IN (''superadmin'', ''system'')
                   OR EXISTS (SELECT 1 FROM nodes.nodes n WHERE n.id = node_id))
            WITH CHECK (current_setting(''app.role'', true) = ''system''
                        OR EXISTS (SELECT 1 FROM nodes.nodes n WHERE n.id = node_id))', table_name);
END
$$;
REVOKE ALL ON FUNCTION telemetry.scope_by_node(text) FROM PUBLIC, evaratech_app;

SELECT telemetry.scope_by_node(scoped)
FROM unnest(CASE WHEN telemetry.storage_profile() = 'timescaledb'
    THEN ARRAY['latest_readings', 'device_states']
    ELSE ARRAY['latest_readings', 'device_states', 'telemetry_tank', 'telemetry_flow', 'telemetry_deep',
               'telemetry_tank_hourly', 'telemetry_tank_daily', 'telemetry_flow_hourly', 'telemetry_flow_daily',
               'telemetry_deep_hourly', 'telemetry_deep_daily'] END) AS scoped;

-- The application reads everything and writes readings, latest values and device state; rollups, invalidations
-- and partitions are the maintenance role's.
REVOKE ALL ON FUNCTION telemetry.maintain_partitions(interval, integer, timestamptz) FROM PUBLIC, evaratech_app;
REVOKE ALL ON FUNCTION telemetry.refresh_rollups(integer) FROM PUBLIC, evaratech_app;
REVOKE ALL ON FUNCTION telemetry.rebuild_rollups() FROM PUBLIC, evaratech_app;
REVOKE UPDATE, DELETE ON telemetry.rollup_definitions, telemetry.storage FROM evaratech_app;
