using Npgsql;

namespace EvaraTech.IntegrationTests.Tenancy;

/// <summary>
/// The backstop: queries with no scope filter at all, run as the application's role, still see only the
/// caller's subtree, because row-level security applies the same rule from the transaction's user context.
/// </summary>
public sealed class RowLevelSecurityTests : TenantWorldTest
{
    private static async Task<List<Guid>> UnfilteredIdsAsync(string table, string? role, Guid? distributorId, Guid? customerId)
    {
        await using var connection = new NpgsqlConnection(Database.AppConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var context = new NpgsqlCommand("SELECT tenancy.set_user_context(NULL, @role, @distributor, @customer)", connection, transaction))
        {
            context.Parameters.AddWithValue("role", (object?)role ?? DBNull.Value);
            context.Parameters.AddWithValue("distributor", (object?)distributorId ?? DBNull.Value);
            context.Parameters.AddWithValue("customer", (object?)customerId ?? DBNull.Value);
            await context.ExecuteNonQueryAsync();
        }

        await using var query = new NpgsqlCommand($"SELECT id FROM tenancy.{table}", connection, transaction);
        await using var reader = await query.ExecuteReaderAsync();
        var ids = new List<Guid>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    [Test]
    public async Task A_customer_sees_only_its_own_customer_row()
    {
        var ids = await UnfilteredIdsAsync("customers", "customer", World.Distributor1, World.Customer1);

        Assert.That(ids, Is.EquivalentTo(new[] { World.Customer1 }));
    }

    [Test]
    public async Task A_distributor_sees_its_subtree_and_nothing_of_another()
    {
        var communities = await UnfilteredIdsAsync("communities", "distributor", World.Distributor1, null);
        var customers = await UnfilteredIdsAsync("customers", "distributor", World.Distributor1, null);
        var users = await UnfilteredIdsAsync("users_profiles", "distributor", World.Distributor1, null);

        Assert.Multiple(() =>
        {
            Assert.That(communities, Is.EquivalentTo(new[] { World.Community1 }));
            Assert.That(customers, Is.EquivalentTo(new[] { World.Customer1 }));
            Assert.That(users, Is.EquivalentTo(new[] { World.DistributorUser1.Id, World.CustomerUser1.Id, World.InactiveUser.Id }));
        });
    }

    [Test]
    public async Task Without_a_user_context_nothing_is_visible()
    {
        var ids = await UnfilteredIdsAsync("distributors", null, null, null);

        Assert.That(ids, Is.Empty);
    }

    [Test]
    public async Task A_superadmin_sees_every_tenant()
    {
        var ids = await UnfilteredIdsAsync("distributors", "superadmin", null, null);

        Assert.That(ids, Is.EquivalentTo(new[] { World.Distributor1, World.Distributor2 }));
    }

    [Test]
    public async Task Writing_a_row_into_another_tenant_is_refused()
    {
        await using var connection = new NpgsqlConnection(Database.AppConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var context = new NpgsqlCommand("SELECT tenancy.set_user_context(NULL, 'distributor', @d1, NULL)", connection, transaction))
        {
            context.Parameters.AddWithValue("d1", World.Distributor1);
            await context.ExecuteNonQueryAsync();
        }

        // A raw INSERT on purpose: this statement, sent as the application role, is what row-level security must refuse.
        await using var insert = new NpgsqlCommand(
            "INSERT INTO tenancy.communities (id, distributor_id, name, slug) VALUES (@id, @d2, 'Sneaky', 'sneaky')", connection, transaction);
        insert.Parameters.AddWithValue("id", Guid.CreateVersion7());
        insert.Parameters.AddWithValue("d2", World.Distributor2);

        var failure = Assert.ThrowsAsync<PostgresException>(() => insert.ExecuteNonQueryAsync());
        Assert.That(failure!.SqlState, Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
    }
}
