using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using EvaraTech.Domain;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.Modules.Nodes.Persistence;
using EvaraTech.TestSupport;
using Npgsql;

namespace EvaraTech.IntegrationTests.Nodes;

/// <summary>
/// The plans of the Nodes module's list, map and nearby queries over 10,000 seeded nodes (<see cref="NodeSeed"/>),
/// explained exactly as the application sends them: the statements NodeList/NodeReads/NodesNearby build, real
/// parameter values, the application login, and the caller's transaction-local user context (so row-level security
/// is part of every plan). No plan may read nodes.nodes sequentially; each must use one of its indexes.
/// </summary>
[NonParallelizable]
public sealed class NodeQueryPlanTests
{
    private static readonly Guid Distributor = NodeSeed.Distributor(4);
    private static readonly TenantScope DistributorScope = TenantScope.OfDistributor(Distributor);
    private static readonly NodeFilter NoFilter = new([], [], null, null, null, null, null);
    private static readonly NodeFilter OnlineSearched = new(["Online"], [], null, null, null, null, NodeSeed.SearchTerm);

    private TestDatabase _database = null!;
    private HashSet<string> _nodeIndexes = null!;

    [OneTimeSetUp]
    public async Task SeedAsync()
    {
        _database = await TestDatabase.CreateMigratedAsync("node_plans");
        await using var connection = new NpgsqlConnection(_database.AdminConnectionString);
        await connection.OpenAsync();
        await NodeSeed.LoadAsync(connection);
        _nodeIndexes = [.. await connection.QueryAsync<string>("SELECT indexname FROM pg_indexes WHERE schemaname = 'nodes' AND tablename = 'nodes'")];
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM nodes.nodes"), Is.EqualTo(NodeSeed.Nodes));
    }

    [OneTimeTearDown]
    public async Task DropAsync() => await _database.DisposeAsync();

    [TestCase("-created_at")]
    [TestCase("label")]
    [TestCase("-last_seen")]
    public async Task A_filtered_searched_sorted_offset_page_uses_an_index(string sort)
    {
        await AssertIndexedAsync($"list {sort} status=Online search={NodeSeed.SearchTerm} offset 0", DistributorScope,
            NodeList.Build(DistributorScope, OnlineSearched, sort, 25, 0, null));
    }

    [TestCase("-created_at")]
    [TestCase("label")]
    [TestCase("-last_seen")]
    public async Task An_unfiltered_offset_page_uses_an_index(string sort)
    {
        await AssertIndexedAsync($"list {sort} offset 0", DistributorScope, NodeList.Build(DistributorScope, NoFilter, sort, 25, 0, null));
    }

    [TestCase("-created_at")]
    [TestCase("label")]
    [TestCase("-last_seen")]
    public async Task A_cursor_page_uses_an_index(string sort)
    {
        var (firstSql, firstParameters) = NodeList.Build(DistributorScope, NoFilter, sort, 25, null, null);
        var first = await InContextAsync(DistributorScope, (connection, transaction) =>
            connection.QueryAsync<NodeSummary>(new CommandDefinition(firstSql, firstParameters, transaction)));
        var rows = first.ToList();
        Assert.That(rows, Has.Count.EqualTo(26), "a full first page and one more row");
        var cursor = NodeList.Cursor.After(rows[24], sort);

        await AssertIndexedAsync($"list {sort} cursor page 2", DistributorScope, NodeList.Build(DistributorScope, NoFilter, sort, 25, null, cursor));
    }

    [Test]
    public async Task A_filtered_cursor_page_uses_an_index()
    {
        var (firstSql, firstParameters) = NodeList.Build(DistributorScope, OnlineSearched, "-created_at", 10, null, null);
        var rows = (await InContextAsync(DistributorScope, (connection, transaction) =>
            connection.QueryAsync<NodeSummary>(new CommandDefinition(firstSql, firstParameters, transaction)))).ToList();
        Assert.That(rows, Has.Count.EqualTo(11), "the search finds more than a page");
        await AssertIndexedAsync($"list -created_at status=Online search={NodeSeed.SearchTerm} cursor page 2", DistributorScope,
            NodeList.Build(DistributorScope, OnlineSearched, "-created_at", 10, null, NodeList.Cursor.After(rows[9], "-created_at")));
    }

    [Test]
    public async Task Nearby_within_2_km_for_a_distributor_uses_an_index()
    {
        await AssertIndexedAsync("nearby 2 km (distributor)", DistributorScope, Nearby(DistributorScope));
    }

    /// <summary>
    /// Under row-level security the planner only pushes LEAKPROOF operators into an index; PostGIS's geography
    /// operators are not, so the query first narrows by a lat/lng bounding box (float comparisons are leakproof),
    /// which idx_nodes_lat_lng serves.
    /// </summary>
    [Test]
    public async Task Nearby_within_2_km_for_a_superadmin_uses_an_index()
    {
        await AssertIndexedAsync("nearby 2 km (superadmin)", TenantScope.Everything, Nearby(TenantScope.Everything));
    }

    [Test]
    public async Task The_map_of_a_distributor_uses_an_index()
    {
        await AssertIndexedAsync("map (distributor)", DistributorScope, NodeReads.MapQuery(DistributorScope));
    }

    /// <summary>
    /// All 10,000 nodes legitimately read the whole table (the benchmark measures its cost), but only once: nodes.nodes
    /// is the one relation scanned sequentially, never inside a per-row subplan, and whatever else each pin needs
    /// (its state, row-level security's look-ups) is read through an index.
    /// </summary>
    [Test]
    public async Task The_map_of_every_node_is_printed()
    {
        const string Name = "map (superadmin, all nodes)";
        var plans = await ExplainAsync(TenantScope.Everything, NodeReads.MapQuery(TenantScope.Everything));
        Print(Name, plans);
        Assert.Multiple(() =>
        {
            foreach (var (statement, plan) in plans)
            {
                Assert.That(QueryPlans.Walk(plan).Where(IsSeqScan).Select(n => QueryPlans.Text(n, "Relation Name")), Is.EqualTo(new[] { "nodes" }),
                    $"{Name}: nodes.nodes is not the only relation read sequentially in\n{statement}");
                Assert.That(QueryPlans.WalkOnce(plan).Count(IsSeqScan), Is.EqualTo(1), $"{Name}: nodes.nodes is read per row, in a subplan, in\n{statement}");
            }
        });
    }

    private static (string Sql, Dapper.DynamicParameters Parameters) Nearby(TenantScope scope) =>
        NodesNearby.Query(NodeSeed.CentreLat, NodeSeed.CentreLng, 2000.0, 50, scope);

    private async Task AssertIndexedAsync(string name, TenantScope scope, (string Sql, Dapper.DynamicParameters Parameters) query)
    {
        var plans = await ExplainAsync(scope, query);
        Print(name, plans);
        Assert.Multiple(() =>
        {
            foreach (var (statement, plan) in plans)
            {
                var nodes = QueryPlans.Walk(plan).ToList();
                Assert.That(nodes.Where(n => QueryPlans.Text(n, "Node Type") == "Seq Scan" && QueryPlans.Text(n, "Relation Name") == "nodes"), Is.Empty,
                    $"{name}: sequential scan of nodes.nodes in\n{statement}");
                Assert.That(nodes.Any(n => QueryPlans.Text(n, "Node Type") is "Index Scan" or "Index Only Scan" or "Bitmap Index Scan"
                    && _nodeIndexes.Contains(QueryPlans.Text(n, "Index Name") ?? "")), Is.True,
                    $"{name}: no index of nodes.nodes used in\n{statement}");
            }
        });
    }

    /// <summary>EXPLAIN (FORMAT JSON) of each statement of the query, in the caller's context.</summary>
    private Task<List<(string Statement, JsonNode Plan)>> ExplainAsync(TenantScope scope, (string Sql, Dapper.DynamicParameters Parameters) query) =>
        InContextAsync(scope, async (connection, transaction) =>
        {
            var plans = new List<(string, JsonNode)>();
            foreach (var statement in query.Sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                plans.Add((statement, await QueryPlans.ExplainAsync(connection, transaction, statement, query.Parameters)));
            }

            return plans;
        });

    private Task<T> InContextAsync<T>(TenantScope scope, Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work) =>
        QueryPlans.InContextAsync(_database, scope, work);

    private static bool IsSeqScan(JsonNode node) => QueryPlans.Text(node, "Node Type") == "Seq Scan";

    private static void Print(string name, List<(string Statement, JsonNode Plan)> plans)
    {
        var text = new StringBuilder();
        foreach (var (statement, plan) in plans)
        {
            text.AppendLine($"== {name}: {statement.Split('\n')[0][..Math.Min(70, statement.Split('\n')[0].Length)]}…");
            Describe(plan, 1, text);
        }

        TestContext.Out.WriteLine(text.ToString());
    }

    private static void Describe(JsonNode node, int depth, StringBuilder text)
    {
        var target = string.Join(" ", new[] { QueryPlans.Text(node, "Relation Name") is { } r ? $"on {r}" : null, QueryPlans.Text(node, "Index Name") is { } i ? $"using {i}" : null }
            .Where(s => s is not null));
        var relationship = QueryPlans.Text(node, "Parent Relationship") is "SubPlan" or "InitPlan" ? $" [{QueryPlans.Text(node, "Subplan Name")}]" : "";
        text.AppendLine($"{new string(' ', depth * 2)}{QueryPlans.Text(node, "Node Type")} {target}{relationship} (cost {node["Total Cost"]}, rows {node["Plan Rows"]})");
        if (node["Plans"] is JsonArray children)
        {
            foreach (var child in children.OfType<JsonNode>())
            {
                Describe(child, depth + 1, text);
            }
        }
    }
}
