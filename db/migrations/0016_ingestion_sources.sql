-- Ingestion without silent loss: a channel's source is explicit, the poll cursor is ThingSpeak's position alone,
-- pushes number their own entries, and a refusal is kept per field.

-- How a node's channel reports: read from ThingSpeak (polled), written here by its device (pushed), or both. Only
-- polled channels are polled.
ALTER TABLE nodes.thingspeak_channels
    ADD COLUMN source text NOT NULL DEFAULT 'both' CHECK (source IN ('polled', 'pushed', 'both'));

-- The poll cursor: the highest ThingSpeak entry id taken and that entry's time (the same id with another time is a
-- reset channel), the time up to which the feed has been read completely, the page size reads currently use (it
-- shrinks when a read times out and grows back), and the last channel reset the poller noticed. Pushes no longer
-- move it.
ALTER TABLE telemetry.ingestion_cursors RENAME COLUMN last_timestamp TO read_until;
ALTER TABLE telemetry.ingestion_cursors
    ADD COLUMN last_entry_at   timestamptz NULL,
    ADD COLUMN page_size       integer     NOT NULL DEFAULT 8000 CHECK (page_size BETWEEN 1 AND 8000),
    ADD COLUMN last_reset_at   timestamptz NULL,
    ADD COLUMN last_reset      text        NULL CHECK (length(last_reset) <= 500);

-- Each poll's outcome, for the node's source health: when it last succeeded, how many failed since, and the last
-- error (kept after a success, with its time, so an operator sees what happened).
ALTER TABLE telemetry.poll_schedule
    ADD COLUMN last_success_at       timestamptz NULL,
    ADD COLUMN consecutive_failures  integer     NOT NULL DEFAULT 0,
    ADD COLUMN last_error            text        NULL CHECK (length(last_error) <= 500),
    ADD COLUMN last_error_at         timestamptz NULL;

-- Entry ids of pushed entries (what /update answers): a sequence per node of its own, continuing where the shared
-- counter stood, so no id a device was given is given again.
CREATE TABLE telemetry.push_sequences (
    node_id         uuid        PRIMARY KEY REFERENCES nodes.nodes (id) ON DELETE CASCADE,
    last_entry_id   bigint      NOT NULL CHECK (last_entry_id > 0),
    last_pushed_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO telemetry.push_sequences (node_id, last_entry_id, last_pushed_at)
SELECT node_id, last_entry_id, updated_at FROM telemetry.ingestion_cursors WHERE last_entry_id > 0;
SELECT telemetry.scope_by_node('push_sequences');

-- Existing cursors may hold a pushed entry's id, or a refused future entry's time: each feed is taken again from
-- the present (or its last stored time, if earlier) with no id filter, which the idempotent write makes harmless.
UPDATE telemetry.ingestion_cursors SET last_entry_id = 0, read_until = least(read_until, now());

-- One row per refused field of an entry (or per refused entry); after a channel reset ThingSpeak reuses entry ids,
-- so the entry's time tells two entries of one id apart.
DROP INDEX telemetry.uq_telemetry_rejections_entry;
CREATE UNIQUE INDEX uq_telemetry_rejections_entry
    ON telemetry.telemetry_rejections (node_id, source, entry_id, entry_timestamp, coalesce(source_field, ''))
    WHERE entry_id IS NOT NULL;
