-- The outbox's partial indexes of pending events keep an entry for every event until the table is vacuumed, minutes
-- apart under load: hundreds of thousands of settled ones between two vacuums. Two changes keep the dispatcher off
-- those entries.
--
-- How far each ordering key's events are known to be settled: every event of the key at or before settled_through
-- is. The dispatcher's look-up of a key's unsettled earlier events starts there instead of at the key's first
-- entry. One row a key, updated in place.
CREATE TABLE integration.ordering_frontier (
    ordering_key    uuid   PRIMARY KEY,
    settled_through bigint NOT NULL
) WITH (fillfactor = 70);

GRANT SELECT, INSERT, UPDATE, DELETE ON integration.ordering_frontier TO evaratech_app;

-- The sweeper's list of pending events now holds only the unordered ones (the ordered ones are read by key from
-- idx_outbox_ordered_pending). Over every pending event, it was an index any statement saying "dispatched_at IS
-- NULL" could use: a plan prepared while it was nearly empty (just after a vacuum) went on scanning it whole, in
-- the dispatcher's claim and look-ups, for every chunk, as it filled up again.
DROP INDEX integration.idx_outbox_pending;
CREATE INDEX idx_outbox_unordered_pending ON integration.outbox (occurred_at) WHERE dispatched_at IS NULL AND ordering_key IS NULL;
