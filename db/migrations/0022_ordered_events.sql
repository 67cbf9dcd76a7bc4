-- Events of one subject (a node's telemetry batches) are handled in the order they were published, per handler: an
-- event's handler waits while an earlier event of the same ordering key still owes that handler a delivery.
-- position is taken at insert, under the locks the publishing work holds, so it is the subject's commit order. It
-- is a plain column with a sequence default (set after the column is added), so adding it rewrites no row of a
-- large outbox; events from before have no ordering key and no position.
CREATE SEQUENCE integration.outbox_position;
ALTER TABLE integration.outbox ADD COLUMN ordering_key uuid NULL, ADD COLUMN position bigint NULL;
ALTER TABLE integration.outbox ALTER COLUMN position SET DEFAULT nextval('integration.outbox_position');
GRANT USAGE ON SEQUENCE integration.outbox_position TO evaratech_app;

CREATE INDEX idx_outbox_ordered_pending ON integration.outbox (ordering_key, position)
    WHERE dispatched_at IS NULL AND ordering_key IS NOT NULL;

-- A delivery put off behind an earlier event of its key: due again as soon as that event settles, whatever its
-- next_attempt_at says, and never counted as an attempt.
ALTER TABLE integration.deliveries ADD COLUMN waiting_for_earlier boolean NOT NULL DEFAULT false;
