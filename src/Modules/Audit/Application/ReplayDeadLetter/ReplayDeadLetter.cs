using EvaraTech.Infrastructure.Messaging;

namespace EvaraTech.Modules.Audit.Application.ReplayDeadLetter;

/// <summary>An operator has fixed what made a handler fail: its dead-lettered delivery runs again, at once.</summary>
[RequiresPermission(Permissions.AdminAll)]
[Audited(AuditAction.Update, "dead_letter", Operation = "replay")]
public sealed record ReplayDeadLetterCommand(Guid Id, string Handler) : ICommand;

public sealed class ReplayDeadLetterValidator : AbstractValidator<ReplayDeadLetterCommand>
{
    public ReplayDeadLetterValidator() =>
        RuleFor(c => c.Handler).NotEmpty().MaximumLength(200).OverridePropertyName("handler");
}

public sealed class ReplayDeadLetterHandler(DeadLetters deadLetters) : ICommandHandler<ReplayDeadLetterCommand>
{
    public async ValueTask<Unit> Handle(ReplayDeadLetterCommand command, CancellationToken cancellationToken)
    {
        if (!await deadLetters.ReplayAsync(command.Id, command.Handler, cancellationToken))
        {
            throw AppException.NotFound("dead_letter");
        }

        return Unit.Value;
    }
}
