using System.Collections.Concurrent;
using Dapper;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace EvaraTech.IntegrationTests.Infrastructure.TestData;

/// <summary>Rows of the tenant hierarchy: distributors, communities, customers and users with a local password.</summary>
public static class Tenants
{
    // Hashing is deliberately slow; a world of users shares one password, so each password is hashed once per run.
    private static readonly ConcurrentDictionary<string, string> Hashes = new();

    /// <summary>A distributor; one already there is kept, so arrangements sharing a fixed distributor can each ask for it.</summary>
    public static async Task DistributorAsync(TestDatabase database, Guid id, string name = "Distributor")
    {
        await using var connection = await Rows.OpenAsync(database);
        await DistributorAsync(connection, id, name);
    }

    public static Task DistributorAsync(NpgsqlConnection connection, Guid id, string name = "Distributor") =>
        connection.ExecuteAsync("INSERT INTO tenancy.distributors (id, name) VALUES (@id, @name) ON CONFLICT (id) DO NOTHING", new { id, name });

    public static Task CommunityAsync(TestDatabase database, Guid id, Guid distributor, string name, string slug) =>
        Rows.InsertAsync(database, "INSERT INTO tenancy.communities (id, distributor_id, name, slug) VALUES (@id, @distributor, @name, @slug)",
            new { id, distributor, name, slug });

    public static Task CustomerAsync(TestDatabase database, Guid id, Guid community, Guid distributor, string name = "Customer") =>
        Rows.InsertAsync(database, "INSERT INTO tenancy.customers (id, community_id, distributor_id, name) VALUES (@id, @community, @distributor, @name)",
            new { id, community, distributor, name });

    /// <summary>A user profile of <paramref name="role"/> that signs in with <paramref name="password"/>.</summary>
    public static Task UserAsync(TestDatabase database, TestUser user, string displayName, string role, string password, Guid? distributor = null,
        Guid? customer = null, bool active = true) => Rows.InsertAsync(database, """
            INSERT INTO tenancy.users_profiles (id, email, display_name, role, distributor_id, customer_id, is_active)
            VALUES (@Id, @Email, @displayName, @role, @distributor, @customer, @active);
            INSERT INTO tenancy.local_credentials (user_id, password_hash) VALUES (@Id, @hash);
            """,
        new { user.Id, user.Email, displayName, role, distributor, customer, active, hash = Hashes.GetOrAdd(password, p => new PasswordHasher<object>().HashPassword(new object(), p)) });
}
