using Dapper;
using EvaraTech.Modules.Reporting.Persistence;
using EvaraTech.Modules.Tenancy.Authentication;
using EvaraTech.TestSupport;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EvaraTech.Benchmarks;

/// <summary>
/// <c>./build.sh bench --only=realtime</c>: the realtime figures, the dashboard's stats endpoint and the hub's fan-out,
/// on one database of 10,000 nodes (<see cref="NodeSeed"/>: 10 distributors of 1,000) with the dashboard view
/// refreshed once, as the minutely job refreshes it.
/// </summary>
public static class RealtimeLatency
{
    private static readonly Guid Distributor = NodeSeed.Distributor(4);

    // The hub's audience: a customer-owned node, so its alert goes to the platform's, the distributor's and the
    // customer's groups alike.
    private const string CustomerNode = """
        SELECT id AS Id, customer_id AS CustomerId FROM nodes.nodes
        WHERE owner_distributor_id = @Distributor AND customer_id IS NOT NULL
        ORDER BY node_key LIMIT 1
        """;

    public static async Task<IReadOnlyList<LatencyRecorder.Figures>> MeasureAsync(
        Func<BenchDatabase, IReadOnlyDictionary<string, string?>, WebApplicationFactory<Program>> host)
    {
        await using var database = await BenchDatabase.CreateAsync();
        await using var api = host(database, new Dictionary<string, string?>());
        _ = api.Server; // migrates
        var owner = database.AdminConnectionString;
        (Guid Id, Guid CustomerId) node;
        await using (var connection = new NpgsqlConnection(owner))
        {
            await connection.OpenAsync();
            await NodeSeed.LoadAsync(connection);
            node = await connection.QuerySingleAsync<(Guid, Guid)>(CustomerNode, new { Distributor });
        }

        await DashboardStatsView.RefreshAsync(owner, CancellationToken.None);

        var issuer = api.Services.GetRequiredService<LocalTokenIssuer>();
        var superadmin = await BenchUsers.AddAsync(owner, issuer, "superadmin");
        var distributor = await BenchUsers.AddAsync(owner, issuer, "distributor", Distributor);
        BenchUser[] audience =
        [
            superadmin, distributor,
            await BenchUsers.AddAsync(owner, issuer, "distributor", Distributor),
            await BenchUsers.AddAsync(owner, issuer, "customer", Distributor, node.CustomerId),
            await BenchUsers.AddAsync(owner, issuer, "customer", Distributor, node.CustomerId),
        ];

        return
        [
            .. await DashboardStatsLatency.MeasureAsync(api, [(distributor, NodeSeed.Nodes / NodeSeed.Distributors), (superadmin, NodeSeed.Nodes)]),
            .. await BroadcastLatency.MeasureAsync(api, node.Id, audience),
        ];
    }
}
