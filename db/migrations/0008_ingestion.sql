-- Ingestion: what went wrong with a node's last poll, readings refused with their reason, and where each
-- node's ThingSpeak feed was read up to.

ALTER TABLE nodes.node_operational_state
    ADD COLUMN last_error     text        NULL CHECK (length(last_error) <= 500),
    ADD COLUMN last_error_at  timestamptz NULL;

-- Never silently dropped: a refused entry is kept with its raw payload and the reason. One row per source entry
-- (a re-poll of the same entry adds nothing).
CREATE TABLE telemetry.telemetry_rejections (
    id               uuid        PRIMARY KEY,
    node_id          uuid        NOT NULL REFERENCES nodes.nodes (id) ON DELETE CASCADE,
    received_at      timestamptz NOT NULL DEFAULT now(),
    source           text        NOT NULL CHECK (source IN ('poll', 'push', 'gateway')),
    entry_timestamp  timestamptz NULL,
    entry_id         bigint      NULL,
    reason           text        NOT NULL CHECK (length(reason) <= 500),
    source_field     text        NULL,
    payload          jsonb       NOT NULL
);
CREATE UNIQUE INDEX uq_telemetry_rejections_entry ON telemetry.telemetry_rejections (node_id, source, entry_id) WHERE entry_id IS NOT NULL;
CREATE INDEX idx_telemetry_rejections_node ON telemetry.telemetry_rejections (node_id, received_at DESC);

-- ThingSpeak has no id cursor: the poller asks from the last stored time and drops entries at or below the last
-- entry id it has seen (stored or refused).
CREATE TABLE telemetry.ingestion_cursors (
    node_id         uuid        PRIMARY KEY REFERENCES nodes.nodes (id) ON DELETE CASCADE,
    last_entry_id   bigint      NOT NULL,
    last_timestamp  timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

SELECT telemetry.scope_by_node('telemetry_rejections');
SELECT telemetry.scope_by_node('ingestion_cursors');
