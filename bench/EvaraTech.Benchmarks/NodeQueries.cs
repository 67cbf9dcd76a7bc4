using Dapper;
using EvaraTech.Domain;
using EvaraTech.Modules.Nodes.Persistence;
using EvaraTech.TestSupport;
using Npgsql;

namespace EvaraTech.Benchmarks;

/// <summary>
/// The Nodes module's read queries over 10,000 seeded nodes (<see cref="NodeSeed"/>, the data the plan tests assert
/// on), timed in the database: from sending the module's exact statement to having read every row, on the
/// application login inside a transaction that carries the caller's user context (set before the clock starts), so
/// row-level security is part of every figure. Dapper only binds the parameters; rows are read off the DbDataReader.
/// </summary>
public static class NodeQueries
{
    private const int Warmup = 50;
    private const int Samples = 200;

    public static async Task<IReadOnlyList<LatencyRecorder.Figures>> MeasureAsync(BenchDatabase database)
    {
        await using (var admin = new NpgsqlConnection(database.AdminConnectionString))
        {
            await admin.OpenAsync();
            await NodeSeed.LoadAsync(admin);
        }

        var distributor = TenantScope.OfDistributor(NodeSeed.Distributor(4));
        var everything = TenantScope.Everything;
        var filter = new NodeFilter(["Online"], [], null, null, null, null, NodeSeed.SearchTerm);
        var noFilter = new NodeFilter([], [], null, null, null, null, null);

        await using var connection = new NpgsqlConnection(database.AppConnectionString);
        await connection.OpenAsync();

        // The cursor of page 2: the first page's last row, as ListAsync would hand it out.
        var (firstSql, firstParameters) = NodeList.Build(distributor, noFilter, "-created_at", 25, null, null);
        var firstPage = await InContext.RunAsync(connection, distributor, transaction =>
            connection.QueryAsync<NodeSummary>(new CommandDefinition(firstSql, firstParameters, transaction)));
        var cursor = NodeList.Cursor.After(firstPage.ElementAt(24), "-created_at");

        var cases = new (string Name, string Target, TenantScope Scope, (string Sql, DynamicParameters Parameters) Query)[]
        {
            ("nodes list: Online + search + -created_at, offset page 1", "p95 < 10 ms", distributor,
                NodeList.Build(distributor, filter, "-created_at", 25, 0, null)),
            ("nodes list: -created_at, cursor page 2", "p95 < 10 ms", distributor,
                NodeList.Build(distributor, noFilter, "-created_at", 25, null, cursor)),
            ("nodes nearby 2 km (distributor)", "p95 < 10 ms", distributor,
                NodesNearby.Query(NodeSeed.CentreLat, NodeSeed.CentreLng, 2000.0, 50, distributor)),
            ("nodes nearby 2 km (superadmin, all nodes)", "p95 < 10 ms", everything,
                NodesNearby.Query(NodeSeed.CentreLat, NodeSeed.CentreLng, 2000.0, 50, everything)),
            ("nodes map, one distributor (1,000 nodes)", "p95 < 50 ms", distributor,
                NodeReads.MapQuery(distributor)),
            ("nodes map, superadmin (10,000 nodes)", "p95 < 50 ms", everything,
                NodeReads.MapQuery(everything)),
        };

        var figures = new List<LatencyRecorder.Figures>();
        foreach (var (name, target, scope, (sql, parameters)) in cases)
        {
            figures.Add(await MeasureAsync(connection, name, target, scope, sql, parameters));
        }

        return figures;
    }

    private static Task<LatencyRecorder.Figures> MeasureAsync(
        NpgsqlConnection connection, string name, string target, TenantScope scope, string sql, DynamicParameters parameters) =>
        InContext.MeasureAsync(connection, scope, name, target, Warmup, Samples, async (_, transaction) =>
        {
            await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, parameters, transaction));
            await InContext.ReadAllAsync(reader);
        });
}
