using System.Text.Json;
using EvaraTech.Modules.Telemetry.Domain;
using EvaraTech.Modules.Telemetry.Persistence;

namespace EvaraTech.Modules.Telemetry.Application.GetLatestReading;

/// <summary>
/// A node's latest reading: the measured values by metric name (as stored, snake_case) and their units. Before the
/// first reading, <see cref="Timestamp"/> is null and the values are empty.
/// </summary>
public sealed record LatestReading(
    Guid NodeId, string TelemetryType, DateTimeOffset? Timestamp, IReadOnlyDictionary<string, JsonElement> Values,
    IReadOnlyDictionary<string, string> Units)
{
    public static LatestReading Of(TelemetryNode node, LatestRow? row) => row is null
        ? new LatestReading(node.Node.Id, node.Table.Key, null, new Dictionary<string, JsonElement>(), new Dictionary<string, string>())
        : new LatestReading(node.Node.Id, row.TelemetryType, row.Timestamp, row.Values, UnitsOf(node.Table, row.Values.Keys));

    /// <summary>The ETag of a latest reading: its time (a node's reading at one time never changes).</summary>
    public long Version => Timestamp?.UtcTicks ?? 0;

    private static Dictionary<string, string> UnitsOf(TelemetryTable table, IEnumerable<string> names) =>
        names.Select(table.Metric).OfType<TelemetryMetric>().Where(m => m.Unit.Length > 0).ToDictionary(m => m.Name, m => m.Unit, StringComparer.Ordinal);
}

/// <summary><c>GET /nodes/{id}/telemetry/latest</c>: one primary-key probe of telemetry.latest_readings.</summary>
[RequiresPermission(Permissions.TelemetryRead)]
public sealed record GetLatestReadingQuery(Guid NodeId) : IQuery<LatestReading>;

public sealed class GetLatestReadingHandler(TelemetryNodes nodes, TelemetryReads reads) : IQueryHandler<GetLatestReadingQuery, LatestReading>
{
    public async ValueTask<LatestReading> Handle(GetLatestReadingQuery query, CancellationToken cancellationToken)
    {
        var node = await nodes.FindAsync(query.NodeId, cancellationToken);
        var rows = await reads.LatestAsync([node.Node.Id], cancellationToken);
        return LatestReading.Of(node, rows.SingleOrDefault());
    }
}
