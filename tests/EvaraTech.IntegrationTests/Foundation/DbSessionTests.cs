using Dapper;
using EvaraTech.Application.Security;
using EvaraTech.Infrastructure.Database;
using EvaraTech.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Foundation;

/// <summary>A request's database session: a query may end its reads before it waits on something outside; a command may not.</summary>
public sealed class DbSessionTests
{
    [Test]
    public async Task A_query_ends_its_reads_and_reads_again_in_another_transaction_but_a_command_cannot_end_its_own()
    {
        await using var scope = Platform.Api.Services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ICurrentUser>().ActAsSystem();
        var db = scope.ServiceProvider.GetRequiredService<DbSession>();

        var first = await TransactionIdAsync(db);
        await db.EndReadsAsync();
        var ended = db.Transaction;
        var second = await TransactionIdAsync(db);
        await db.BeginAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(ended, Is.Null);
            Assert.That(second, Is.Not.EqualTo(first));
            Assert.That(async () => await db.EndReadsAsync(), Throws.InvalidOperationException);
        });
        await db.RollbackAsync(CancellationToken.None);
    }

    private static async Task<long> TransactionIdAsync(DbSession db)
    {
        var connection = await db.ConnectionAsync(CancellationToken.None);
        return await connection.QuerySingleAsync<long>("SELECT txid_current()", transaction: db.Transaction);
    }
}
