using Dapper;
using EvaraTech.Modules.Tenancy.Authentication;
using Npgsql;

namespace EvaraTech.Benchmarks;

/// <summary>A platform user the benchmark acts as, with an access token for the API and the hub.</summary>
public sealed record BenchUser(Guid Id, string Role, string Token);

/// <summary>
/// Users for authenticated figures: a profile in <c>tenancy.users_profiles</c> (what the API loads behind a token's
/// <c>sub</c>), written as the owner, and a token from the host's own local issuer, so it is valid for that host.
/// </summary>
public static class BenchUsers
{
    private const string Insert = """
        INSERT INTO tenancy.users_profiles (id, email, display_name, role, distributor_id, customer_id)
        VALUES (@Id, @Email, @Email, @Role, @DistributorId, @CustomerId)
        """;

    /// <param name="role">superadmin, distributor or customer, with the tenant ids that role needs</param>
    public static async Task<BenchUser> AddAsync(
        string ownerConnectionString, LocalTokenIssuer issuer, string role, Guid? distributorId = null, Guid? customerId = null)
    {
        var id = Guid.CreateVersion7();
        var email = $"{role}-{id:N}@bench.evara.test";
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.ExecuteAsync(Insert, new { Id = id, Email = email, Role = role, DistributorId = distributorId, CustomerId = customerId });
        return new BenchUser(id, role, issuer.Issue(id, email).Token);
    }
}
