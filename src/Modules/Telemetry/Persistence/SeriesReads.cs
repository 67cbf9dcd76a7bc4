using System.Data.Common;
using System.Globalization;
using EvaraTech.Modules.Telemetry.Domain;
using Npgsql;

namespace EvaraTech.Modules.Telemetry.Persistence;

/// <summary>One point of a series: a reading (raw) or a bucket (rollups, with its reading count).</summary>
public sealed record SeriesPoint(DateTimeOffset Timestamp, long? ReadingCount, IReadOnlyDictionary<string, object?> Values);

/// <summary>What to read: a node's table, the resolution, the columns, a half-open range and a page size.</summary>
/// <param name="After">raw only: continue after this reading (keyset paging).</param>
public sealed record SeriesSpec(
    Guid NodeId, TelemetryTable Table, SeriesResolution Resolution, IReadOnlyList<string> Columns,
    DateTimeOffset From, DateTimeOffset To, int Limit, DateTimeOffset? After = null);

/// <summary>
/// Series reads: raw rows by the primary key, rollups by (node, bucket). Column names come from the
/// <see cref="TelemetryTable"/> catalogue only. Both storage profiles answer the same statement.
/// </summary>
public static class SeriesReads
{
    public static string Sql(SeriesSpec spec)
    {
        var columns = string.Join(", ", spec.Columns.Select(c => $"\"{c}\""));
        return spec.Resolution == SeriesResolution.Raw
            ? $"""
              SELECT "timestamp", NULL::bigint AS reading_count{(columns.Length > 0 ? ", " + columns : "")}
              FROM {spec.Table.RawTable}
              WHERE node_id = @NodeId AND "timestamp" >= @From AND "timestamp" < @To
                AND (@After::timestamptz IS NULL OR "timestamp" > @After::timestamptz)
              ORDER BY "timestamp"
              LIMIT @Limit
              """
            : $"""
              SELECT bucket AS "timestamp", reading_count{(columns.Length > 0 ? ", " + columns : "")}
              FROM {spec.Table.RollupTable(spec.Resolution)}
              WHERE node_id = @NodeId AND bucket >= @From AND bucket < @To
              ORDER BY bucket
              LIMIT @Limit
              """;
    }

    public static async Task<IReadOnlyList<SeriesPoint>> ReadAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, SeriesSpec spec, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Sql(spec), connection, transaction);
        command.Parameters.AddWithValue("NodeId", spec.NodeId);
        command.Parameters.AddWithValue("From", spec.From);
        command.Parameters.AddWithValue("To", spec.To);
        command.Parameters.AddWithValue("Limit", spec.Limit);
        command.Parameters.Add(new NpgsqlParameter("After", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = (object?)spec.After ?? DBNull.Value });

        var points = new List<SeriesPoint>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            points.Add(new SeriesPoint(
                reader.GetFieldValue<DateTimeOffset>(0),
                reader.IsDBNull(1) ? null : reader.GetInt64(1),
                ReadValues(reader, 2)));
        }

        return points;
    }

    /// <summary>Columns from <paramref name="first"/> on, by name, as plain numbers, text or null.</summary>
    internal static IReadOnlyDictionary<string, object?> ReadValues(DbDataReader reader, int first)
    {
        var values = new Dictionary<string, object?>(reader.FieldCount - first, StringComparer.Ordinal);
        for (var i = first; i < reader.FieldCount; i++)
        {
            values[reader.GetName(i)] = reader.IsDBNull(i) ? null : PlainValue(reader.GetValue(i));
        }

        return values;
    }

    /// <summary>A stored value as the API gives it: a real as its shortest text says (1.1, not 1.100000023841858), small integers as int.</summary>
    internal static object PlainValue(object value) => value switch
    {
        float f => double.Parse(f.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
        short s => (int)s,
        var other => other,
    };
}
