using EvaraTech.Application.Queries;
using EvaraTech.Infrastructure.Http;
using EvaraTech.Modules.Alerts.Application.GetUptimeReport;
using EvaraTech.Modules.Nodes.Contracts;

namespace EvaraTech.Modules.Alerts.Application.ExportUptimeReport;

/// <summary><c>GET /reports/uptime/export?from=&amp;to=</c>: the uptime report of every node in the caller's scope, by label, for a CSV.</summary>
[RequiresPermission(Permissions.NodesRead)]
public sealed record ExportUptimeReportQuery(string? From, string? To) : IQuery<UptimeReportExport>;

/// <summary>The period the report covers and its lines, as RFC 4180 CSV (invariant culture, UTC ISO 8601 times, CRLF).</summary>
public sealed record UptimeReportExport(TimeRange Period, IReadOnlyList<UptimeReportLine> Lines)
{
    public string FileName => $"uptime-{Period.From.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{Period.To.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.csv";

    public async Task WriteAsync(Stream body, CancellationToken cancellationToken)
    {
        await using var writer = Csv.Writer(body);
        await writer.WriteLineAsync("node_id,node_key,label,from,to,observed_seconds,downtime_seconds,uptime_percent,outages");
        foreach (var line in Lines)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await writer.WriteLineAsync(string.Join(',',
                Csv.Field(line.NodeId), Csv.Text(line.NodeKey), Csv.Text(line.Label), Csv.Timestamp(Period.From), Csv.Timestamp(Period.To),
                Csv.Field(line.ObservedSeconds), Csv.Field(line.DowntimeSeconds), line.UptimePercent is { } percent ? Csv.Field(percent) : "",
                Csv.Field(line.Outages)));
        }
    }
}

public sealed class ExportUptimeReportValidator : AbstractValidator<ExportUptimeReportQuery>
{
    public ExportUptimeReportValidator(TimeProvider clock) =>
        this.ValidTimeRange(q => q.From, q => q.To, clock, (_, _) => (ReportPeriod.MaxSpan, "An uptime period"));
}

public sealed class ExportUptimeReportHandler(INodeLookup nodes, UptimeReport report, ICurrentUser user, TimeProvider clock)
    : IQueryHandler<ExportUptimeReportQuery, UptimeReportExport>
{
    /// <summary>Nodes read together: two statements per chunk whatever the scope's size.</summary>
    private const int Chunk = 500;

    public async ValueTask<UptimeReportExport> Handle(ExportUptimeReportQuery query, CancellationToken cancellationToken)
    {
        var period = TimeRangeParameters.Resolve(query.From, query.To, clock.GetUtcNow())!.Value;
        var lines = new List<UptimeReportLine>();
        foreach (var chunk in (await nodes.ListAsync(user.Scope, null, cancellationToken)).Chunk(Chunk))
        {
            lines.AddRange(await report.LinesAsync(chunk, period, cancellationToken));
        }

        return new UptimeReportExport(period, lines);
    }
}
