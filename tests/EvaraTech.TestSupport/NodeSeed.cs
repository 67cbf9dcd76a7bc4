using Dapper;
using Npgsql;

namespace EvaraTech.TestSupport;

/// <summary>
/// 10,000 nodes for the Nodes module's query plans (tests/…/Nodes/NodeQueryPlanTests.cs) and latency figures
/// (bench/…/NodeQueries.cs, RealtimeLatency.cs): one statement both projects take from this library,
/// so the plans the tests assert are the plans of the data the benchmark measures. Loaded as the database owner
/// (<see cref="LoadAsync"/>).
/// </summary>
/// <remarks>
/// Deterministic: every "random" choice is a byte of md5(node number), so each run builds the same data.
/// 10 distributors × 3 communities × 4 customers; nodes are spread round-robin over the distributors (1,000 each),
/// 40% owned by the distributor, 20% by a community, 40% by a customer. Categories match analytics types, labels and
/// location names use 20 Hyderabad localities (the trigram search has something to find), coordinates fall in
/// 17.3..17.5 N, 78.3..78.6 E (3% have none), statuses are mixed, 5% were never seen, a third carry a tag.
/// </remarks>
public static class NodeSeed
{
    public const int Distributors = 10;
    public const int Nodes = 10_000;

    /// <summary>A locality that appears in about 1 in 20 labels and location names (lower case, as search_text).</summary>
    public const string SearchTerm = "kondapur";

    /// <summary>The centre of the radius queries: Gachibowli, inside the seeded area.</summary>
    public const double CentreLat = 17.44;
    public const double CentreLng = 78.35;

    /// <summary>The seeded distributor <paramref name="number"/> (1..10).</summary>
    public static Guid Distributor(int number) => Guid.Parse($"00000000-0000-4000-8000-{number:D12}");

    /// <summary>Runs <see cref="Sql"/> in one transaction on <paramref name="ownerConnection"/> (open), then VACUUM ANALYZE.</summary>
    public static async Task LoadAsync(NpgsqlConnection ownerConnection)
    {
        await using (var transaction = await ownerConnection.BeginTransactionAsync())
        {
            await ownerConnection.ExecuteAsync(Sql, transaction: transaction, commandTimeout: 300);
            await transaction.CommitAsync();
        }

        await ownerConnection.ExecuteAsync("VACUUM ANALYZE", commandTimeout: 300);
    }

    public const string Sql = """
        INSERT INTO tenancy.distributors (id, name)
        SELECT ('00000000-0000-4000-8000-' || lpad(d::text, 12, '0'))::uuid, 'Seed Distributor ' || d
        FROM generate_series(1, 10) d;

        INSERT INTO tenancy.communities (id, distributor_id, name, slug)
        SELECT ('00000000-0000-4000-8001-' || lpad(((d - 1) * 3 + k)::text, 12, '0'))::uuid,
               ('00000000-0000-4000-8000-' || lpad(d::text, 12, '0'))::uuid,
               'Seed Community ' || d || '-' || k, 'seed-community-' || d || '-' || k
        FROM generate_series(1, 10) d, generate_series(1, 3) k;

        INSERT INTO tenancy.customers (id, community_id, distributor_id, name)
        SELECT ('00000000-0000-4000-8002-' || lpad((((d - 1) * 3 + k - 1) * 4 + j)::text, 12, '0'))::uuid,
               ('00000000-0000-4000-8001-' || lpad(((d - 1) * 3 + k)::text, 12, '0'))::uuid,
               ('00000000-0000-4000-8000-' || lpad(d::text, 12, '0'))::uuid,
               'Seed Customer ' || d || '-' || k || '-' || j
        FROM generate_series(1, 10) d, generate_series(1, 3) k, generate_series(1, 4) j;

        CREATE TEMPORARY TABLE seed_nodes AS
        SELECT g,
               md5('seed-node-' || g)::uuid AS id,
               decode(md5('seed-node-random-' || g), 'hex') AS h,
               g % 10 + 1 AS d,
               (g / 10) % 3 + 1 AS k,
               (g / 30) % 4 + 1 AS j,
               CASE WHEN (g / 10) % 5 IN (0, 1) THEN 'distributor' WHEN (g / 10) % 5 = 2 THEN 'community' ELSE 'customer' END AS tenant_type
        FROM generate_series(1, 10000) g;

        INSERT INTO nodes.nodes (id, node_key, label, category, analytics_type, tenant_type, distributor_id, community_id,
                                 customer_id, owner_distributor_id, owner_community_id, lat, lng, location_name,
                                 capacity_litres, created_at, updated_at)
        SELECT s.id, 'SEED-' || lpad(s.g::text, 5, '0'),
               c.kind || ' ' || l.locality || ' ' || lpad(s.g::text, 5, '0'),
               c.category, c.analytics_type, s.tenant_type,
               CASE WHEN s.tenant_type = 'distributor' THEN o.distributor_id END,
               CASE WHEN s.tenant_type = 'community' THEN o.community_id END,
               CASE WHEN s.tenant_type = 'customer' THEN o.customer_id END,
               o.distributor_id,
               CASE WHEN s.tenant_type <> 'distributor' THEN o.community_id END,
               CASE WHEN get_byte(s.h, 6) >= 8 THEN 17.3 + 0.2 * (get_byte(s.h, 0) * 256 + get_byte(s.h, 1)) / 65535.0 END,
               CASE WHEN get_byte(s.h, 6) >= 8 THEN 78.3 + 0.3 * (get_byte(s.h, 2) * 256 + get_byte(s.h, 3)) / 65535.0 END,
               l.locality || ', Hyderabad',
               CASE WHEN c.analytics_type = 'EvaraTank' THEN 5000 + 1000 * (get_byte(s.h, 7) % 20) END,
               timestamptz '2026-01-01 00:00:00+00' + s.g * interval '17 minutes' + get_byte(s.h, 8) * interval '1 second',
               timestamptz '2026-11-01 00:00:00+00'
        FROM seed_nodes s
        CROSS JOIN LATERAL (
            SELECT ('00000000-0000-4000-8000-' || lpad(s.d::text, 12, '0'))::uuid AS distributor_id,
                   ('00000000-0000-4000-8001-' || lpad(((s.d - 1) * 3 + s.k)::text, 12, '0'))::uuid AS community_id,
                   ('00000000-0000-4000-8002-' || lpad((((s.d - 1) * 3 + s.k - 1) * 4 + s.j)::text, 12, '0'))::uuid AS customer_id) o
        CROSS JOIN LATERAL (
            SELECT (ARRAY['Overhead Tank', 'Sump', 'Flow Meter', 'Borewell'])[get_byte(s.h, 4) % 4 + 1] AS kind,
                   (ARRAY['OHT', 'Sump', 'FlowMeter', 'Borewell'])[get_byte(s.h, 4) % 4 + 1] AS category,
                   (ARRAY['EvaraTank', 'EvaraTank', 'EvaraFlow', 'EvaraDeep'])[get_byte(s.h, 4) % 4 + 1] AS analytics_type) c
        CROSS JOIN LATERAL (
            SELECT (ARRAY['Gachibowli', 'Kondapur', 'Madhapur', 'Kukatpally', 'Miyapur', 'Banjara Hills', 'Jubilee Hills',
                          'Ameerpet', 'Begumpet', 'Secunderabad', 'Uppal', 'LB Nagar', 'Dilsukhnagar', 'Mehdipatnam',
                          'Tolichowki', 'Manikonda', 'Nanakramguda', 'Hitech City', 'Kompally', 'Shamshabad'])[get_byte(s.h, 5) % 20 + 1] AS locality) l;

        INSERT INTO nodes.node_operational_state (node_id, status, last_seen, last_telemetry_sync, consecutive_failures)
        SELECT s.id,
               (ARRAY['Online', 'Online', 'Online', 'Online', 'Offline', 'Offline', 'Alert', 'Maintenance', 'Provisioning', 'Online'])[get_byte(s.h, 9) % 10 + 1],
               CASE WHEN get_byte(s.h, 10) >= 13 THEN timestamptz '2026-11-20 00:00:00+00' + (get_byte(s.h, 11) * 256 + get_byte(s.h, 12)) * interval '5 seconds' END,
               CASE WHEN get_byte(s.h, 10) >= 13 THEN timestamptz '2026-11-20 00:00:00+00' + (get_byte(s.h, 11) * 256 + get_byte(s.h, 12)) * interval '5 seconds' END,
               get_byte(s.h, 13) % 3
        FROM seed_nodes s;

        INSERT INTO nodes.device_tags (id, tag_name, tag_value)
        SELECT ('00000000-0000-4000-8003-' || lpad(t::text, 12, '0'))::uuid, v.name, v.value
        FROM (VALUES (1, 'environment', 'production'), (2, 'environment', 'staging'), (3, 'zone', 'north'),
                     (4, 'zone', 'south'), (5, 'zone', 'east'), (6, 'zone', 'west')) AS v(t, name, value);

        INSERT INTO nodes.device_tag_assignments (node_id, tag_id, assigned_at)
        SELECT s.id, ('00000000-0000-4000-8003-' || lpad(t::text, 12, '0'))::uuid, timestamptz '2026-11-01 00:00:00+00'
        FROM seed_nodes s
        CROSS JOIN LATERAL (VALUES (1 + get_byte(s.h, 14) % 2), (3 + get_byte(s.h, 15) % 4)) AS a(t)
        WHERE s.g % 3 = 0;

        DROP TABLE seed_nodes;
        """;
}
