using EvaraTech.Modules.Tenancy.Domain;
using EvaraTech.Modules.Tenancy.Persistence;

namespace EvaraTech.Modules.Tenancy.Application.CreateUser;

/// <param name="Id">the identity provider's user id; a new one is made when absent</param>
/// <param name="Password">sets a local-issuer password (embedded default); never stored in clear</param>
[RequiresPermission(Permissions.UsersWrite)]
[Audited(AuditAction.Create, "user")]
public sealed record CreateUserCommand(
    Guid? Id, string? Email, string? DisplayName, Role Role, string? Plan, Guid? DistributorId, Guid? CustomerId, string? Password)
    : ICommand<UserDto>;

public sealed class CreateUserValidator : AbstractValidator<CreateUserCommand>
{
    public CreateUserValidator()
    {
        RuleFor(c => c.Email).NotEmpty().EmailAddress().MaximumLength(320);
        RuleFor(c => c.DisplayName).NotEmpty().MaximumLength(200);
        RuleFor(c => c.Role).IsInEnum();
        RuleFor(c => c.Plan).Must(p => p is null || UserAccount.Plans.Contains(p)).WithMessage("plan must be free, pro or enterprise.");
        RuleFor(c => c.Password).MinimumLength(10).MaximumLength(200).When(c => c.Password is not null);
    }
}

public sealed class CreateUserHandler(ScopedTable<UserDto> users, UserPlacement placement, LocalCredentials credentials)
    : ICommandHandler<CreateUserCommand, UserDto>
{
    private const string Insert = """
        INSERT INTO tenancy.users_profiles AS t (id, email, display_name, role, plan, distributor_id, customer_id, is_active, version)
        VALUES (@Id, @Email, @DisplayName, @Role, @Plan, @DistributorId, @CustomerId, @IsActive, 1)
        """;

    public async ValueTask<UserDto> Handle(CreateUserCommand command, CancellationToken cancellationToken)
    {
        var (distributorId, customerId) = await placement.ResolveAsync(command.Role, command.DistributorId, command.CustomerId, cancellationToken);
        var account = new UserAccount(command.Id ?? Guid.CreateVersion7(), 1, command.Email!, command.DisplayName!, command.Role,
            command.Plan ?? "free", distributorId, customerId, isActive: true);

        var created = await users.InsertAsync(Insert, new
        {
            account.Id, account.Email, account.DisplayName, Role = account.Role.ToString().ToLowerInvariant(), account.Plan,
            account.DistributorId, account.CustomerId, account.IsActive,
        }, cancellationToken);
        if (command.Password is { } password)
        {
            await credentials.SetAsync(account, password, cancellationToken);
        }

        return created;
    }
}
