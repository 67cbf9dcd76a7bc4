using EvaraTech.Domain;
using EvaraTech.Infrastructure.Database;
using Npgsql;

namespace EvaraTech.IntegrationTests.Tenancy;

/// <summary>
/// Tenant scope is decided in three places: <see cref="TenantScope.Contains"/> (C#), <see cref="ScopeFilter"/> (the
/// predicate every statement carries) and <c>tenancy.in_scope</c> (row-level security). Over a generated matrix of
/// callers and ownership paths, the three must admit exactly the same rows.
/// </summary>
public sealed class ScopeAgreementTests
{
    private static readonly Guid D1 = Guid.NewGuid(), D2 = Guid.NewGuid(), D3 = Guid.NewGuid();
    private static readonly Guid C1 = Guid.NewGuid(), C2 = Guid.NewGuid(), C3 = Guid.NewGuid();

    /// <summary>Every ownership path over two distributors and two customers, the unowned parts included.</summary>
    private static readonly (Guid? Distributor, Guid? Customer)[] Rows =
    [
        .. from distributor in new Guid?[] { D1, D2, null }
           from customer in new Guid?[] { C1, C2, null }
           select (distributor, customer),
    ];

    /// <summary>Each caller with the role and ids <c>DbSession</c> gives the database for it.</summary>
    private static IEnumerable<TestCaseData> Callers()
    {
        yield return Caller("superadmin", TenantScope.Everything, "superadmin", null, null);
        yield return Caller("the platform's own work", TenantScope.Everything, "system", null, null);
        yield return Caller("no tenant", TenantScope.Nothing, "customer", null, null);
        foreach (var distributor in new[] { D1, D2, D3 })
        {
            yield return Caller($"distributor {Name(distributor)}", TenantScope.OfDistributor(distributor), "distributor", distributor, null);
        }

        foreach (var (distributor, customer) in new[] { (D1, C1), (D2, C2), (D1, C2), (D3, C3) })
        {
            yield return Caller($"customer {Name(customer)} of {Name(distributor)}", TenantScope.OfCustomer(distributor, customer), "customer", distributor, customer);
        }
    }

    [TestCaseSource(nameof(Callers))]
    public async Task The_filter_the_domain_and_row_level_security_admit_the_same_rows(TenantScope scope, string role, Guid? distributor, Guid? customer)
    {
        var rows = Rows.Select((r, i) => (Id: i, r.Distributor, r.Customer)).ToArray();
        var inMemory = rows.Where(r => scope.Contains(r.Distributor, r.Customer)).Select(r => r.Id);

        await using var connection = new NpgsqlConnection(Platform.Database.AdminConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var context = new NpgsqlCommand("SELECT tenancy.set_user_context(NULL, @Role, @Distributor, @Customer)", connection, transaction))
        {
            context.Parameters.AddWithValue("Role", role);
            context.Parameters.AddWithValue("Distributor", NpgsqlTypes.NpgsqlDbType.Uuid, (object?)distributor ?? DBNull.Value);
            context.Parameters.AddWithValue("Customer", NpgsqlTypes.NpgsqlDbType.Uuid, (object?)customer ?? DBNull.Value);
            await context.ExecuteNonQueryAsync();
        }

        var filtered = await IdsAsync(connection, transaction, ScopeFilter.Sql(scope, new Ownership("r.d", "r.c")), scope, rows);
        var rowLevelSecurity = await IdsAsync(connection, transaction, "tenancy.in_scope(r.d, r.c)", scope, rows);

        Assert.Multiple(() =>
        {
            Assert.That(filtered, Is.EquivalentTo(inMemory), "ScopeFilter against TenantScope.Contains");
            Assert.That(rowLevelSecurity, Is.EquivalentTo(inMemory), "tenancy.in_scope against TenantScope.Contains");
        });
    }

    [Test]
    public void The_matrix_admits_and_refuses_rows_for_every_kind_of_caller()
    {
        var counts = Callers().Select(c => Rows.Count(r => ((TenantScope)c.Arguments[0]!).Contains(r.Distributor, r.Customer))).ToArray();

        Assert.That(counts, Does.Contain(0).And.Contain(Rows.Length).And.Some.InRange(1, Rows.Length - 1));
    }

    private static async Task<List<int>> IdsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string predicate, TenantScope scope, (int Id, Guid? Distributor, Guid? Customer)[] rows)
    {
        var sql = $"SELECT r.i FROM unnest(@Ids, @Distributors, @Customers) AS r(i, d, c) WHERE {predicate}";
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("Ids", rows.Select(r => r.Id).ToArray());
        command.Parameters.AddWithValue("Distributors", rows.Select(r => r.Distributor).ToArray());
        command.Parameters.AddWithValue("Customers", rows.Select(r => r.Customer).ToArray());
        command.Parameters.AddWithValue("ScopeDistributorId", NpgsqlTypes.NpgsqlDbType.Uuid, (object?)scope.DistributorId ?? DBNull.Value);
        command.Parameters.AddWithValue("ScopeCustomerId", NpgsqlTypes.NpgsqlDbType.Uuid, (object?)scope.CustomerId ?? DBNull.Value);
        var ids = new List<int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt32(0));
        }

        return ids;
    }

    private static TestCaseData Caller(string name, TenantScope scope, string role, Guid? distributor, Guid? customer) =>
        new TestCaseData(scope, role, distributor, customer).SetArgDisplayNames(name);

    private static string Name(Guid id) =>
        id == D1 ? "D1" : id == D2 ? "D2" : id == D3 ? "D3" : id == C1 ? "C1" : id == C2 ? "C2" : "C3";
}
