-- ThingSpeak polling: when each polled node is due, and which instance holds it. A poll cycle claims due
-- nodes with a lease (FOR UPDATE SKIP LOCKED), so two instances, or two overlapping cycles of one, split the nodes
-- between them and never poll one node at the same time. A lease that outlives its holder (a crashed instance)
-- simply expires.
CREATE TABLE telemetry.poll_schedule (
    node_id         uuid        PRIMARY KEY REFERENCES nodes.nodes (id) ON DELETE CASCADE,
    channel_id      bigint      NOT NULL,
    next_poll_at    timestamptz NOT NULL DEFAULT '-infinity',
    lease_owner     text        NULL,
    lease_until     timestamptz NULL,
    last_polled_at  timestamptz NULL,
    last_duration_ms integer    NULL,
    CONSTRAINT ck_poll_schedule_lease CHECK ((lease_owner IS NULL) = (lease_until IS NULL))
);

-- The claim's scan: due nodes, oldest first.
CREATE INDEX idx_poll_schedule_due ON telemetry.poll_schedule (next_poll_at);

SELECT telemetry.scope_by_node('poll_schedule');
