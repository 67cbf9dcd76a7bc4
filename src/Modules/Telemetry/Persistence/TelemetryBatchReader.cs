using System.Text.Json;
using Dapper;
using EvaraTech.Modules.Telemetry.Contracts;
using EvaraTech.Modules.Telemetry.Domain;

namespace EvaraTech.Modules.Telemetry.Persistence;

/// <summary>The Telemetry side of <see cref="ITelemetryBatchReader"/>: one key-range read of the type's table.</summary>
public sealed class TelemetryBatchReader(DbSession db) : ITelemetryBatchReader
{
    private const string Latest = """
        SELECT node_id, "timestamp", "values"::text FROM telemetry.latest_readings WHERE node_id = ANY(@Ids)
        """;

    public IReadOnlySet<string> MetricsOf(string analyticsType) =>
        TelemetryTable.All.SingleOrDefault(t => t.AnalyticsType == analyticsType) is { } table
            ? table.Metrics.Select(m => m.Name).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>();

    public async Task<IReadOnlyDictionary<Guid, StoredReading>> LatestAsync(IReadOnlyCollection<Guid> nodeIds, CancellationToken cancellationToken)
    {
        var connection = await db.ConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(Guid NodeId, DateTime At, string Values)>(new CommandDefinition(Latest,
            new { Ids = nodeIds.ToArray() }, db.Transaction, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.NodeId, r => new StoredReading(new DateTimeOffset(DateTime.SpecifyKind(r.At, DateTimeKind.Utc)), Numbers(r.Values)));
    }

    public async Task<IReadOnlyList<StoredReading>> ReadAsync(
        Guid nodeId, string telemetryType, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        // The table name comes from the module's own list, never from the caller's text.
        var table = TelemetryTable.All.SingleOrDefault(t => t.Key == telemetryType)
            ?? throw new ArgumentException($"Unknown telemetry type '{telemetryType}'.", nameof(telemetryType));
        var connection = await db.ConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(DateTime At, string Values)>(new CommandDefinition($"""
            SELECT "timestamp", (to_jsonb(t) - 'node_id' - 'timestamp' - 'metadata')::text
            FROM {table.RawTable} t
            WHERE node_id = @NodeId AND "timestamp" BETWEEN @From AND @To
            ORDER BY "timestamp"
            """, new { NodeId = nodeId, From = from, To = to }, db.Transaction, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new StoredReading(new DateTimeOffset(DateTime.SpecifyKind(r.At, DateTimeKind.Utc)), Numbers(r.Values)))];
    }

    public async Task<IReadOnlyList<TimedValue>> ReadMetricAsync(
        Guid nodeId, string analyticsType, string metric, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        // Table and column come from the module's own lists, never from the caller's text.
        if (TelemetryTable.ForAnalyticsType(analyticsType) is not { } table || table.Metric(metric) is not { } known)
        {
            return [];
        }

        var value = known.Name == "pump_status" ? "CASE pump_status WHEN 'running' THEN 1.0 ELSE 0.0 END" : $"{known.Name}::float8";
        var connection = await db.ConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(DateTime At, double Value)>(new CommandDefinition($"""
            SELECT "timestamp", {value}
            FROM {table.RawTable}
            WHERE node_id = @NodeId AND "timestamp" BETWEEN @From AND @To AND {known.Name} IS NOT NULL
            ORDER BY "timestamp"
            """, new { NodeId = nodeId, From = from, To = to }, db.Transaction, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new TimedValue(new DateTimeOffset(DateTime.SpecifyKind(r.At, DateTimeKind.Utc)), r.Value))];
    }

    /// <summary>The numeric metrics; a pump's status counts as running 1, otherwise 0, so rules can watch it.</summary>
    private static Dictionary<string, double> Numbers(string json)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(json);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.Number:
                    values[property.Name] = property.Value.GetDouble();
                    break;
                case JsonValueKind.True or JsonValueKind.False:
                    values[property.Name] = property.Value.GetBoolean() ? 1 : 0;
                    break;
                case JsonValueKind.String when property.Name == "pump_status":
                    values[property.Name] = property.Value.GetString() == "running" ? 1 : 0;
                    break;
            }
        }

        return values;
    }
}
