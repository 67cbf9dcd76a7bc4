-- When a node's readings begin: its first reading's time, kept by ingestion (the oldest of every stored batch, so a
-- back-fill moves it back). Uptime observes a node from then (or from its creation while it has none): before it
-- reports, a node is not down. Existing nodes take it from the readings the tables still hold.
ALTER TABLE nodes.node_operational_state ADD COLUMN first_seen timestamptz NULL;

UPDATE nodes.node_operational_state s
SET first_seen = (SELECT min(f.first)
                  FROM (SELECT min(t."timestamp") AS first FROM telemetry.telemetry_tank t WHERE t.node_id = s.node_id
                        UNION ALL
                        SELECT min(t."timestamp") FROM telemetry.telemetry_flow t WHERE t.node_id = s.node_id
                        UNION ALL
                        SELECT min(t."timestamp") FROM telemetry.telemetry_deep t WHERE t.node_id = s.node_id) f);
