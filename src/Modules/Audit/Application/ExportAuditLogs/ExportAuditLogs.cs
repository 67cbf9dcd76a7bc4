using EvaraTech.Modules.Audit.Application.ListAuditLogs;
using EvaraTech.Modules.Audit.Persistence;

namespace EvaraTech.Modules.Audit.Application.ExportAuditLogs;

[RequiresPermission(Permissions.AuditRead)]
public sealed record ExportAuditLogsQuery(AuditLogFilter Filter) : IQuery<IAsyncEnumerable<AuditLogDto>>;

public sealed class ExportAuditLogsValidator : AbstractValidator<ExportAuditLogsQuery>
{
    public ExportAuditLogsValidator()
    {
        RuleFor(q => q.Filter.ActionType).Must(a => a is null || ListAuditLogsValidator.ActionTypes.Contains(a))
            .WithMessage("action_type is not an audit action.").OverridePropertyName("action_type");
        RuleFor(q => q.Filter.To).GreaterThan(q => q.Filter.From).When(q => q.Filter.From is not null && q.Filter.To is not null)
            .WithMessage("to must be after from.").OverridePropertyName("to");
    }
}

public sealed class ExportAuditLogsHandler(AuditLogReader reader, IAuditTrail trail, ICurrentUser user)
    : IQueryHandler<ExportAuditLogsQuery, IAsyncEnumerable<AuditLogDto>>
{
    public async ValueTask<IAsyncEnumerable<AuditLogDto>> Handle(ExportAuditLogsQuery query, CancellationToken cancellationToken)
    {
        var description = AuditQueries.Describe(query.Filter, null);
        description["format"] = "csv";
        await trail.RecordDetachedAsync(new AuditEntry(AuditAction.Access, "audit_log_export", null, description), cancellationToken);
        return reader.StreamAsync(user.Scope, query.Filter, cancellationToken);
    }
}
