using EvaraTech.Modules.Alerts.Domain;
using EvaraTech.Modules.Alerts.Notifications;
using EvaraTech.Modules.Alerts.Persistence;
using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Tenancy.Contracts;

namespace EvaraTech.Modules.Alerts.Application;

/// <summary>
/// A notification rule as the client writes it (create and replace). The node filter's criteria (node ids, categories,
/// communities, tags) are each left out for "any"; given, every one must hold.
/// </summary>
public sealed record NotificationRuleInput(
    string? SeverityMin, IReadOnlyList<Guid>? NodeIds, IReadOnlyList<ChannelInput>? Channels, int? RepeatIntervalMinutes, bool? IsEnabled,
    IReadOnlyList<string>? Categories = null, IReadOnlyList<Guid>? CommunityIds = null, IReadOnlyList<Guid>? TagIds = null)
{
    public const int DefaultRepeatIntervalMinutes = 240;
    public const int MaxRepeatIntervalMinutes = 10_080;
    public const int MaxNodes = 1000;
    public const int MaxFilterValues = 100;
}

public sealed class NotificationRuleInputValidator : AbstractValidator<NotificationRuleInput>
{
    public NotificationRuleInputValidator()
    {
        RuleFor(r => r.SeverityMin).NotEmpty().Must(s => s is null || Severities.All.Contains(s))
            .WithMessage($"severityMin is one of {string.Join(", ", Severities.All)}.");
        RuleFor(r => r.NodeIds).Must(n => n is null || (n.Count is > 0 and <= NotificationRuleInput.MaxNodes && n.All(id => id != Guid.Empty)))
            .WithMessage($"nodeIds holds 1 to {NotificationRuleInput.MaxNodes} node ids, or is left out for every node you see.");
        RuleFor(r => r.Categories).Must(c => c is null || (c.Count is > 0 and <= NotificationRuleInput.MaxFilterValues && c.All(NodeFilter.KnownCategories.Contains)))
            .WithMessage($"categories holds 1 to {NotificationRuleInput.MaxFilterValues} of {string.Join(", ", NodeFilter.KnownCategories)}, or is left out for any.");
        RuleFor(r => r.CommunityIds).Must(c => c is null || (c.Count is > 0 and <= NotificationRuleInput.MaxFilterValues && c.All(id => id != Guid.Empty)))
            .WithMessage($"communityIds holds 1 to {NotificationRuleInput.MaxFilterValues} community ids, or is left out for any.");
        RuleFor(r => r.TagIds).Must(t => t is null || (t.Count is > 0 and <= NotificationRuleInput.MaxFilterValues && t.All(id => id != Guid.Empty)))
            .WithMessage($"tagIds holds 1 to {NotificationRuleInput.MaxFilterValues} tag ids, or is left out for any.");
        RuleFor(r => r.Channels).NotNull();
        RuleFor(r => r.RepeatIntervalMinutes).InclusiveBetween(0, NotificationRuleInput.MaxRepeatIntervalMinutes);
    }
}

/// <summary>
/// Turns the input into the stored values, validating the channels (their url, secret and address). The nodes,
/// communities and tags named must be ones the caller sees (others answer as if they did not exist), and an email goes
/// only to a platform user the caller sees, so a rule can neither probe another tenant's nodes nor send its alerts to
/// strangers.
/// </summary>
public sealed class NotificationRuleValues(IOptions<NotificationOptions> options, INodeLookup nodes, ITenantDirectory tenants, ICurrentUser user)
{
    public async Task<NotificationRuleStore.Values> OfAsync(NotificationRuleInput input, CancellationToken ct)
    {
        var channels = NotificationRule.Channels(input.Channels, options.Value.AllowHttpWebhooks);
        var nodeIds = input.NodeIds?.Distinct().ToList();
        if (nodeIds is not null && (await nodes.FindManyAsync(nodeIds, user.Scope, ct)).Count != nodeIds.Count)
        {
            throw new AppException(ErrorKind.NotFound, ErrorCodes.NotFound, "A node of nodeIds was not found.", "nodeIds");
        }

        var communityIds = input.CommunityIds?.Distinct().ToList();
        foreach (var community in communityIds ?? [])
        {
            _ = await tenants.FindAsync(TenantType.Community, community, user.Scope, ct)
                ?? throw new AppException(ErrorKind.NotFound, ErrorCodes.NotFound, "A community of communityIds was not found.", "communityIds");
        }

        var tagIds = input.TagIds?.Distinct().ToList();
        foreach (var tag in tagIds ?? [])
        {
            if (!await nodes.TagInScopeAsync(tag, user.Scope, ct))
            {
                throw new AppException(ErrorKind.NotFound, ErrorCodes.NotFound, "A tag of tagIds was not found.", "tagIds");
            }
        }

        var sms = options.Value.Sms;
        for (var i = 0; i < channels.Count; i++)
        {
            if (channels[i] is EmailChannel { Address: { } address } && !await tenants.IsUserEmailAsync(address, user.Scope, ct))
            {
                throw new DomainRuleViolation("INVALID_CHANNEL",
                    "address is the email of a user you can see; leave it out to be told at your own.", $"channels[{i}].address");
            }

            // Texts cost the installation money: only to the countries it texts, and not more often than its floor.
            if (channels[i] is SmsChannel { Number: var number } && !sms.CountryCodes.Any(code => number.StartsWith(code, StringComparison.Ordinal)))
            {
                throw new DomainRuleViolation("INVALID_CHANNEL",
                    $"number is in a country this platform texts ({string.Join(", ", sms.CountryCodes)}).", $"channels[{i}].number");
            }
        }

        var repeat = input.RepeatIntervalMinutes ?? NotificationRuleInput.DefaultRepeatIntervalMinutes;
        if (channels.Any(c => c is SmsChannel) && repeat is > 0 && repeat < sms.MinRepeatIntervalMinutes)
        {
            throw new DomainRuleViolation("INVALID_REPEAT_INTERVAL",
                $"repeatIntervalMinutes is 0 (never) or at least {sms.MinRepeatIntervalMinutes} for a rule that texts.", "repeatIntervalMinutes");
        }

        return new(input.SeverityMin!, new NodeFilter(nodeIds, input.Categories?.Distinct().ToList(), communityIds, tagIds), channels,
            repeat, input.IsEnabled ?? true);
    }
}
