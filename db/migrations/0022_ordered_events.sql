-- Events of one subject (a node's telemetry batches) are handled in the order they were published, per handler: an
-- event's handler waits while an earlier event of the same ordering key still owes that handler a delivery.
-- position is assigned at insert, under the locks the publishing work holds, so it is the subject's commit order.
ALTER TABLE integration.outbox
    ADD COLUMN ordering_key uuid NULL,
    ADD COLUMN position bigint GENERATED ALWAYS AS IDENTITY;

CREATE INDEX idx_outbox_ordered_pending ON integration.outbox (ordering_key, position)
    WHERE dispatched_at IS NULL AND ordering_key IS NOT NULL;

-- A delivery put off behind an earlier event of its key: due again as soon as that event settles, whatever its
-- next_attempt_at says, and never counted as an attempt.
ALTER TABLE integration.deliveries ADD COLUMN waiting_for_earlier boolean NOT NULL DEFAULT false;
