namespace EvaraTech.Modules.Tenancy.Application.GetMe;

/// <summary>The caller's own profile, role, permissions and scope.</summary>
[Authenticated]
public sealed record GetMeQuery : IQuery<MeResponse>;

public sealed record MeResponse(
    Guid Id, string Email, string DisplayName, string Role, string Plan, Guid? DistributorId, Guid? CustomerId,
    IReadOnlyList<string> Permissions);
