using EvaraTech.Modules.Alerts.Persistence;

namespace EvaraTech.Modules.Alerts.Application.NotificationLog;

/// <summary>The caller's delivery log, newest first: each delivery's channel, status, attempts and last error.</summary>
[RequiresPermission(Permissions.AlertsRead)]
public sealed record ListNotificationDeliveriesQuery(PageRequest Paging, string? Status, Guid? AlertId) : IQuery<Page<DeliveryDto>>
{
    public static readonly IReadOnlyList<string> Statuses = ["pending", "sent", "failed"];
}

public sealed class ListNotificationDeliveriesValidator : AbstractValidator<ListNotificationDeliveriesQuery>
{
    public ListNotificationDeliveriesValidator()
    {
        this.ValidPaging(q => q.Paging);
        RuleFor(q => q.Status).Must(s => s is null || ListNotificationDeliveriesQuery.Statuses.Contains(s)).WithMessage("status is pending, sent or failed.");
    }
}

public sealed class ListNotificationDeliveriesHandler(NotificationDeliveries deliveries, ICurrentUser user)
    : IQueryHandler<ListNotificationDeliveriesQuery, Page<DeliveryDto>>
{
    public async ValueTask<Page<DeliveryDto>> Handle(ListNotificationDeliveriesQuery query, CancellationToken cancellationToken) =>
        await deliveries.OfUserAsync(user.UserId!.Value, query.Status, query.AlertId, query.Paging, cancellationToken);
}
