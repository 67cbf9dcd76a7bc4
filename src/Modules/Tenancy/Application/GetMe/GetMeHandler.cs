using EvaraTech.Modules.Tenancy.Authentication;

namespace EvaraTech.Modules.Tenancy.Application.GetMe;

public sealed class GetMeHandler(CurrentUser user) : IQueryHandler<GetMeQuery, MeResponse>
{
    public ValueTask<MeResponse> Handle(GetMeQuery query, CancellationToken cancellationToken)
    {
        // The profile was read from the database for this very request by the authentication step.
        var profile = user.Profile!;
        return ValueTask.FromResult(new MeResponse(
            profile.Id, profile.Email, profile.DisplayName, profile.Role.ToString().ToLowerInvariant(), profile.Plan,
            profile.DistributorId, profile.CustomerId, [.. Permissions.Granted[profile.Role].Order(StringComparer.Ordinal)]));
    }
}
