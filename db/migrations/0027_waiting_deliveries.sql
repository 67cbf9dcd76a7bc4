-- Deliveries put off behind an earlier event of their key: few at any time, and usually none. After every chunk the
-- dispatcher looks for the ones its keys may now wake; starting from these, that look costs nothing when nothing
-- waits, instead of an index scan per key over the outbox's pending events.
CREATE INDEX idx_deliveries_waiting ON integration.deliveries (event_id) WHERE waiting_for_earlier;
