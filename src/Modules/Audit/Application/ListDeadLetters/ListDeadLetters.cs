using EvaraTech.Infrastructure.Messaging;

namespace EvaraTech.Modules.Audit.Application.ListDeadLetters;

/// <summary>The integration-event deliveries that failed every attempt, newest first, for the platform's operators.</summary>
[RequiresPermission(Permissions.AdminAll)]
public sealed record ListDeadLettersQuery(int Limit) : IQuery<IReadOnlyList<DeadLetter>>;

public sealed class ListDeadLettersValidator : AbstractValidator<ListDeadLettersQuery>
{
    public ListDeadLettersValidator() =>
        RuleFor(q => q.Limit).InclusiveBetween(1, PageRequest.MaximumLimit).OverridePropertyName("limit");
}

public sealed class ListDeadLettersHandler(DeadLetters deadLetters) : IQueryHandler<ListDeadLettersQuery, IReadOnlyList<DeadLetter>>
{
    public async ValueTask<IReadOnlyList<DeadLetter>> Handle(ListDeadLettersQuery query, CancellationToken cancellationToken) =>
        await deadLetters.ListAsync(query.Limit, cancellationToken);
}
