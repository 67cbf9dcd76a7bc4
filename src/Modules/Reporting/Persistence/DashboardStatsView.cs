using Dapper;
using Npgsql;

namespace EvaraTech.Modules.Reporting.Persistence;

/// <summary>The dashboard's figures for one scope, as <c>reporting.dashboard_stats</c> holds them.</summary>
public sealed record DashboardStatsRow(
    long NodesTotal, long NodesOnline, long NodesOffline, long NodesAlert, long NodesMaintenance, long NodesProvisioning, long AlertsCritical,
    long AlertsWarning, long AlertsInfo, long HealthGood, long HealthFair, long HealthPoor, long HealthUnknown, long Readings24h,
    DateTime RefreshedAt);

/// <summary>
/// <c>reporting.dashboard_stats</c>: one row per scope (the platform, each distributor, each customer). Reading is one
/// lookup on its unique index; refreshing is <c>REFRESH … CONCURRENTLY</c> as the owner, so readers never wait.
/// </summary>
public sealed class DashboardStatsView(DbSession db)
{
    public const string AllScopes = "all";
    private static readonly Guid Everyone = Guid.Empty;

    /// <summary>The dashboard's lookup of one scope's row (public for its plan guard).</summary>
    public const string OfScope = """
        SELECT nodes_total AS NodesTotal, nodes_online AS NodesOnline, nodes_offline AS NodesOffline, nodes_alert AS NodesAlert,
               nodes_maintenance AS NodesMaintenance, nodes_provisioning AS NodesProvisioning, alerts_critical AS AlertsCritical,
               alerts_warning AS AlertsWarning, alerts_info AS AlertsInfo, health_good AS HealthGood, health_fair AS HealthFair,
               health_poor AS HealthPoor, health_unknown AS HealthUnknown, readings_24h AS Readings24h, refreshed_at AS RefreshedAt
        FROM reporting.dashboard_stats
        WHERE scope_kind = @Kind AND scope_id = @Id
        """;

    private const string Refresh = "REFRESH MATERIALIZED VIEW CONCURRENTLY reporting.dashboard_stats";

    private const string LastRefresh = "SELECT max(refreshed_at) FROM reporting.dashboard_stats";

    /// <returns>the scope's row; null when the scope holds no node (or sees nothing)</returns>
    public async Task<DashboardStatsRow?> OfScopeAsync(TenantScope scope, CancellationToken ct)
    {
        if (KeyOf(scope) is not { } lookup)
        {
            return null;
        }

        var connection = await db.ConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<DashboardStatsRow>(new CommandDefinition(OfScope, new { lookup.Kind, lookup.Id }, db.Transaction,
            cancellationToken: ct));
    }

    /// <returns>the scope's key in the view (the parameters of <see cref="OfScope"/>); null for a scope that sees nothing</returns>
    public static (string Kind, Guid Id)? KeyOf(TenantScope scope) => scope.Kind switch
    {
        ScopeKind.Everything => (AllScopes, Everyone),
        ScopeKind.Distributor => ("distributor", scope.DistributorId!.Value),
        ScopeKind.Customer => ("customer", scope.CustomerId!.Value),
        _ => null,
    };

    /// <summary>Recomputes every scope's row (as the owner, who alone may refresh the view).</summary>
    /// <returns>when the view was refreshed</returns>
    public static async Task<DateTimeOffset> RefreshAsync(string ownerConnectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(Refresh, commandTimeout: 120, cancellationToken: ct));
        var refreshed = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(LastRefresh, cancellationToken: ct));
        return refreshed is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : DateTimeOffset.UtcNow;
    }
}
