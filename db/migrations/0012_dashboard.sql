-- The operator dashboard: node health scores kept by Telemetry, and one materialized view of the
-- dashboard's figures per scope, so GET /dashboard/stats is one indexed lookup.

-- Each node's health score as last computed (every minute) from its device state: the score depends on the clock,
-- so it is computed by the application (HealthScore) and stored for the dashboard's distribution.
CREATE TABLE telemetry.health_scores (
    node_id      uuid             PRIMARY KEY REFERENCES nodes.nodes (id) ON DELETE CASCADE,
    score        double precision NOT NULL CHECK (score BETWEEN 0 AND 100),
    confidence   double precision NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    computed_at  timestamptz      NOT NULL
);
SELECT telemetry.scope_by_node('health_scores');

-- One row per scope: the whole platform ('all'), each distributor's subtree, each customer's nodes. Row-level
-- security does not apply to materialized views: the API reads only the caller's own row, by (scope_kind, scope_id).
CREATE MATERIALIZED VIEW reporting.dashboard_stats AS
WITH node_facts AS (
    SELECT n.id, n.owner_distributor_id, n.customer_id, s.status, h.score,
           coalesce(d.readings_24h, 0) AS readings_24h,
           coalesce(a.critical, 0) AS critical_alerts, coalesce(a.warning, 0) AS warning_alerts, coalesce(a.info, 0) AS info_alerts
    FROM nodes.nodes n
    JOIN nodes.node_operational_state s ON s.node_id = n.id
    LEFT JOIN telemetry.health_scores h ON h.node_id = n.id
    LEFT JOIN telemetry.device_states d ON d.node_id = n.id
    LEFT JOIN (
        SELECT node_id,
               count(*) FILTER (WHERE severity = 'critical') AS critical,
               count(*) FILTER (WHERE severity = 'warning') AS warning,
               count(*) FILTER (WHERE severity = 'info') AS info
        FROM alerts.alert_history
        WHERE resolved_at IS NULL
        GROUP BY node_id
    ) a ON a.node_id = n.id
)
SELECT CASE WHEN grouping(owner_distributor_id) = 1 THEN 'all' WHEN grouping(customer_id) = 1 THEN 'distributor' ELSE 'customer' END AS scope_kind,
       CASE WHEN grouping(owner_distributor_id) = 1 THEN '00000000-0000-0000-0000-000000000000'::uuid
            WHEN grouping(customer_id) = 1 THEN owner_distributor_id
            ELSE customer_id END AS scope_id,
       count(*) AS nodes_total,
       count(*) FILTER (WHERE status = 'Online') AS nodes_online,
       count(*) FILTER (WHERE status = 'Offline') AS nodes_offline,
       count(*) FILTER (WHERE status = 'Alert') AS nodes_alert,
       count(*) FILTER (WHERE status = 'Maintenance') AS nodes_maintenance,
       count(*) FILTER (WHERE status = 'Provisioning') AS nodes_provisioning,
       coalesce(sum(critical_alerts), 0)::bigint AS alerts_critical,
       coalesce(sum(warning_alerts), 0)::bigint AS alerts_warning,
       coalesce(sum(info_alerts), 0)::bigint AS alerts_info,
       count(*) FILTER (WHERE score >= 80) AS health_good,
       count(*) FILTER (WHERE score >= 50 AND score < 80) AS health_fair,
       count(*) FILTER (WHERE score < 50) AS health_poor,
       count(*) FILTER (WHERE score IS NULL) AS health_unknown,
       coalesce(sum(readings_24h), 0)::bigint AS readings_24h,
       now() AS refreshed_at
FROM node_facts
GROUP BY GROUPING SETS ((), (owner_distributor_id), (owner_distributor_id, customer_id))
HAVING grouping(customer_id) = 1 OR customer_id IS NOT NULL;

-- REFRESH … CONCURRENTLY needs a unique index; it is also the endpoint's lookup.
CREATE UNIQUE INDEX uq_dashboard_stats_scope ON reporting.dashboard_stats (scope_kind, scope_id);
GRANT SELECT ON reporting.dashboard_stats TO evaratech_app;
