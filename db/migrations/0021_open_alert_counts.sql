-- The health score's open-alert input is kept by the Alerts module from now on (raise, resolve, rule deletion);
-- existing device states take today's count.
UPDATE telemetry.device_states d
SET open_alerts = c.open
FROM (SELECT node_id, count(*)::int AS open FROM alerts.alert_history WHERE resolved_at IS NULL GROUP BY node_id) c
WHERE d.node_id = c.node_id;
