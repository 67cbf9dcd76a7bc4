using EvaraTech.Modules.Tenancy.Domain;
using EvaraTech.Modules.Tenancy.Persistence;

namespace EvaraTech.Modules.Tenancy.Application.CreateCommunity;

[RequiresPermission(Permissions.TenantsWrite)]
[Audited(AuditAction.Create, "community")]
public sealed record CreateCommunityCommand(Guid DistributorId, string? Name, string? Slug) : ICommand<CommunityDto>;

public sealed class CreateCommunityValidator : AbstractValidator<CreateCommunityCommand>
{
    public CreateCommunityValidator()
    {
        RuleFor(c => c.DistributorId).NotEmpty();
        RuleFor(c => c.Name).NotEmpty().MaximumLength(200);
        RuleFor(c => c.Slug).NotEmpty().MaximumLength(100);
    }
}

public sealed class CreateCommunityHandler(ScopedTable<DistributorDto> distributors, ScopedTable<CommunityDto> communities, ICurrentUser user)
    : ICommandHandler<CreateCommunityCommand, CommunityDto>
{
    private const string Insert = """
        INSERT INTO tenancy.communities AS t (id, distributor_id, name, slug, is_active, version)
        VALUES (@Id, @DistributorId, @Name, @Slug, @IsActive, 1)
        """;

    public async ValueTask<CommunityDto> Handle(CreateCommunityCommand command, CancellationToken cancellationToken)
    {
        // The parent must be in the caller's scope; another tenant's distributor does not exist for them.
        _ = await distributors.FindAsync(command.DistributorId, user.Scope, cancellationToken)
            ?? throw new AppException(ErrorKind.NotFound, ErrorCodes.NotFound, "Distributor was not found.", "distributorId");

        var community = Community.Create(command.DistributorId, command.Name!, command.Slug!);
        return await communities.InsertAsync(Insert,
            new { community.Id, community.DistributorId, community.Name, community.Slug, community.IsActive }, cancellationToken);
    }
}
