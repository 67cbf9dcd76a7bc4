using System.Text.Json.Nodes;
using Dapper;
using EvaraTech.Domain;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
using EvaraTech.Modules.Alerts.Persistence;
using EvaraTech.TestSupport;
using Npgsql;

namespace EvaraTech.IntegrationTests.Alerts;

/// <summary>
/// The plans of the alert list over 10,000 nodes and 50,000 alerts, explained exactly as the application sends them
/// (its statement, real parameters, the application login and the caller's context, so row-level security is in the
/// plan): no sequential scan of alerts.alert_history, and a distributor's pages read through its owner indexes.
/// </summary>
[NonParallelizable]
public sealed class AlertQueryPlanTests
{
    private static readonly Guid Distributor = NodeSeed.Distributor(4);

    private TestDatabase _database = null!;
    private HashSet<string> _alertIndexes = null!;

    [OneTimeSetUp]
    public async Task SeedAsync()
    {
        _database = await TestDatabase.CreateMigratedAsync("alert_plans");
        await using var connection = new NpgsqlConnection(_database.AdminConnectionString);
        await connection.OpenAsync();
        await NodeSeed.LoadAsync(connection);
        await PlanSeeds.AlertsOnEveryNodeAsync(connection);
        await connection.ExecuteAsync("VACUUM ANALYZE alerts.alert_history", commandTimeout: 300);
        _alertIndexes = [.. await connection.QueryAsync<string>("SELECT indexname FROM pg_indexes WHERE schemaname = 'alerts' AND tablename = 'alert_history'")];
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM alerts.alert_history"), Is.EqualTo(5 * NodeSeed.Nodes));
    }

    [OneTimeTearDown]
    public async Task DropAsync() => await _database.DisposeAsync();

    [TestCase(true)]
    [TestCase(false)]
    public async Task A_distributors_page_reads_its_owner_index(bool activeOnly)
    {
        var scope = TenantScope.OfDistributor(Distributor);
        var plan = await ExplainAsync(scope, AlertHistory.PageQuery(Filter(scope, activeOnly), null, 11));

        Assert.That(SeqScans(plan), Is.Empty, plan.ToJsonString());
        Assert.That(IndexesUsed(plan), Does.Contain(activeOnly ? "idx_alert_history_owner_active" : "idx_alert_history_owner_timeline"), plan.ToJsonString());
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task A_superadmins_page_reads_an_index(bool activeOnly)
    {
        var plan = await ExplainAsync(TenantScope.Everything, AlertHistory.PageQuery(Filter(TenantScope.Everything, activeOnly), null, 11));

        Assert.That(SeqScans(plan), Is.Empty, plan.ToJsonString());
        Assert.That(IndexesUsed(plan).Intersect(_alertIndexes), Is.Not.Empty, plan.ToJsonString());
    }

    [Test]
    public async Task A_nodes_page_reads_an_index()
    {
        var node = await _database.ScalarAsync<Guid>("SELECT node_id FROM alerts.alert_history WHERE resolved_at IS NULL LIMIT 1");
        var scope = TenantScope.OfDistributor(Distributor);
        var plan = await ExplainAsync(scope, AlertHistory.PageQuery(Filter(scope, false) with { NodeIds = [node] }, null, 11));

        Assert.That(SeqScans(plan), Is.Empty, plan.ToJsonString());
        Assert.That(IndexesUsed(plan).Intersect(_alertIndexes), Is.Not.Empty, plan.ToJsonString());
    }

    private static AlertFilter Filter(TenantScope scope, bool activeOnly) => new(scope, activeOnly, [], [], null, null, null);

    private static IEnumerable<string> SeqScans(JsonNode plan) =>
        QueryPlans.Walk(plan).Where(n => QueryPlans.Text(n, "Node Type") == "Seq Scan" && QueryPlans.Text(n, "Relation Name") == "alert_history")
            .Select(n => QueryPlans.Text(n, "Relation Name")!);

    private static IEnumerable<string> IndexesUsed(JsonNode plan) =>
        QueryPlans.Walk(plan).Select(n => QueryPlans.Text(n, "Index Name")).OfType<string>();

    private Task<JsonNode> ExplainAsync(TenantScope scope, (string Sql, DynamicParameters Parameters) query) =>
        QueryPlans.InContextAsync(_database, scope, (connection, transaction) => QueryPlans.ExplainAsync(connection, transaction, query.Sql, query.Parameters));
}
