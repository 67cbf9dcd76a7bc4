using EvaraTech.Modules.Telemetry.Domain;
using EvaraTech.Modules.Telemetry.Persistence;
using Npgsql;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// The writer's staging tables outlive a transaction (a pooled connection keeps them) and are emptied at commit: a batch
/// never sees rows of an earlier batch, whether it ran in the same transaction, in a committed one or in one rolled back.
/// </summary>
public sealed class StagingTableReuseTests : IntegrationTest
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Test]
    public async Task Two_batches_in_one_transaction_are_each_written_and_counted_once()
    {
        await using var connection = await TelemetryScenario.OpenWithNodesAsync(Database.AdminConnectionString);

        await using var transaction = await connection.BeginTransactionAsync();
        var first = await TelemetryWriter.WriteAsync(connection, transaction, Tank(0, 3), Now, WireMode.BinaryCopy, CancellationToken.None);
        var second = await TelemetryWriter.WriteAsync(connection, transaction, Tank(3, 2), Now, WireMode.BinaryCopy, CancellationToken.None);
        var stagedBySecond = await StagedRowsAsync(connection, transaction);
        await transaction.CommitAsync();

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(first, Is.EqualTo(new WriteResult(3, 3, 0, 0, 0)));
            Assert.That(second, Is.EqualTo(new WriteResult(2, 2, 0, 0, 0)));
            Assert.That(stagedBySecond, Is.EqualTo(2), "the second batch staged its own rows only");
            Assert.That(await TankRowsAsync(), Is.EqualTo(5));
        });
    }

    [Test]
    public async Task Committed_and_rolled_back_batches_leave_nothing_staged_for_the_next_transaction()
    {
        await using var connection = await TelemetryScenario.OpenWithNodesAsync(Database.AdminConnectionString);
        var committed = await TelemetryScenario.WriteAsync(connection, Tank(0, 3), Now, WireMode.BinaryCopy);
        await using (var rolledBack = await connection.BeginTransactionAsync())
        {
            await TelemetryWriter.WriteAsync(connection, rolledBack, Tank(10, 4), Now, WireMode.BinaryCopy, CancellationToken.None);
            await rolledBack.RollbackAsync();
        }

        var next = await TelemetryScenario.WriteAsync(connection, Tank(20, 1), Now, WireMode.BinaryCopy);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(committed, Is.EqualTo(new WriteResult(3, 3, 0, 0, 0)));
            Assert.That(next, Is.EqualTo(new WriteResult(1, 1, 0, 0, 0)));
            Assert.That(await TankRowsAsync(), Is.EqualTo(4), "the rolled-back batch stored nothing and left nothing behind");
            Assert.That(await StagedRowsAsync(connection), Is.Zero, "the connection's staging table is empty between transactions");
        });
    }

    /// <summary>Tank readings a minute apart, the first <paramref name="first"/> minutes before an hour ago.</summary>
    private static IReading[] Tank(int first, int count) =>
        [.. Enumerable.Range(first, count).Select(i => new TankReading(TelemetryScenario.Tank, Now.AddHours(-1).AddMinutes(-i), 100 + i))];

    private static Task<long> TankRowsAsync() => Database.ScalarAsync<long>("SELECT count(*) FROM telemetry.telemetry_tank");

    private static async Task<long> StagedRowsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction = null)
    {
        await using var command = new NpgsqlCommand("SELECT count(*) FROM telemetry_stage_tank", connection, transaction);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
