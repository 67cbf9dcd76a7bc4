using EvaraTech.Modules.Tenancy.Domain;
using EvaraTech.Modules.Tenancy.Persistence;

namespace EvaraTech.Modules.Tenancy.Application.CreateDistributor;

[RequiresPermission(Permissions.TenantsWrite)]
[Audited(AuditAction.Create, "distributor")]
public sealed record CreateDistributorCommand(string? Name, string? ContactEmail) : ICommand<DistributorDto>;

public sealed class CreateDistributorValidator : AbstractValidator<CreateDistributorCommand>
{
    public CreateDistributorValidator()
    {
        RuleFor(c => c.Name).NotEmpty().MaximumLength(200);
        RuleFor(c => c.ContactEmail).EmailAddress().MaximumLength(320);
    }
}

public sealed class CreateDistributorHandler(ScopedTable<DistributorDto> distributors, ICurrentUser user)
    : ICommandHandler<CreateDistributorCommand, DistributorDto>
{
    private const string Insert = """
        INSERT INTO tenancy.distributors AS t (id, name, contact_email, is_active, version)
        VALUES (@Id, @Name, @ContactEmail, @IsActive, 1)
        """;

    public async ValueTask<DistributorDto> Handle(CreateDistributorCommand command, CancellationToken cancellationToken)
    {
        // Distributors hold tenants:write for their own subtree; only the platform's operators add distributors.
        if (user.Scope.Kind != ScopeKind.Everything)
        {
            throw new AppException(ErrorKind.Forbidden, ErrorCodes.Forbidden, "Only a superadmin can create distributors.");
        }

        var distributor = Distributor.Create(command.Name!, command.ContactEmail);
        return await distributors.InsertAsync(Insert, new { distributor.Id, distributor.Name, distributor.ContactEmail, distributor.IsActive }, cancellationToken);
    }
}
