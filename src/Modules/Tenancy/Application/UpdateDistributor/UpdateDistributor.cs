using EvaraTech.Modules.Tenancy.Domain;
using EvaraTech.Modules.Tenancy.Persistence;

namespace EvaraTech.Modules.Tenancy.Application.UpdateDistributor;

[RequiresPermission(Permissions.TenantsWrite)]
[Audited(AuditAction.Update, "distributor")]
public sealed record UpdateDistributorCommand(Guid Id, long ExpectedVersion, string? Name, string? ContactEmail, bool IsActive) : ICommand<DistributorDto>;

public sealed class UpdateDistributorValidator : AbstractValidator<UpdateDistributorCommand>
{
    public UpdateDistributorValidator()
    {
        RuleFor(c => c.Name).NotEmpty().MaximumLength(200);
        RuleFor(c => c.ContactEmail).EmailAddress().MaximumLength(320);
    }
}

public sealed class UpdateDistributorHandler(ScopedTable<DistributorDto> distributors, ICurrentUser user, AuditContext audit)
    : ICommandHandler<UpdateDistributorCommand, DistributorDto>
{
    public async ValueTask<DistributorDto> Handle(UpdateDistributorCommand command, CancellationToken cancellationToken)
    {
        var row = await distributors.FindAsync(command.Id, user.Scope, cancellationToken) ?? throw AppException.NotFound("Distributor");
        audit.Changing(row);
        var distributor = new Distributor(row.Id, command.ExpectedVersion, row.Name, row.ContactEmail, row.IsActive);
        distributor.Change(command.Name!, command.ContactEmail, command.IsActive);

        var updated = await distributors.UpdateAsync(distributor.Id, distributor.Version, "name = @Name, contact_email = @ContactEmail, is_active = @IsActive",
            new { distributor.Name, distributor.ContactEmail, distributor.IsActive }, user.Scope, cancellationToken);
        return updated;
    }
}
