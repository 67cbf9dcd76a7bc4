using System.Globalization;
using System.Text;
using EvaraTech.Application.Queries;
using EvaraTech.Modules.Telemetry.Domain;
using EvaraTech.Modules.Telemetry.Persistence;

namespace EvaraTech.Modules.Telemetry.Application.ExportTelemetry;

/// <summary>
/// <c>GET /nodes/{id}/telemetry/export</c>: a node's raw readings over a range (at most <see cref="MaxSpan"/>) as CSV.
/// The handler checks the caller and the range; the rows are read and written by <see cref="TelemetryExport"/> while
/// the response is sent.
/// </summary>
[RequiresPermission(Permissions.TelemetryRead)]
public sealed record ExportTelemetryQuery(Guid NodeId, string? From, string? To) : IQuery<TelemetryExport>
{
    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(90);
}

public sealed class ExportTelemetryValidator : AbstractValidator<ExportTelemetryQuery>
{
    public ExportTelemetryValidator(TimeProvider clock) =>
        this.ValidTimeRange(q => q.From, q => q.To, clock, (_, _) => (ExportTelemetryQuery.MaxSpan, "An export"));
}

public sealed class ExportTelemetryHandler(TelemetryNodes nodes, TelemetryReads reads, TimeProvider clock)
    : IQueryHandler<ExportTelemetryQuery, TelemetryExport>
{
    public async ValueTask<TelemetryExport> Handle(ExportTelemetryQuery query, CancellationToken cancellationToken)
    {
        var node = await nodes.FindAsync(query.NodeId, cancellationToken);
        var range = TimeRangeParameters.Resolve(query.From, query.To, clock.GetUtcNow())!.Value;
        return new TelemetryExport(reads, node.Node.Id, node.Table, range);
    }
}

/// <summary>
/// One node's raw readings as RFC 4180 CSV: a header (timestamp and the type's metrics), then one line per reading
/// written as it is read, so the range is never held in memory. Invariant culture, UTC ISO 8601 timestamps, CRLF.
/// </summary>
public sealed class TelemetryExport(TelemetryReads reads, Guid nodeId, TelemetryTable table, TimeRange range)
{
    public const string ContentType = "text/csv; charset=utf-8";

    public string FileName => $"telemetry-{nodeId}-{range.From.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{range.To.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.csv";

    public async Task WriteAsync(Stream body, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(false), bufferSize: 16 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteLineAsync(string.Join(',', table.Metrics.Select(m => m.Name).Prepend("timestamp").Select(Csv.Field)));
        var line = new StringBuilder();
        await reads.ReadRawAsync(nodeId, table, range.From, range.To, async reader =>
        {
            line.Clear().Append(Csv.Timestamp(reader.GetFieldValue<DateTimeOffset>(0)));
            for (var i = 1; i < reader.FieldCount; i++)
            {
                line.Append(',').Append(reader.IsDBNull(i) ? "" : Csv.Field(reader.GetValue(i)));
            }

            await writer.WriteLineAsync(line, cancellationToken);
        }, cancellationToken);
        await writer.FlushAsync(cancellationToken);
    }
}

/// <summary>RFC 4180 fields in the invariant culture.</summary>
public static class Csv
{
    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    public static string Field(object value) => value switch
    {
        bool b => b ? "true" : "false",
        DateTimeOffset t => Timestamp(t),
        DateTime t => Timestamp(new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc))),
        IFormattable f => Field(f.ToString(null, CultureInfo.InvariantCulture)),
        _ => Field(value.ToString() ?? ""),
    };

    /// <summary>Quoted (quotes doubled) when it holds a comma, a quote or a line break.</summary>
    public static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}
