using EvaraTech.Application.Queries;
using EvaraTech.Modules.Telemetry.Domain;
using EvaraTech.Modules.Telemetry.Persistence;
using EvaraTech.Modules.Telemetry.Persistence.Archive;

namespace EvaraTech.Modules.Telemetry.Application.GetSeries;

/// <summary>
/// A node's series over a range at one resolution (the one chosen when <c>auto</c> was asked for). A raw series that
/// read weeks back from the archive names them in <paramref name="ArchivedRanges"/> (empty otherwise).
/// </summary>
public sealed record Series(
    Guid NodeId, string Resolution, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<SeriesPoint> Points, IReadOnlyList<ArchivedRange> ArchivedRanges);

/// <summary>A stretch of a series read from the archive rather than the database.</summary>
public sealed record ArchivedRange(DateTimeOffset From, DateTimeOffset To);

/// <summary>A series and its page: raw series are keyset-paged (<paramref name="NextCursor"/> while rows remain).</summary>
public sealed record SeriesPage(Series Series, int Limit, string? NextCursor);

/// <summary>
/// <c>GET /nodes/{id}/telemetry</c>: raw readings, hourly or daily rollups by <see cref="SeriesPlan"/>. Parameters as
/// sent: <c>from</c>/<c>to</c> ISO 8601 (default the last 24 hours), <c>resolution</c> auto|raw|hour|day,
/// <c>metrics</c> names of the node type's catalogue (default all), <c>limit</c> and <c>cursor</c> for raw pages.
/// </summary>
[RequiresPermission(Permissions.TelemetryRead)]
public sealed record GetSeriesQuery(
    Guid NodeId, string? From, string? To, string? Resolution, IReadOnlyList<string> Metrics, int Limit = GetSeriesQuery.DefaultLimit,
    string? Cursor = null) : IQuery<SeriesPage>
{
    public const int DefaultLimit = 1000;
    public const int MaxLimit = 5000;

    public SeriesResolution? RequestedResolution => SeriesPlan.Resolutions.GetValueOrDefault(Resolution ?? "auto");
}

public sealed class GetSeriesValidator : AbstractValidator<GetSeriesQuery>
{
    public GetSeriesValidator(TimeProvider clock)
    {
        RuleFor(q => q.Resolution).Must(r => r is null || SeriesPlan.Resolutions.ContainsKey(r))
            .WithMessage($"resolution is one of {string.Join(", ", SeriesPlan.Resolutions.Keys)}.").OverridePropertyName("resolution");
        RuleFor(q => q.Limit).InclusiveBetween(1, GetSeriesQuery.MaxLimit).OverridePropertyName("limit");
        RuleFor(q => q.Cursor).Must((q, cursor) => cursor is null || SeriesCursor.Read(cursor, q.NodeId) is not null)
            .WithMessage("cursor is not a cursor of this node's series; start again without one.").OverridePropertyName("cursor");
        this.ValidTimeRange(q => q.From, q => q.To, clock, (q, range) =>
        {
            var resolution = SeriesPlan.Choose(q.RequestedResolution, range.From, range.To);
            return (SeriesPlan.MaxSpan(resolution), $"A {Name(resolution)} series");
        });
    }

    public static string Name(SeriesResolution resolution) => resolution.ToString().ToLowerInvariant();
}

public sealed class GetSeriesHandler(TelemetryNodes nodes, TelemetryReads reads, ArchivedReadings archive, TimeProvider clock)
    : IQueryHandler<GetSeriesQuery, SeriesPage>
{
    public async ValueTask<SeriesPage> Handle(GetSeriesQuery query, CancellationToken cancellationToken)
    {
        var node = await nodes.FindAsync(query.NodeId, cancellationToken);
        var range = TimeRangeParameters.Resolve(query.From, query.To, clock.GetUtcNow())!.Value;
        var resolution = SeriesPlan.Choose(query.RequestedResolution, range.From, range.To);
        var columns = Columns(node.Table, resolution, query.Metrics);
        if (resolution == SeriesResolution.Raw)
        {
            var after = query.Cursor is null ? (DateTimeOffset?)null : SeriesCursor.Read(query.Cursor, query.NodeId);
            var rows = await reads.SeriesAsync(new SeriesSpec(node.Node.Id, node.Table, resolution, columns, range.From, range.To, query.Limit + 1, after),
                cancellationToken);
            var archivedWeeks = await archive.WeeksAsync(node.Node.Id, node.Table, after ?? range.From, range.To, cancellationToken);
            var archived = new List<ArchivedRange>();
            if (archivedWeeks.Count > 0)
            {
                rows = await WithArchivedAsync(rows, archivedWeeks, columns, range, after, query.Limit + 1, archived, cancellationToken);
            }

            var more = rows.Count > query.Limit;
            var page = more ? rows.Take(query.Limit).ToList() : rows;
            return new SeriesPage(new Series(node.Node.Id, GetSeriesValidator.Name(resolution), range.From, range.To, page, archived), query.Limit,
                more ? SeriesCursor.After(node.Node.Id, page[^1].Timestamp) : null);
        }

        if (query.Cursor is not null)
        {
            throw Invalid("cursor", "cursor pages raw series only; this range is read from rollups in one page.", unprocessable: false);
        }

        // Buckets are whole hours or days (UTC): the first one is the bucket the range starts in.
        var width = SeriesPlan.BucketWidth(resolution).Ticks;
        var from = new DateTimeOffset(range.From.UtcTicks - (range.From.UtcTicks % width), TimeSpan.Zero);
        var points = await reads.SeriesAsync(new SeriesSpec(node.Node.Id, node.Table, resolution, columns, from, range.To, SeriesPlan.MaxBuckets),
            cancellationToken);
        return new SeriesPage(new Series(node.Node.Id, GetSeriesValidator.Name(resolution), from, range.To, points, []), SeriesPlan.MaxBuckets, null);
    }

    /// <summary>
    /// The first <paramref name="take"/> readings of the stored <paramref name="rows"/> (already the first that many)
    /// and the archived weeks', the stored reading winning a shared time. Weeks are read oldest first until they alone
    /// fill the page: a later week's readings all come after those.
    /// </summary>
    private async Task<IReadOnlyList<SeriesPoint>> WithArchivedAsync(
        IReadOnlyList<SeriesPoint> rows, IReadOnlyList<ArchivedWeek> weeks, IReadOnlyList<string> columns, TimeRange range, DateTimeOffset? after,
        int take, List<ArchivedRange> archived, CancellationToken cancellationToken)
    {
        var merged = new SortedDictionary<DateTimeOffset, SeriesPoint>(rows.ToDictionary(r => r.Timestamp));
        var read = 0;
        foreach (var week in weeks)
        {
            if (read >= take)
            {
                break;
            }

            var from = week.Start > range.From ? week.Start : range.From;
            var to = week.End < range.To ? week.End : range.To;
            foreach (var (timestamp, values) in await archive.ReadAsync(week, columns, from, to, cancellationToken))
            {
                if (after is null || timestamp > after)
                {
                    merged.TryAdd(timestamp, new SeriesPoint(timestamp, null,
                        columns.Select((c, i) => (c, values[i] is null ? null : SeriesReads.PlainValue(values[i]!))).ToDictionary(v => v.c, v => v.Item2, StringComparer.Ordinal)));
                    read++;
                }
            }

            archived.Add(new ArchivedRange(from, to));
        }

        return [.. merged.Values.Take(take)];
    }

    /// <summary>
    /// The columns the metrics asked for read at <paramref name="resolution"/>: the metrics themselves (raw) or their
    /// rollup columns; none asked for means all of the type's.
    /// </summary>
    private static IReadOnlyList<string> Columns(TelemetryTable table, SeriesResolution resolution, IReadOnlyList<string> requested)
    {
        var unknown = requested.Where(name => table.Metric(name) is null).ToList();
        if (unknown.Count > 0)
        {
            throw Invalid("metrics", $"{string.Join(", ", unknown)} {(unknown.Count == 1 ? "is not a metric" : "are not metrics")} of {table.AnalyticsType}; "
                + $"its metrics are {string.Join(", ", table.Metrics.Select(m => m.Name))}.");
        }

        var metrics = requested.Count == 0 ? table.Metrics : [.. requested.Distinct().Select(name => table.Metric(name)!)];
        if (resolution == SeriesResolution.Raw)
        {
            return [.. metrics.Select(m => m.Name)];
        }

        var unrolled = metrics.Where(m => m.RollupColumns.Count == 0).Select(m => m.Name).ToList();
        if (requested.Count > 0 && unrolled.Count > 0)
        {
            throw Invalid("metrics", $"{string.Join(", ", unrolled)} {(unrolled.Count == 1 ? "has" : "have")} no {(resolution == SeriesResolution.Hour ? "hourly" : "daily")} "
                + $"rollup: ask for resolution=raw (at most {SeriesPlan.MaxRawSpan.TotalDays} days), or leave {(unrolled.Count == 1 ? "it" : "them")} out.");
        }

        return [.. metrics.SelectMany(m => m.RollupColumns)];
    }

    private static RequestValidationException Invalid(string field, string message, bool unprocessable = true) =>
        new([new FieldError(field, ErrorCodes.ValidationError, message, unprocessable)]);
}
