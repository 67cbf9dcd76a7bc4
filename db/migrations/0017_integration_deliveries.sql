-- Integration events are delivered per handler: an event whose handlers all succeed on the first pass leaves no
-- row here; once one fails, each of its handlers gets a row, so a retry runs only the handlers not yet delivered.
-- A handler that keeps failing backs off and, at the cap, is dead-lettered (dead_at) until an operator replays it.
CREATE TABLE integration.deliveries (
    event_id        uuid        NOT NULL REFERENCES integration.outbox (id) ON DELETE CASCADE,
    handler         text        NOT NULL,
    delivered_at    timestamptz NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NULL,
    last_error      text        NULL,
    dead_at         timestamptz NULL,
    PRIMARY KEY (event_id, handler)
);

-- The dead letters, newest first, for operators.
CREATE INDEX idx_deliveries_dead ON integration.deliveries (dead_at DESC) WHERE dead_at IS NOT NULL;

-- When a pending event's earliest failed handler is due again; the sweeper leaves it alone until then.
ALTER TABLE integration.outbox ADD COLUMN next_attempt_at timestamptz NULL;

-- Pruning removes events delivered longer ago than the retention, oldest first.
CREATE INDEX idx_outbox_dispatched ON integration.outbox (dispatched_at) WHERE dispatched_at IS NOT NULL;

GRANT SELECT, INSERT, UPDATE, DELETE ON integration.deliveries TO evaratech_app;
GRANT DELETE ON integration.outbox TO evaratech_app;
