using EvaraTech.Modules.Tenancy.Domain;
using EvaraTech.Modules.Tenancy.Persistence;

namespace EvaraTech.Modules.Tenancy.Application.CreateCustomer;

[RequiresPermission(Permissions.TenantsWrite)]
[Audited(AuditAction.Create, "customer")]
public sealed record CreateCustomerCommand(Guid CommunityId, string? Name, string? ContactEmail) : ICommand<CustomerDto>;

public sealed class CreateCustomerValidator : AbstractValidator<CreateCustomerCommand>
{
    public CreateCustomerValidator()
    {
        RuleFor(c => c.CommunityId).NotEmpty();
        RuleFor(c => c.Name).NotEmpty().MaximumLength(200);
        RuleFor(c => c.ContactEmail).EmailAddress().MaximumLength(320);
    }
}

public sealed class CreateCustomerHandler(ScopedTable<CommunityDto> communities, ScopedTable<CustomerDto> customers, ICurrentUser user)
    : ICommandHandler<CreateCustomerCommand, CustomerDto>
{
    private const string Insert = """
        INSERT INTO tenancy.customers AS t (id, community_id, distributor_id, name, contact_email, is_active, version)
        VALUES (@Id, @CommunityId, @DistributorId, @Name, @ContactEmail, @IsActive, 1)
        """;

    public async ValueTask<CustomerDto> Handle(CreateCustomerCommand command, CancellationToken cancellationToken)
    {
        var row = await communities.FindAsync(command.CommunityId, user.Scope, cancellationToken)
            ?? throw new AppException(ErrorKind.NotFound, ErrorCodes.NotFound, "Community was not found.", "communityId");
        var community = new Community(row.Id, row.Version, row.DistributorId, row.Name, row.Slug, row.IsActive);

        var customer = Customer.Create(community, command.Name!, command.ContactEmail);
        return await customers.InsertAsync(Insert, new
        {
            customer.Id, customer.CommunityId, customer.DistributorId, customer.Name, customer.ContactEmail, customer.IsActive,
        }, cancellationToken);
    }
}
