using EvaraTech.Modules.Alerts.Domain;
using EvaraTech.Modules.Alerts.Notifications;
using EvaraTech.Modules.Alerts.Persistence;

namespace EvaraTech.Modules.Alerts.Application;

/// <summary>A notification rule as the client writes it (create and replace).</summary>
public sealed record NotificationRuleInput(
    string? SeverityMin, IReadOnlyList<Guid>? NodeIds, IReadOnlyList<ChannelInput>? Channels, int? RepeatIntervalMinutes, bool? IsEnabled)
{
    public const int DefaultRepeatIntervalMinutes = 240;
    public const int MaxRepeatIntervalMinutes = 10_080;
    public const int MaxNodes = 1000;
}

public sealed class NotificationRuleInputValidator : AbstractValidator<NotificationRuleInput>
{
    public NotificationRuleInputValidator()
    {
        RuleFor(r => r.SeverityMin).NotEmpty().Must(s => s is null || Severities.All.Contains(s))
            .WithMessage($"severityMin is one of {string.Join(", ", Severities.All)}.");
        RuleFor(r => r.NodeIds).Must(n => n is null || (n.Count is > 0 and <= NotificationRuleInput.MaxNodes && n.All(id => id != Guid.Empty)))
            .WithMessage($"nodeIds holds 1 to {NotificationRuleInput.MaxNodes} node ids, or is left out for every node you see.");
        RuleFor(r => r.Channels).NotNull();
        RuleFor(r => r.RepeatIntervalMinutes).InclusiveBetween(0, NotificationRuleInput.MaxRepeatIntervalMinutes);
    }
}

/// <summary>Turns the input into the stored values, validating the channels (their url, secret and address).</summary>
public sealed class NotificationRuleValues(IOptions<NotificationOptions> options)
{
    public NotificationRuleStore.Values Of(NotificationRuleInput input) => new(
        input.SeverityMin!, input.NodeIds?.Distinct().ToList(), NotificationRule.Channels(input.Channels, options.Value.AllowHttpWebhooks),
        input.RepeatIntervalMinutes ?? NotificationRuleInput.DefaultRepeatIntervalMinutes, input.IsEnabled ?? true);
}
