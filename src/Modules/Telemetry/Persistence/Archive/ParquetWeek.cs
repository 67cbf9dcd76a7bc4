using Parquet;
using Parquet.Schema;

namespace EvaraTech.Modules.Telemetry.Persistence.Archive;

/// <summary>A column as PostgreSQL names its type (<c>real</c>, <c>timestamp with time zone</c>, …).</summary>
public sealed record ArchiveColumn(string Name, string PostgresType);

/// <summary>Rows of one archived object, values as the database reader gives them (uuids as text, times as UTC <see cref="DateTime"/>).</summary>
public sealed record ArchivedRows(IReadOnlyList<ArchiveColumn> Columns, IReadOnlyList<object?[]> Rows)
{
    public int Ordinal(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (Columns[i].Name == column)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"The archived object has no column '{column}'.");
    }
}

/// <summary>
/// Parquet for archived rows: one row group, zstd, every PostgreSQL type of the telemetry tables mapped to the Parquet
/// type that holds it exactly (real → float, timestamps in microseconds like PostgreSQL's), so read-back gives back
/// the very values stored.
/// </summary>
public static class ParquetWeek
{
    public const string ContentType = "application/vnd.apache.parquet";

    private static readonly ParquetOptions Options = new() { CompressionMethod = CompressionMethod.Zstd };

    public static async Task<byte[]> WriteAsync(IReadOnlyList<ArchiveColumn> columns, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        var fields = columns.Select(Field).ToArray();
        using var stream = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream, Options, false, cancellationToken))
        {
            using var group = writer.CreateRowGroup();
            for (var c = 0; c < columns.Count; c++)
            {
                var field = fields[c];
                await (columns[c].PostgresType switch
                {
                    "timestamp with time zone" => group.WriteAsync<DateTime>(field, rows.Select(r => (DateTime)r[c]!).ToArray(), null, null, cancellationToken),
                    "real" => Values<float>(group, field, rows, c, cancellationToken),
                    "double precision" => Values<double>(group, field, rows, c, cancellationToken),
                    "integer" => Values<int>(group, field, rows, c, cancellationToken),
                    "smallint" => Values<short>(group, field, rows, c, cancellationToken),
                    "bigint" => Values<long>(group, field, rows, c, cancellationToken),
                    "boolean" => Values<bool>(group, field, rows, c, cancellationToken),
                    _ => group.WriteAsync(field, rows.Select(r => r[c] is null or DBNull ? null! : r[c]!.ToString()!).ToArray(), null),
                });
            }
        }

        return stream.ToArray();
    }

    public static async Task<ArchivedRows> ReadAsync(byte[] content, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(content, writable: false);
        await using var reader = await ParquetReader.CreateAsync(stream, null, false, cancellationToken);
        var fields = reader.Schema.DataFields;
        var columns = fields.Select(f => new ArchiveColumn(f.Name, PostgresType(f))).ToList();
        var rows = new List<object?[]>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var count = checked((int)group.RowCount);
            var first = rows.Count;
            for (var i = 0; i < count; i++)
            {
                rows.Add(new object?[fields.Length]);
            }

            for (var c = 0; c < fields.Length; c++)
            {
                var values = await ColumnAsync(group, fields[c], columns[c].PostgresType, count, cancellationToken);
                for (var i = 0; i < count; i++)
                {
                    rows[first + i][c] = values[i];
                }
            }
        }

        return new ArchivedRows(columns, rows);
    }

    private static DataField Field(ArchiveColumn column) => column.PostgresType switch
    {
        "timestamp with time zone" => new DateTimeDataField(column.Name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: false),
        "real" => new DataField(column.Name, typeof(float), true),
        "double precision" => new DataField(column.Name, typeof(double), true),
        "integer" => new DataField(column.Name, typeof(int), true),
        "smallint" => new DataField(column.Name, typeof(short), true),
        "bigint" => new DataField(column.Name, typeof(long), true),
        "boolean" => new DataField(column.Name, typeof(bool), true),
        _ => new DataField(column.Name, typeof(string), true),
    };

    private static string PostgresType(DataField field) => field switch
    {
        DateTimeDataField => "timestamp with time zone",
        _ when field.ClrType == typeof(float) => "real",
        _ when field.ClrType == typeof(double) => "double precision",
        _ when field.ClrType == typeof(int) => "integer",
        _ when field.ClrType == typeof(short) => "smallint",
        _ when field.ClrType == typeof(long) => "bigint",
        _ when field.ClrType == typeof(bool) => "boolean",
        _ => "text",
    };

    private static Task Values<T>(ParquetRowGroupWriter group, DataField field, IReadOnlyList<object?[]> rows, int column, CancellationToken cancellationToken)
        where T : struct =>
        group.WriteAsync<T>(field, rows.Select(r => r[column] is T value ? value : (T?)null).ToArray(), null, null, cancellationToken);

    private static async Task<object?[]> ColumnAsync(ParquetRowGroupReader group, DataField field, string type, int count, CancellationToken cancellationToken)
    {
        switch (type)
        {
            case "timestamp with time zone":
                var times = new DateTime[count];
                await group.ReadAsync<DateTime>(field, times, null, cancellationToken);
                return [.. times.Select(t => (object?)DateTime.SpecifyKind(t, DateTimeKind.Utc))];
            case "real": return await Nullable<float>(group, field, count, cancellationToken);
            case "double precision": return await Nullable<double>(group, field, count, cancellationToken);
            case "integer": return await Nullable<int>(group, field, count, cancellationToken);
            case "smallint": return await Nullable<short>(group, field, count, cancellationToken);
            case "bigint": return await Nullable<long>(group, field, count, cancellationToken);
            case "boolean": return await Nullable<bool>(group, field, count, cancellationToken);
            default:
                var text = new string[count];
                await group.ReadAsync(field, text, null, cancellationToken);
                return [.. text];
        }
    }

    private static async Task<object?[]> Nullable<T>(ParquetRowGroupReader group, DataField field, int count, CancellationToken cancellationToken)
        where T : struct
    {
        var values = new T?[count];
        await group.ReadAsync<T>(field, values, null, cancellationToken);
        return [.. values.Select(v => v.HasValue ? (object?)v.Value : null)];
    }
}
