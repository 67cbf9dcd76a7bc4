using Dapper;
using EvaraTech.Domain;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
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

    private TestDatabase _database = null!;

    [OneTimeSetUp]
    public async Task SeedAsync()
    {
        _database = await TestDatabase.CreateMigratedAsync("dashboard_plans");
        await using var connection = new NpgsqlConnection(_database.AdminConnectionString);
        await connection.OpenAsync();
        await NodeSeed.LoadAsync(connection);
        await PlanSeeds.CustomersWithATankAsync(connection, ExtraCustomers);
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
