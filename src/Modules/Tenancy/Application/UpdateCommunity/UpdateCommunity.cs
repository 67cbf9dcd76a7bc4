using EvaraTech.Modules.Tenancy.Domain;
using EvaraTech.Modules.Tenancy.Persistence;

namespace EvaraTech.Modules.Tenancy.Application.UpdateCommunity;

[RequiresPermission(Permissions.TenantsWrite)]
[Audited(AuditAction.Update, "community")]
public sealed record UpdateCommunityCommand(Guid Id, long ExpectedVersion, string? Name, string? Slug, bool IsActive) : ICommand<CommunityDto>;

public sealed class UpdateCommunityValidator : AbstractValidator<UpdateCommunityCommand>
{
    public UpdateCommunityValidator()
    {
        RuleFor(c => c.Name).NotEmpty().MaximumLength(200);
        RuleFor(c => c.Slug).NotEmpty().MaximumLength(100);
    }
}

public sealed class UpdateCommunityHandler(ScopedTable<CommunityDto> communities, ICurrentUser user, AuditContext audit)
    : ICommandHandler<UpdateCommunityCommand, CommunityDto>
{
    public async ValueTask<CommunityDto> Handle(UpdateCommunityCommand command, CancellationToken cancellationToken)
    {
        var row = await communities.FindAsync(command.Id, user.Scope, cancellationToken) ?? throw AppException.NotFound("Community");
        audit.Changing(row);
        var community = new Community(row.Id, command.ExpectedVersion, row.DistributorId, row.Name, row.Slug, row.IsActive);
        community.Change(command.Name!, command.Slug!, command.IsActive);

        var updated = await communities.UpdateAsync(community.Id, community.Version, "name = @Name, slug = @Slug, is_active = @IsActive",
            new { community.Name, community.Slug, community.IsActive }, user.Scope, cancellationToken);
        return updated;
    }
}
