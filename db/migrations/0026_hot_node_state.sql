-- A node's state rows (latest reading, device state, operational state) are rewritten by every batch the node sends.
-- An update PostgreSQL can make in place on the row's page (a heap-only tuple) writes no index entry; it cannot when
-- the update changes an indexed column, or when the page has no room. So: no index on a column every batch changes
-- (the jobs that looked by those columns scan these one-row-per-node tables instead, once a minute), and pages kept
-- with room to spare. The fill factor applies to pages written from now on.
DROP INDEX telemetry.idx_device_states_window;
DROP INDEX nodes.idx_node_operational_last_seen;

ALTER TABLE telemetry.latest_readings SET (fillfactor = 70);
ALTER TABLE telemetry.device_states SET (fillfactor = 70);
ALTER TABLE nodes.node_operational_state SET (fillfactor = 70);
