using System.Buffers.Binary;
using System.Buffers.Text;
using EvaraTech.Application.Queries;
using EvaraTech.Modules.Alerts.Domain;
using EvaraTech.Modules.Alerts.Persistence;
using EvaraTech.Modules.Nodes.Contracts;

namespace EvaraTech.Modules.Alerts.Application.ListAlerts;

/// <summary>A page of alerts and where the next one starts (null on the last page).</summary>
public sealed record AlertPage(IReadOnlyList<AlertDto> Items, int Limit, string? NextCursor);

/// <summary>
/// <c>GET /alerts</c>: the open alerts (<c>view=active</c>, the default) or every alert newest first
/// (<c>view=timeline</c>), filtered by severity, status, node, community and time of triggering; keyset-paged,
/// 10 per page by default (the dashboard's view).
/// </summary>
[RequiresPermission(Permissions.AlertsRead)]
public sealed record ListAlertsQuery(
    string? View, IReadOnlyList<string> Severities, IReadOnlyList<string> Statuses, Guid? NodeId, Guid? CommunityId, string? From, string? To,
    int Limit = ListAlertsQuery.DefaultLimit, string? Cursor = null) : IQuery<AlertPage>
{
    public const int DefaultLimit = 10;
    public const int MaximumLimit = 100;
    public static readonly IReadOnlyList<string> Views = ["active", "timeline"];
    public static readonly IReadOnlyList<string> StatusValues = ["triggered", "acknowledged", "resolved"];
}

public sealed class ListAlertsValidator : AbstractValidator<ListAlertsQuery>
{
    public ListAlertsValidator(TimeProvider clock)
    {
        RuleFor(q => q.View).Must(v => v is null || ListAlertsQuery.Views.Contains(v)).WithMessage("view is active or timeline.");
        RuleForEach(q => q.Severities).Must(s => Severities.All.Contains(s))
            .WithMessage("severity is info, warning or critical.").OverridePropertyName("severity");
        RuleForEach(q => q.Statuses).Must(s => ListAlertsQuery.StatusValues.Contains(s))
            .WithMessage("status is triggered, acknowledged or resolved.").OverridePropertyName("status");
        RuleFor(q => q.Limit).InclusiveBetween(1, ListAlertsQuery.MaximumLimit);
        RuleFor(q => q.Cursor).Must(c => c is null || AlertCursor.Read(c) is not null).WithMessage("cursor is not a cursor of this list.");
        this.ValidTimeRange(q => q.From, q => q.To, clock, (_, _) => (TimeSpan.MaxValue, "An alert list"));
    }
}

public sealed class ListAlertsHandler(AlertHistory history, INodeLookup nodes, ICurrentUser user) : IQueryHandler<ListAlertsQuery, AlertPage>
{
    public async ValueTask<AlertPage> Handle(ListAlertsQuery query, CancellationToken cancellationToken)
    {
        var filter = await AlertFilters.ResolveAsync(nodes, user.Scope, query.NodeId, query.CommunityId, query.From, query.To, cancellationToken)
            with { ActiveOnly = query.View != "timeline", Severities = query.Severities, Statuses = query.Statuses };
        var after = query.Cursor is null ? null : AlertCursor.Read(query.Cursor);
        var items = await history.PageAsync(filter, after, query.Limit + 1, cancellationToken);
        var page = items.Take(query.Limit).ToList();
        return new AlertPage(page, query.Limit, items.Count > query.Limit ? AlertCursor.After(page[^1]) : null);
    }
}

/// <summary>The keyset position of an alert list: the last alert's trigger time and id, as opaque base64url.</summary>
public static class AlertCursor
{
    private const int Length = sizeof(long) + 16;

    public static string After(AlertDto last)
    {
        Span<byte> bytes = stackalloc byte[Length];
        BinaryPrimitives.WriteInt64BigEndian(bytes, DateTime.SpecifyKind(last.TriggeredAt, DateTimeKind.Utc).Ticks);
        last.Id.TryWriteBytes(bytes[sizeof(long)..]);
        return Base64Url.EncodeToString(bytes);
    }

    public static (DateTimeOffset At, Guid Id)? Read(string cursor)
    {
        Span<byte> bytes = stackalloc byte[Length];
        if (cursor.Length != Base64Url.GetEncodedLength(Length) || !Base64Url.IsValid(cursor)
            || !Base64Url.TryDecodeFromChars(cursor, bytes, out var written) || written != Length)
        {
            return null;
        }

        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes);
        return ticks is >= 0 and <= 3155378975999999999 ? (new DateTimeOffset(ticks, TimeSpan.Zero), new Guid(bytes[sizeof(long)..])) : null;
    }
}
