using System.Text.Json.Nodes;
using EvaraTech.Modules.Audit.Persistence;

namespace EvaraTech.Modules.Audit.Application.ListAuditLogs;

[RequiresPermission(Permissions.AuditRead)]
public sealed record ListAuditLogsQuery(AuditLogFilter Filter, string? Cursor, int Limit) : IQuery<AuditLogPage>;

public sealed record AuditLogPage(IReadOnlyList<AuditLogDto> Items, string? NextCursor, int Limit);

public sealed class ListAuditLogsValidator : AbstractValidator<ListAuditLogsQuery>
{
    public static readonly string[] ActionTypes = ["CREATE", "UPDATE", "DELETE", "ACCESS", "AUTHENTICATE"];

    public ListAuditLogsValidator()
    {
        RuleFor(q => q.Limit).InclusiveBetween(1, PageRequest.MaximumLimit).OverridePropertyName("limit");
        RuleFor(q => q.Cursor).Must(AuditLogReader.Cursor.IsValid).WithMessage("cursor is not one this API returned.").OverridePropertyName("cursor");
        RuleFor(q => q.Filter.ActionType).Must(a => a is null || ActionTypes.Contains(a))
            .WithMessage($"action_type must be one of {string.Join(", ", ActionTypes)}.").OverridePropertyName("action_type");
        RuleFor(q => q.Filter.ResourceType).MaximumLength(100).OverridePropertyName("resource_type");
        RuleFor(q => q.Filter.ResourceId).MaximumLength(255).OverridePropertyName("resource_id");
        RuleFor(q => q.Filter.To).GreaterThan(q => q.Filter.From).When(q => q.Filter.From is not null && q.Filter.To is not null)
            .WithMessage("to must be after from.").OverridePropertyName("to");
    }
}

public sealed class ListAuditLogsHandler(AuditLogReader reader, IAuditTrail trail, ICurrentUser user) : IQueryHandler<ListAuditLogsQuery, AuditLogPage>
{
    public async ValueTask<AuditLogPage> Handle(ListAuditLogsQuery query, CancellationToken cancellationToken)
    {
        var (items, next) = await reader.PageAsync(user.Scope, query.Filter, query.Cursor, query.Limit, cancellationToken);
        // Reading the trail is itself a sensitive read.
        await trail.RecordDetachedAsync(new AuditEntry(AuditAction.Access, "audit_log", null, AuditQueries.Describe(query.Filter, query.Cursor)), cancellationToken);
        return new AuditLogPage(items, next, query.Limit);
    }
}

internal static class AuditQueries
{
    public static JsonObject Describe(AuditLogFilter filter, string? cursor) => new()
    {
        ["filter"] = AuditMetadata.State(filter),
        ["cursor"] = cursor,
    };
}
