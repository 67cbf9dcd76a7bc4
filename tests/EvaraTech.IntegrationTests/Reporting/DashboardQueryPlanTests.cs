using System.Text.Json.Nodes;
using Dapper;
using EvaraTech.Domain;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.Modules.Reporting.Persistence;
using EvaraTech.TestSupport;
using Npgsql;

namespace EvaraTech.IntegrationTests.Reporting;

/// <summary>
/// The plan of the dashboard's lookup (<see cref="DashboardStatsView.OfScope"/>) over 2,131 scopes (the 10,000 nodes
/// of <see cref="NodeSeed"/> and 2,000 more customers with a node each), explained exactly as the application sends
/// it: one probe of reporting.dashboard_stats through uq_dashboard_stats_scope, no sequential scan, and no other
/// relation read (the dashboard never computes its figures from nodes, alerts or telemetry live).
/// </summary>
[NonParallelizable]
public sealed class DashboardQueryPlanTests
{
    private const int ExtraCustomers = 2_000;

    // Customers spread over the seeded communities, each owning one tank, in one statement.
    private const string Customers = """
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
        """;

    private TestDatabase _database = null!;

    [OneTimeSetUp]
    public async Task SeedAsync()
    {
        _database = await TestDatabase.CreateMigratedAsync("dashboard_plans");
        await using var connection = new NpgsqlConnection(_database.AdminConnectionString);
        await connection.OpenAsync();
        await NodeSeed.LoadAsync(connection);
        await connection.ExecuteAsync(Customers, new { Count = ExtraCustomers }, commandTimeout: 300);
        await DashboardStatsView.RefreshAsync(_database.AdminConnectionString, CancellationToken.None);
        await connection.ExecuteAsync("VACUUM ANALYZE reporting.dashboard_stats");
        // The platform, 10 distributors, NodeSeed's 120 customers and the extra ones.
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM reporting.dashboard_stats"), Is.EqualTo(1 + 10 + 120 + ExtraCustomers));
    }

    [OneTimeTearDown]
    public async Task DropAsync() => await _database.DisposeAsync();

    private static IEnumerable<TestCaseData> Scopes()
    {
        yield return new TestCaseData(TenantScope.Everything).SetArgDisplayNames("superadmin");
        yield return new TestCaseData(TenantScope.OfDistributor(NodeSeed.Distributor(4))).SetArgDisplayNames("distributor");
        yield return new TestCaseData(TenantScope.OfCustomer(NodeSeed.Distributor(1), Guid.Parse("00000000-0000-4000-8004-000000000001")))
            .SetArgDisplayNames("customer");
    }

    [TestCaseSource(nameof(Scopes))]
    public async Task A_scopes_figures_are_one_probe_of_the_unique_index(TenantScope scope)
    {
        var (kind, id) = DashboardStatsView.KeyOf(scope)!.Value;
        var parameters = new { Kind = kind, Id = id };
        var (plan, found) = await QueryPlans.InContextAsync(_database, scope, async (connection, transaction) =>
            (await QueryPlans.ExplainAsync(connection, transaction, DashboardStatsView.OfScope, parameters),
             await connection.QuerySingleOrDefaultAsync<DashboardStatsRow>(new CommandDefinition(DashboardStatsView.OfScope, parameters, transaction))));
        var nodes = QueryPlans.Walk(plan).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(found, Is.Not.Null, "the scope has its row, so the plan is of a real lookup");
            Assert.That(nodes.Where(n => QueryPlans.Text(n, "Node Type") == "Seq Scan"), Is.Empty, plan.ToJsonString());
            Assert.That(nodes.Where(n => QueryPlans.Text(n, "Node Type") is "Index Scan" or "Index Only Scan")
                .Select(n => QueryPlans.Text(n, "Index Name")), Does.Contain("uq_dashboard_stats_scope"), plan.ToJsonString());
            Assert.That(nodes.Select(n => QueryPlans.Text(n, "Relation Name")).OfType<string>().Distinct(), Is.EqualTo(new[] { "dashboard_stats" }),
                plan.ToJsonString());
        });
    }
}
