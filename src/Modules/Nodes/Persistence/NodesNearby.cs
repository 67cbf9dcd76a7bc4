using Dapper;
using Npgsql;

namespace EvaraTech.Modules.Nodes.Persistence;

/// <summary>A node within a radius, with its distance from the centre in metres.</summary>
public sealed record NearbyNode : NodeSummary
{
    public double DistanceM { get; init; }
}

/// <summary>
/// Radius queries over the PostGIS geography column and its GiST index. Servers without PostGIS (only the PGlite test
/// harness here) have no such column; the query then answers 503 rather than scanning every node.
/// </summary>
public sealed class NodesNearby(DbSession db, PostGisAvailability postGis)
{
    private const string Nearby = $$"""
        SELECT {{NodeReads.SummaryColumns}}, ST_Distance(n.location, c.point) AS DistanceM
        FROM nodes.nodes n
        JOIN nodes.node_operational_state s ON s.node_id = n.id
        CROSS JOIN (SELECT ST_SetSRID(ST_MakePoint(@Lng, @Lat), 4326)::geography AS point) c
        WHERE n.lat BETWEEN @MinLat AND @MaxLat AND n.lng BETWEEN @MinLng AND @MaxLng
          AND ST_DWithin(n.location, c.point, @RadiusM) AND {scope}
        ORDER BY DistanceM, n.id
        LIMIT @Limit
        """;

    public async Task<IReadOnlyList<NearbyNode>> FindAsync(double lat, double lng, double radiusM, int limit, TenantScope scope, CancellationToken ct)
    {
        if (!await postGis.IsAvailableAsync())
        {
            throw new AppException(ErrorKind.Unavailable, "GEO_UNAVAILABLE", "Radius queries need PostGIS, which this database server lacks.");
        }

        var (sql, parameters) = Query(lat, lng, radiusM, limit, scope);
        var connection = await db.ConnectionAsync(ct);
        return [.. await connection.QueryAsync<NearbyNode>(new CommandDefinition(sql, parameters, db.Transaction, cancellationToken: ct))];
    }

    /// <summary>
    /// The statement and its parameters, with a latitude/longitude box that contains the circle (generously: 1 % wider).
    /// The box is what the B-tree on the coordinates serves; ST_DWithin then keeps the nodes really within the radius.
    /// The plan tests and the benchmark run exactly this.
    /// </summary>
    internal static (string Sql, DynamicParameters Parameters) Query(double lat, double lng, double radiusM, int limit, TenantScope scope)
    {
        const double MetresPerDegree = 111_320;
        var dLat = radiusM * 1.01 / MetresPerDegree;
        var cosLat = Math.Cos(Math.Min(89.0, Math.Abs(lat) + dLat) * Math.PI / 180);
        var dLng = Math.Min(180, radiusM * 1.01 / (MetresPerDegree * cosLat));
        return (ScopeFilter.Apply(Nearby, scope, NodeOwnership.Columns), ScopeFilter.Parameters(scope, new
        {
            Lat = lat, Lng = lng, RadiusM = radiusM, Limit = limit,
            MinLat = lat - dLat, MaxLat = lat + dLat, MinLng = lng - dLng, MaxLng = lng + dLng,
        }));
    }
}

/// <summary>Whether the nodes table has its PostGIS column (decided by the migration); asked once per process.</summary>
public sealed class PostGisAvailability(NpgsqlDataSource dataSource)
{
    private const string HasLocation = """
        SELECT EXISTS (SELECT 1 FROM information_schema.columns
                       WHERE table_schema = 'nodes' AND table_name = 'nodes' AND column_name = 'location')
        """;

    private Task<bool>? _available;

    /// <remarks>The answer is shared by every later caller, so one caller's cancellation must not become everyone's.</remarks>
    public Task<bool> IsAvailableAsync() => _available ??= AskAsync();

    private async Task<bool> AskAsync()
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<bool>(HasLocation);
    }
}
