using EvaraTech.Modules.Alerts.Notifications;
using EvaraTech.Modules.Alerts.Persistence;
using EvaraTech.Modules.Tenancy.Contracts;

namespace EvaraTech.Modules.Alerts.Application.TestNotificationRule;

/// <summary>
/// Sends a test message on every channel of one of the caller's rules, now, and answers how each receiver took it. No
/// delivery is stored and nothing is retried: the answer is the point.
/// </summary>
[RequiresPermission(Permissions.AlertsRead)]
[Audited(AuditAction.Access, "notification_rule")]
public sealed record TestNotificationRuleCommand(Guid Id) : ICommand<NotificationTestResult>;

public sealed record NotificationTestResult(Guid RuleId, IReadOnlyList<ChannelTestResult> Channels);

public sealed class TestNotificationRuleHandler(NotificationRuleStore rules, NotificationSender sender, ITenantDirectory tenants, ICurrentUser user)
    : ICommandHandler<TestNotificationRuleCommand, NotificationTestResult>
{
    public async ValueTask<NotificationTestResult> Handle(TestNotificationRuleCommand command, CancellationToken cancellationToken)
    {
        var userId = user.UserId!.Value;
        if (await rules.FindAsync(command.Id, userId, cancellationToken) is null || await rules.StoredAsync(command.Id, cancellationToken) is not { } rule)
        {
            throw AppException.NotFound(NotificationRuleStore.Resource);
        }

        var email = (await tenants.RecipientsAsync([userId], cancellationToken)).SingleOrDefault()?.Email ?? "";
        var results = new List<ChannelTestResult>();
        foreach (var channel in rule.Channels)
        {
            results.Add(await sender.TestAsync(channel, email, cancellationToken));
        }

        return new NotificationTestResult(command.Id, results);
    }
}
