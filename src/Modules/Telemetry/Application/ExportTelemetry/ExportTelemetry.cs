using System.Globalization;
using System.Text;
using EvaraTech.Application.Queries;
using EvaraTech.Infrastructure.Http;
using EvaraTech.Modules.Telemetry.Domain;
using EvaraTech.Modules.Telemetry.Persistence;
using EvaraTech.Modules.Telemetry.Persistence.Archive;

namespace EvaraTech.Modules.Telemetry.Application.ExportTelemetry;

/// <summary>
/// <c>GET /nodes/{id}/telemetry/export</c>: a node's raw readings over a range (at most <see cref="MaxSpan"/>) as CSV,
/// archived weeks included. The handler checks the caller and the range and finds the archived weeks; the rows are
/// read and written by <see cref="TelemetryExport"/> while the response is sent.
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

public sealed class ExportTelemetryHandler(TelemetryNodes nodes, TelemetryReads reads, ArchivedReadings archive, TimeProvider clock)
    : IQueryHandler<ExportTelemetryQuery, TelemetryExport>
{
    public async ValueTask<TelemetryExport> Handle(ExportTelemetryQuery query, CancellationToken cancellationToken)
    {
        var node = await nodes.FindAsync(query.NodeId, cancellationToken);
        var range = TimeRangeParameters.Resolve(query.From, query.To, clock.GetUtcNow())!.Value;
        var archived = await archive.WeeksAsync(node.Node.Id, node.Table, range.From, range.To, cancellationToken);
        return new TelemetryExport(reads, archive, node.Node.Id, node.Table, range, archived);
    }
}

/// <summary>
/// One node's raw readings as RFC 4180 CSV: a header (timestamp and the type's metrics), then one line per reading.
/// Stored readings are written as they are read, so the range is never held in memory; an archived week is read whole
/// from its object and merged with the week's stored rows. When the range touches the archive, a last column
/// <c>archived</c> says which lines came from it, and <see cref="ArchivedRanges"/> names the weeks (the response's
/// <c>Archived-Ranges</c> header). Invariant culture, UTC ISO 8601 timestamps, CRLF.
/// </summary>
public sealed class TelemetryExport(
    TelemetryReads reads, ArchivedReadings archive, Guid nodeId, TelemetryTable table, TimeRange range, IReadOnlyList<ArchivedWeek> archivedWeeks)
{
    public string FileName => $"telemetry-{nodeId}-{range.From.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{range.To.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.csv";

    /// <summary>The archived weeks the export reads, as ISO 8601 intervals clipped to the range; empty when it reads none.</summary>
    public IReadOnlyList<string> ArchivedRanges =>
        [.. archivedWeeks.Select(w => $"{Csv.Timestamp(Later(w.Start, range.From))}/{Csv.Timestamp(Earlier(w.End, range.To))}")];

    public async Task WriteAsync(Stream body, CancellationToken cancellationToken)
    {
        await using var writer = Csv.Writer(body);
        var header = table.Metrics.Select(m => m.Name).Prepend("timestamp");
        await writer.WriteLineAsync(string.Join(',', (archivedWeeks.Count > 0 ? header.Append("archived") : header).Select(Csv.Field)));
        var line = new StringBuilder();
        async ValueTask WriteLineAsync(DateTimeOffset timestamp, object?[] values, bool archived)
        {
            line.Clear().Append(Csv.Timestamp(timestamp));
            foreach (var value in values)
            {
                line.Append(',').Append(value is null ? "" : Csv.Field(value));
            }

            if (archivedWeeks.Count > 0)
            {
                line.Append(',').Append(archived ? "true" : "false");
            }

            await writer.WriteLineAsync(line, cancellationToken);
        }

        var metrics = table.Metrics.Select(m => m.Name).ToList();
        var cursor = range.From;
        foreach (var week in archivedWeeks)
        {
            var (from, to) = (Later(week.Start, range.From), Earlier(week.End, range.To));
            if (cursor < from)
            {
                await reads.ReadRawAsync(nodeId, table, cursor, from, reader => WriteLineAsync(reader.GetFieldValue<DateTimeOffset>(0), Values(reader), false), cancellationToken);
            }

            var rows = (await archive.ReadAsync(week, metrics, from, to, cancellationToken)).ToDictionary(r => r.Key, r => (Values: r.Value, Archived: true));
            await reads.ReadRawAsync(nodeId, table, from, to, reader =>
            {
                rows[reader.GetFieldValue<DateTimeOffset>(0)] = (Values(reader), false);
                return ValueTask.CompletedTask;
            }, cancellationToken);
            foreach (var (timestamp, row) in rows.OrderBy(r => r.Key))
            {
                await WriteLineAsync(timestamp, row.Values, row.Archived);
            }

            cursor = to;
        }

        if (cursor < range.To)
        {
            await reads.ReadRawAsync(nodeId, table, cursor, range.To, reader => WriteLineAsync(reader.GetFieldValue<DateTimeOffset>(0), Values(reader), false), cancellationToken);
        }

        await writer.FlushAsync(cancellationToken);
    }

    private static object?[] Values(Npgsql.NpgsqlDataReader reader)
    {
        var values = new object?[reader.FieldCount - 1];
        for (var i = 1; i < reader.FieldCount; i++)
        {
            values[i - 1] = reader.IsDBNull(i) ? null : reader.GetValue(i);
        }

        return values;
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Earlier(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
