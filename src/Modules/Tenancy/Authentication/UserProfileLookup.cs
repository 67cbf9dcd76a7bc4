using Dapper;
using Npgsql;

namespace EvaraTech.Modules.Tenancy.Authentication;

/// <summary>Loads the profile behind a token's <c>sub</c> on every request, so role changes apply at once (docs/adr/0006-role-read-from-database-per-request.md).</summary>
public sealed class UserProfileLookup(NpgsqlDataSource dataSource)
{
    // A SECURITY DEFINER function: the caller's context cannot exist before we know who the caller is.
    private const string FindProfile = """
        SELECT id, email, display_name AS DisplayName, role, plan, distributor_id AS DistributorId,
               customer_id AS CustomerId, is_active AS IsActive
        FROM tenancy.find_user_for_authentication(@UserId)
        """;

    public async Task<UserProfile?> FindAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ProfileRow>(
            new CommandDefinition(FindProfile, new { UserId = userId }, cancellationToken: cancellationToken));
        return row?.ToProfile();
    }

    internal sealed record ProfileRow(
        Guid Id, string Email, string DisplayName, string Role, string Plan, Guid? DistributorId, Guid? CustomerId, bool IsActive)
    {
        public UserProfile ToProfile() => new(
            Id, Email, DisplayName, Enum.Parse<Role>(Role, ignoreCase: true), Plan, DistributorId, CustomerId, IsActive);
    }
}
