-- The integration-event outbox shared by all modules: an event is a row written in the same transaction as the
-- change it describes; dispatched_at is set once its handlers have run.
CREATE SCHEMA IF NOT EXISTS integration;
GRANT USAGE ON SCHEMA integration TO evaratech_app;

CREATE TABLE integration.outbox (
    id             uuid        PRIMARY KEY,
    event_type     text        NOT NULL,
    payload        jsonb       NOT NULL,
    occurred_at    timestamptz NOT NULL,
    dispatched_at  timestamptz NULL,
    attempts       integer     NOT NULL DEFAULT 0,
    last_error     text        NULL
);

-- The sweeper's work list: only what is still pending, oldest first.
CREATE INDEX idx_outbox_pending ON integration.outbox (occurred_at) WHERE dispatched_at IS NULL;

GRANT SELECT, INSERT, UPDATE ON integration.outbox TO evaratech_app;
