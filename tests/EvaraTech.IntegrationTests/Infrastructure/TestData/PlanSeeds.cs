using Dapper;
using Npgsql;

namespace EvaraTech.IntegrationTests.Infrastructure.TestData;

/// <summary>
/// Set-based seeds for the plan tests, over the nodes and tenants NodeSeed loaded: tens of thousands of rows, one
/// statement each, where a builder's row at a time would take minutes.
/// </summary>
public static class PlanSeeds
{
    /// <summary>Five alerts per node over the last 50 days, one rule per distributor; every fifth node's newest is still open.</summary>
    public static Task AlertsOnEveryNodeAsync(NpgsqlConnection connection) => connection.ExecuteAsync("""
        INSERT INTO alerts.alert_rules (id, owner_distributor_id, name, selector_analytics_type, metric, operator, threshold, severity)
        SELECT md5('rule-' || d.id)::uuid, d.id, 'Tank low', 'EvaraTank', 'water_level_cm', '<', 50, 'warning'
        FROM tenancy.distributors d;

        INSERT INTO alerts.alert_history (id, rule_id, node_id, severity, status, value, message, triggered_at, resolved_at, resolution,
                                          rule_name, metric, owner_distributor_id)
        SELECT md5(n.id::text || k)::uuid, md5('rule-' || n.owner_distributor_id)::uuid, n.id,
               (ARRAY['info', 'warning', 'critical'])[1 + (k + get_byte(decode(md5(n.id::text), 'hex'), 0)) % 3],
               CASE WHEN open THEN 'triggered' ELSE 'resolved' END, 20, 'Tank low',
               now() - (k * 10 + get_byte(decode(md5(n.id::text), 'hex'), 1) % 10) * interval '1 day',
               CASE WHEN NOT open THEN now() - (k * 10 - 1) * interval '1 day' END,
               CASE WHEN NOT open THEN 'auto' END,
               'Tank low', 'water_level_cm', n.owner_distributor_id
        FROM nodes.nodes n
        CROSS JOIN generate_series(0, 4) k
        CROSS JOIN LATERAL (SELECT k = 0 AND get_byte(decode(md5(n.id::text), 'hex'), 2) % 5 = 0 AS open) o;
        """, commandTimeout: 300);

    /// <summary><paramref name="count"/> customers spread over the seeded communities, each owning one Online tank.</summary>
    public static Task CustomersWithATankAsync(NpgsqlConnection connection, int count) => connection.ExecuteAsync("""
        WITH customer AS (
            INSERT INTO tenancy.customers (id, community_id, distributor_id, name)
            SELECT ('00000000-0000-4000-8004-' || lpad(g::text, 12, '0'))::uuid, c.id, c.distributor_id, 'Dashboard Customer ' || g
            FROM generate_series(1, @Count) g
            JOIN (SELECT id, distributor_id, row_number() OVER (ORDER BY id) - 1 AS k FROM tenancy.communities) c
              ON c.k = g % (SELECT count(*) FROM tenancy.communities)
            RETURNING id, community_id, distributor_id, name),
        node AS (
            INSERT INTO nodes.nodes (id, node_key, label, category, analytics_type, tenant_type, customer_id, owner_distributor_id, owner_community_id)
            SELECT md5('dashboard-node-' || id)::uuid, 'DASH-' || right(id::text, 5), name || ' tank', 'OHT', 'EvaraTank', 'customer',
                   id, distributor_id, community_id
            FROM customer
            RETURNING id)
        INSERT INTO nodes.node_operational_state (node_id, status)
        SELECT id, 'Online' FROM node;
        """, new { Count = count }, commandTimeout: 300);
}
