-- An event being dispatched is claimed until a time instead of row-locked while its handlers run. The lock
-- kept the dispatcher's connection (and its transaction) open while every handler took a connection of its own, so
-- enough concurrent dispatches could empty a bounded pool and wait on each other until the pool's timeout.
ALTER TABLE integration.outbox ADD COLUMN claimed_until timestamptz NULL;
