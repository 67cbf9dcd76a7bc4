using EvaraTech.Modules.Tenancy.Domain;
using EvaraTech.Modules.Tenancy.Persistence;

namespace EvaraTech.Modules.Tenancy.Application.UpdateUser;

/// <summary>Changes a user's name, role, placement, plan or activity; the change applies on their next request.</summary>
[RequiresPermission(Permissions.UsersWrite)]
[Audited(AuditAction.Update, "user")]
public sealed record UpdateUserCommand(
    Guid Id, long ExpectedVersion, string? DisplayName, Role Role, string? Plan, Guid? DistributorId, Guid? CustomerId, bool IsActive, string? Password)
    : ICommand<UserDto>;

public sealed class UpdateUserValidator : AbstractValidator<UpdateUserCommand>
{
    public UpdateUserValidator()
    {
        RuleFor(c => c.DisplayName).NotEmpty().MaximumLength(200);
        RuleFor(c => c.Role).IsInEnum();
        RuleFor(c => c.Plan).Must(p => p is null || UserAccount.Plans.Contains(p)).WithMessage("plan must be free, pro or enterprise.");
        RuleFor(c => c.Password).MinimumLength(10).MaximumLength(200).When(c => c.Password is not null);
    }
}

public sealed class UpdateUserHandler(ScopedTable<UserDto> users, UserPlacement placement, LocalCredentials credentials, ICurrentUser user, AuditContext audit)
    : ICommandHandler<UpdateUserCommand, UserDto>
{
    public async ValueTask<UserDto> Handle(UpdateUserCommand command, CancellationToken cancellationToken)
    {
        var row = await users.FindAsync(command.Id, user.Scope, cancellationToken) ?? throw AppException.NotFound("User");
        audit.Changing(row);
        var (distributorId, customerId) = await placement.ResolveAsync(command.Role, command.DistributorId, command.CustomerId, cancellationToken);
        var account = new UserAccount(row.Id, command.ExpectedVersion, row.Email, row.DisplayName, Enum.Parse<Role>(row.Role, true), row.Plan,
            row.DistributorId, row.CustomerId, row.IsActive);
        account.Change(command.DisplayName!, command.Role, command.Plan ?? row.Plan, distributorId, customerId, command.IsActive);

        var updated = await users.UpdateAsync(account.Id, account.Version,
            "display_name = @DisplayName, role = @Role, plan = @Plan, distributor_id = @DistributorId, customer_id = @CustomerId, is_active = @IsActive",
            new
            {
                account.DisplayName, Role = account.Role.ToString().ToLowerInvariant(), account.Plan, account.DistributorId, account.CustomerId,
                account.IsActive,
            }, user.Scope, cancellationToken);
        if (command.Password is { } password)
        {
            await credentials.SetAsync(account, password, cancellationToken);
        }

        return updated;
    }
}
