-- Nodes: device identity and ownership, per-type configuration, ThingSpeak channels and field mappings,
-- calibration, firmware, tags, and the frequently written operational state.
--
-- Ownership is a discriminated union: tenant_type names the owner and exactly one of distributor_id,
-- community_id, customer_id is set (CHECK). Like every tenant-scoped row, a node also carries its ownership path
-- (owner_distributor_id always; owner_community_id where a community or its customer owns it), kept equal to the
-- owner's by composite foreign keys, so scope checks stay plain indexed comparisons.

-- A customer-owned node's path is its customer's (id, community_id, distributor_id): make that triple a key target.
ALTER TABLE tenancy.customers ADD CONSTRAINT uq_customers_id_community_distributor UNIQUE (id, community_id, distributor_id);

CREATE TABLE nodes.nodes (
    id                    uuid        PRIMARY KEY,
    node_key              text        NOT NULL CHECK (node_key ~ '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$'),
    label                 text        NOT NULL CHECK (length(btrim(label)) BETWEEN 1 AND 200),
    category              text        NOT NULL CHECK (category IN ('OHT', 'Sump', 'Borewell', 'FlowMeter')),
    analytics_type        text        NOT NULL CHECK (analytics_type IN ('EvaraTank', 'EvaraFlow', 'EvaraDeep')),
    tenant_type           text        NOT NULL CHECK (tenant_type IN ('distributor', 'community', 'customer')),
    distributor_id        uuid        NULL,
    community_id          uuid        NULL,
    customer_id           uuid        NULL,
    owner_distributor_id  uuid        NOT NULL,
    owner_community_id    uuid        NULL,
    lat                   double precision NULL CHECK (lat BETWEEN -90 AND 90),
    lng                   double precision NULL CHECK (lng BETWEEN -180 AND 180),
    location_name         text        NULL CHECK (length(location_name) <= 200),
    capacity_litres       double precision NULL CHECK (capacity_litres > 0),
    -- What `search` matches: label and location name, lower-cased once at write time for the trigram index.
    search_text           text        GENERATED ALWAYS AS (lower(label || ' ' || coalesce(location_name, ''))) STORED,
    version               bigint      NOT NULL DEFAULT 1,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT uq_nodes_node_key UNIQUE (node_key),
    CONSTRAINT chk_nodes_tenant_consistency CHECK (
        (tenant_type = 'distributor' AND distributor_id IS NOT NULL AND community_id IS NULL AND customer_id IS NULL
            AND owner_distributor_id = distributor_id AND owner_community_id IS NULL) OR
        (tenant_type = 'community' AND community_id IS NOT NULL AND distributor_id IS NULL AND customer_id IS NULL
            AND owner_community_id = community_id) OR
        (tenant_type = 'customer' AND customer_id IS NOT NULL AND distributor_id IS NULL AND community_id IS NULL
            AND owner_community_id IS NOT NULL)),
    CONSTRAINT chk_nodes_category_type CHECK (
        (analytics_type = 'EvaraTank' AND category IN ('OHT', 'Sump')) OR
        (analytics_type = 'EvaraFlow' AND category = 'FlowMeter') OR
        (analytics_type = 'EvaraDeep' AND category = 'Borewell')),
    CONSTRAINT chk_nodes_coordinates CHECK ((lat IS NULL) = (lng IS NULL)),
    CONSTRAINT fk_nodes_distributor FOREIGN KEY (distributor_id)
        REFERENCES tenancy.distributors (id) ON DELETE RESTRICT,
    CONSTRAINT fk_nodes_owner_distributor FOREIGN KEY (owner_distributor_id)
        REFERENCES tenancy.distributors (id) ON DELETE RESTRICT,
    CONSTRAINT fk_nodes_community FOREIGN KEY (owner_community_id, owner_distributor_id)
        REFERENCES tenancy.communities (id, distributor_id) ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT fk_nodes_customer FOREIGN KEY (customer_id, owner_community_id, owner_distributor_id)
        REFERENCES tenancy.customers (id, community_id, distributor_id) ON DELETE RESTRICT ON UPDATE CASCADE
);

-- Each index below serves a named query of the Nodes module (see docs/PERFORMANCE.md for their plans).
-- Scoped lists, newest first, and their keyset pages (ListNodes: distributor scope; superadmin uses the next one).
CREATE INDEX idx_nodes_owner_distributor_created ON nodes.nodes (owner_distributor_id, created_at DESC, id DESC);
CREATE INDEX idx_nodes_created ON nodes.nodes (created_at DESC, id DESC);
CREATE INDEX idx_nodes_label ON nodes.nodes (label, id);
-- Customer scope and the community filter.
CREATE INDEX idx_nodes_customer ON nodes.nodes (customer_id, created_at DESC) WHERE customer_id IS NOT NULL;
CREATE INDEX idx_nodes_owner_community ON nodes.nodes (owner_community_id, created_at DESC) WHERE owner_community_id IS NOT NULL;
-- The map (NodeMap): every node in a distributor's scope read from the index alone (a covering index).
CREATE INDEX idx_nodes_map ON nodes.nodes (owner_distributor_id) INCLUDE (id, label, lat, lng);
-- Category filters within a scope.
CREATE INDEX idx_nodes_category ON nodes.nodes (owner_distributor_id, category, created_at DESC);
-- `search` over label and location name (ListNodes).
CREATE INDEX idx_nodes_search_trgm ON nodes.nodes USING gin (search_text gin_trgm_ops);
CREATE INDEX idx_nodes_analytics_type ON nodes.nodes (analytics_type, owner_distributor_id);

-- Geography where PostGIS is offered (the production image and the distribution's PostgreSQL here); without it
-- (the PGlite TimescaleDB harness) the radius query is unavailable.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'postgis') THEN
        ALTER TABLE nodes.nodes ADD COLUMN location geography(Point, 4326)
            GENERATED ALWAYS AS (CASE WHEN lat IS NULL THEN NULL
                ELSE ST_SetSRID(ST_MakePoint(lng, lat), 4326)::geography END) STORED;
        CREATE INDEX idx_nodes_location ON nodes.nodes USING gist (location);
    END IF;
END
$$;
-- NearbyNodes narrows by a bounding box on the coordinates first: plain float comparisons are LEAKPROOF, so under
-- row-level security the planner may use this index, while it may not push the geography operators into the GiST one.
CREATE INDEX idx_nodes_lat_lng ON nodes.nodes (lat, lng) WHERE lat IS NOT NULL;

-- Operational state: written every poll, so it lives apart from the identity row (no lock contention with edits)
-- and carries its own version for compare-and-set. A new node starts 'Provisioning', which the
-- status CHECK allows (a lower-case 'provisioning' default would break it).
CREATE TABLE nodes.node_operational_state (
    node_id               uuid        PRIMARY KEY REFERENCES nodes.nodes (id) ON DELETE CASCADE,
    status                text        NOT NULL DEFAULT 'Provisioning'
                                      CHECK (status IN ('Provisioning', 'Online', 'Offline', 'Maintenance', 'Alert')),
    last_seen             timestamptz NULL,
    last_telemetry_sync   timestamptz NULL,
    consecutive_failures  integer     NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
    version               bigint      NOT NULL DEFAULT 1,
    updated_at            timestamptz NOT NULL DEFAULT now()
);
-- Status filters and status sorting of ListNodes; pollers looking for silent nodes.
CREATE INDEX idx_node_operational_status ON nodes.node_operational_state (status, node_id);
CREATE INDEX idx_node_operational_last_seen ON nodes.node_operational_state (last_seen, node_id);

-- Per-type configuration (vertical partitioning: no type carries the others' empty columns): one row for the node's analytics type.
CREATE TABLE nodes.device_config_tank (
    node_id             uuid             PRIMARY KEY REFERENCES nodes.nodes (id) ON DELETE CASCADE,
    max_depth_cm        double precision NOT NULL CHECK (max_depth_cm > 0),
    sensor_offset_cm    double precision NOT NULL DEFAULT 0 CHECK (sensor_offset_cm >= 0),
    low_level_percent   double precision NOT NULL DEFAULT 20 CHECK (low_level_percent BETWEEN 0 AND 100),
    high_level_percent  double precision NOT NULL DEFAULT 90 CHECK (high_level_percent BETWEEN 0 AND 100),
    CHECK (low_level_percent < high_level_percent),
    CHECK (sensor_offset_cm < max_depth_cm)
);

CREATE TABLE nodes.device_config_flow (
    node_id            uuid             PRIMARY KEY REFERENCES nodes.nodes (id) ON DELETE CASCADE,
    pipe_diameter_mm   double precision NOT NULL CHECK (pipe_diameter_mm > 0),
    pulses_per_litre   double precision NOT NULL CHECK (pulses_per_litre > 0),
    max_flow_rate_lpm  double precision NULL CHECK (max_flow_rate_lpm > 0)
);

CREATE TABLE nodes.device_config_deep (
    node_id           uuid             PRIMARY KEY REFERENCES nodes.nodes (id) ON DELETE CASCADE,
    well_depth_m      double precision NOT NULL CHECK (well_depth_m > 0),
    pump_rating_kw    double precision NOT NULL CHECK (pump_rating_kw > 0),
    pump_depth_m      double precision NULL CHECK (pump_depth_m > 0)
);

-- The ThingSpeak channel a node reports through. The keys are secrets: the API only ever shows their last four
-- characters. A write key identifies its channel on the ThingSpeak-compatible write endpoint, hence unique.
CREATE TABLE nodes.thingspeak_channels (
    node_id     uuid        PRIMARY KEY REFERENCES nodes.nodes (id) ON DELETE CASCADE,
    channel_id  bigint      NOT NULL CHECK (channel_id > 0),
    read_key    text        NULL CHECK (read_key ~ '^[A-Za-z0-9]{8,64}$'),
    write_key   text        NULL CHECK (write_key ~ '^[A-Za-z0-9]{8,64}$'),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT uq_thingspeak_channels_channel UNIQUE (channel_id),
    CONSTRAINT uq_thingspeak_channels_write_key UNIQUE (write_key)
);

-- Field mappings as rows: ThingSpeak field1..field8 → a canonical telemetry field of the node's type.
CREATE TABLE nodes.thingspeak_field_mappings (
    id                     uuid        PRIMARY KEY,
    node_id                uuid        NOT NULL REFERENCES nodes.nodes (id) ON DELETE CASCADE,
    thingspeak_field_name  text        NOT NULL CHECK (thingspeak_field_name ~ '^field[1-8]$'),
    canonical_field_name   text        NOT NULL CHECK (length(canonical_field_name) BETWEEN 1 AND 100),
    data_type              text        NOT NULL CHECK (data_type IN ('float', 'integer', 'string', 'boolean')),
    unit                   text        NULL CHECK (length(unit) <= 50),
    scale_factor           double precision NOT NULL DEFAULT 1.0,
    value_offset           double precision NOT NULL DEFAULT 0.0,
    created_at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT uq_field_mappings_thingspeak_field UNIQUE (node_id, thingspeak_field_name),
    CONSTRAINT uq_field_mappings_canonical_field UNIQUE (node_id, canonical_field_name)
);

-- Calibration history per field; validity periods of one field never overlap (also under concurrent writes).
CREATE TABLE nodes.device_calibration (
    id                uuid        PRIMARY KEY,
    node_id           uuid        NOT NULL REFERENCES nodes.nodes (id) ON DELETE CASCADE,
    field_name        text        NOT NULL CHECK (length(field_name) BETWEEN 1 AND 100),
    calibration_type  text        NOT NULL CHECK (calibration_type IN ('linear', 'polynomial', 'lookup_table')),
    parameters        jsonb       NOT NULL,
    valid_from        timestamptz NOT NULL,
    valid_until       timestamptz NULL,
    created_by        uuid        NULL REFERENCES tenancy.users_profiles (id) ON DELETE SET NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (valid_until IS NULL OR valid_until > valid_from),
    CONSTRAINT excl_device_calibration_overlap EXCLUDE USING gist (
        node_id WITH =, field_name WITH =, tstzrange(valid_from, valid_until) WITH &&)
);
CREATE INDEX idx_calibration_device_field ON nodes.device_calibration (node_id, field_name, valid_from DESC);

CREATE TABLE nodes.device_firmware (
    node_id             uuid        PRIMARY KEY REFERENCES nodes.nodes (id) ON DELETE CASCADE,
    firmware_version    text        NOT NULL CHECK (length(firmware_version) BETWEEN 1 AND 50),
    hardware_revision   text        NULL CHECK (length(hardware_revision) <= 50),
    bootloader_version  text        NULL CHECK (length(bootloader_version) <= 50),
    last_update         timestamptz NULL,
    update_status       text        NOT NULL DEFAULT 'up_to_date'
                                    CHECK (update_status IN ('up_to_date', 'update_available', 'update_in_progress', 'update_failed')),
    metadata            jsonb       NOT NULL DEFAULT '{}'
);
-- The firmware summary groups by version.
CREATE INDEX idx_firmware_version ON nodes.device_firmware (firmware_version);

CREATE TABLE nodes.device_tags (
    id          uuid        PRIMARY KEY,
    tag_name    text        NOT NULL CHECK (tag_name ~ '^[a-z0-9][a-z0-9_.-]{0,99}$'),
    tag_value   text        NOT NULL CHECK (length(tag_value) BETWEEN 1 AND 255),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT uq_device_tags_name_value UNIQUE (tag_name, tag_value)
);

CREATE TABLE nodes.device_tag_assignments (
    node_id      uuid        NOT NULL REFERENCES nodes.nodes (id) ON DELETE CASCADE,
    tag_id       uuid        NOT NULL REFERENCES nodes.device_tags (id) ON DELETE CASCADE,
    assigned_at  timestamptz NOT NULL DEFAULT now(),
    assigned_by  uuid        NULL REFERENCES tenancy.users_profiles (id) ON DELETE SET NULL,
    PRIMARY KEY (node_id, tag_id)
);
-- `tag=name:value` filters walk from the tag to its nodes.
CREATE INDEX idx_device_tags_tag ON nodes.device_tag_assignments (tag_id, node_id);

-- Row-level security: the node by its ownership path; everything describing a node by its node.
ALTER TABLE nodes.nodes ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_scope ON nodes.nodes
    USING (tenancy.in_scope(owner_distributor_id, customer_id))
    WITH CHECK (tenancy.in_scope(owner_distributor_id, customer_id));

DO $$
DECLARE
    child text;
BEGIN
    FOREACH child IN ARRAY ARRAY['node_operational_state', 'device_config_tank', 'device_config_flow',
        'device_config_deep', 'thingspeak_channels', 'thingspeak_field_mappings', 'device_calibration',
        'device_firmware', 'device_tag_assignments']
    LOOP
        EXECUTE format('ALTER TABLE nodes.%I ENABLE ROW LEVEL SECURITY', child);
        -- superadmin and 'system' see every node (tenancy.in_scope), and every row here references an existing node,
        -- so for them the EXISTS is always true: the short-circuit only spares its per-row probe of nodes (10,000
        -- probes made the superadmin map of 10,000 nodes ~3x slower). Same rows visible; writes keep the full check.
        EXECUTE format(
            'CREATE POLICY tenant_scope ON nodes.%I
                USING (current_setting(''app.role'', true) IN (''superadmin'', ''system'')
                       OR EXISTS (SELECT 1 FROM nodes.nodes n WHERE n.id = node_id))
                WITH CHECK (EXISTS (SELECT 1 FROM nodes.nodes n WHERE n.id = node_id))', child);
    END LOOP;
END
$$;
-- Tags are shared names (environment=production); only their assignments belong to tenants.
