using System.Data.Common;
using System.Diagnostics;
using Dapper;
using EvaraTech.Domain;
using Npgsql;

namespace EvaraTech.Benchmarks;

/// <summary>
/// Database-side timings as the application experiences them: on the application login, inside a transaction that
/// starts with the caller's user context (as DbSession does), so row-level security is part of every figure. The
/// context is set before the clock starts; the transaction is rolled back after it stops.
/// </summary>
public static class InContext
{
    public static async Task<T> RunAsync<T>(NpgsqlConnection connection, TenantScope scope, Func<NpgsqlTransaction, Task<T>> work)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        var role = scope.Kind == ScopeKind.Everything ? "superadmin" : "distributor";
        await connection.ExecuteAsync("SELECT tenancy.set_user_context(@User, @Role, @DistributorId, NULL)",
            new { User = Guid.NewGuid(), Role = role, scope.DistributorId }, transaction);
        var result = await work(transaction);
        await transaction.RollbackAsync();
        return result;
    }

    /// <summary>Times <paramref name="query"/> (given the sample number, for varying its inputs) after a warm-up.</summary>
    public static async Task<LatencyRecorder.Figures> MeasureAsync(
        NpgsqlConnection connection, TenantScope scope, string name, string target, int warmup, int samples,
        Func<int, NpgsqlTransaction, Task> query)
    {
        var timings = new List<double>(samples);
        for (var i = 0; i < warmup + samples; i++)
        {
            var sample = i;
            var elapsed = await RunAsync(connection, scope, async transaction =>
            {
                var started = Stopwatch.GetTimestamp();
                await query(sample, transaction);
                return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            });
            if (i >= warmup)
            {
                timings.Add(elapsed);
            }
        }

        return LatencyRecorder.Summarise(name, target, timings);
    }

    /// <summary>Reads every row of every result off the reader, so a figure ends with the last row received.</summary>
    public static async Task ReadAllAsync(DbDataReader reader)
    {
        var values = new object[64];
        do
        {
            while (await reader.ReadAsync())
            {
                reader.GetValues(values);
            }
        }
        while (await reader.NextResultAsync());
    }
}
