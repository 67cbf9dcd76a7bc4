using System.Text.Json.Nodes;
using EvaraTech.Domain;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.Modules.Telemetry.Domain;
using EvaraTech.Modules.Telemetry.Persistence;
using EvaraTech.TestSupport;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// The plans of the hot telemetry reads over 1,000 nodes and 300,000 readings in weekly partitions (the
/// production-equivalent data set's shape at a smaller scale), explained as the application sends them: a series at each resolution reads its table
/// by (node, time) and the latest readings of 20 to 1,000 nodes (a superadmin's, or a distributor's in its own context)
/// by key, never scanning a telemetry table.
/// </summary>
[NonParallelizable]
public sealed class TelemetryQueryPlanTests
{
    private static readonly DateTime Now = new(2026, 11, 20, 6, 0, 0, DateTimeKind.Utc);

    private TestDatabase _database = null!;
    private TelemetrySeed _seed = null!;

    [OneTimeSetUp]
    public async Task SeedAsync()
    {
        _database = await TestDatabase.CreateMigratedAsync("telemetry_plans");
        _seed = new TelemetrySeed(1_000, 300_000, Now, TimeSpan.FromDays(30));
        await _seed.LoadAsync(_database.AdminConnectionString);
        await _database.ExecuteAsync("VACUUM ANALYZE");
    }

    [OneTimeTearDown]
    public async Task DropAsync() => await _database.DisposeAsync();

    [TestCase(SeriesResolution.Raw, 1)]
    [TestCase(SeriesResolution.Hour, 14)]
    [TestCase(SeriesResolution.Day, 30)]
    public async Task A_series_reads_its_table_by_node_and_time(SeriesResolution resolution, int days)
    {
        var node = _seed.NodesOf("tank")[0];
        var to = new DateTimeOffset(Now);
        var spec = new SeriesSpec(node, TelemetryTable.Tank, resolution, resolution == SeriesResolution.Raw ? ["water_level_cm"] : ["avg_level_cm"],
            to.AddDays(-days), to, 1000);

        var plan = await ExplainAsync(SeriesReads.Sql(spec), new { NodeId = node, From = spec.From, To = spec.To, Limit = spec.Limit, After = (DateTimeOffset?)null });

        AssertNoTelemetryScan(plan);
    }

    [Test]
    public async Task The_latest_readings_of_a_few_nodes_are_read_by_key()
    {
        var plan = await ExplainAsync(TelemetryReads.LatestSql, new { NodeIds = _seed.NodeIds.Take(20).ToArray() });

        AssertNoTelemetryScan(plan);
    }

    [TestCase(500)]
    [TestCase(1_000)]
    public async Task The_latest_readings_of_many_nodes_are_read_by_key(int nodes)
    {
        var plan = await ExplainAsync(TelemetryReads.LatestSql, new { NodeIds = _seed.NodeIds.Take(nodes).ToArray() });

        AssertNoTelemetryScan(plan);
    }

    [Test]
    public async Task The_latest_readings_of_a_distributors_nodes_are_read_by_key()
    {
        var plan = await ExplainAsync(TelemetryReads.LatestSql, new { NodeIds = _seed.NodesOfDistributor(1).ToArray() },
            TenantScope.OfDistributor(TelemetrySeed.Distributor(1)));

        AssertNoTelemetryScan(plan);
    }

    private static void AssertNoTelemetryScan(JsonNode plan)
    {
        var nodes = QueryPlans.Walk(plan).ToList();
        // The telemetry tables themselves; row-level security's node look-up is the node plans' concern.
        Assert.That(nodes.Where(n => QueryPlans.Text(n, "Node Type") == "Seq Scan" && QueryPlans.Text(n, "Relation Name") is { } table
            && (table.StartsWith("telemetry_", StringComparison.Ordinal) || table == "latest_readings")), Is.Empty, plan.ToJsonString());
        Assert.That(nodes.Any(n => QueryPlans.Text(n, "Node Type") is "Index Scan" or "Index Only Scan" or "Bitmap Index Scan"), Is.True, plan.ToJsonString());
    }

    private Task<JsonNode> ExplainAsync(string sql, object parameters, TenantScope? scope = null) =>
        QueryPlans.InContextAsync(_database, scope ?? TenantScope.Everything, (connection, transaction) => QueryPlans.ExplainAsync(connection, transaction, sql, parameters));
}
