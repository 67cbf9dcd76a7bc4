using System.Text.Json.Nodes;
using EvaraTech.Application.Auditing;
using EvaraTech.Application.Security;
using EvaraTech.Infrastructure.Database;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.Benchmarks;

/// <summary>
/// What auditing adds to a command: the audit insert inside the command's transaction, timed alone (the commit is
/// the command's own and is not counted).
/// </summary>
public static class AuditLatency
{
    public static async Task<LatencyRecorder.Figures> MeasureAsync(IServiceProvider services)
    {
        var metadata = new JsonObject
        {
            ["changes"] = new JsonObject { ["name"] = new JsonObject { ["from"] = "Green Valley", ["to"] = "Green Valley Phase 2" } },
        };
        var timings = new List<double>();

        async Task OneCommandAsync(bool record)
        {
            await using var scope = services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<ICurrentUser>().ActAsSystem();
            var db = scope.ServiceProvider.GetRequiredService<DbSession>();
            var trail = scope.ServiceProvider.GetRequiredService<IAuditTrail>();
            await db.BeginAsync(CancellationToken.None);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await trail.RecordAsync(new AuditEntry(AuditAction.Update, "community", Guid.NewGuid().ToString(), metadata), CancellationToken.None);
            if (record)
            {
                timings.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            await db.CommitAsync(CancellationToken.None);
        }

        for (var i = 0; i < 300; i++)
        {
            await OneCommandAsync(record: false);
        }

        for (var i = 0; i < 3000; i++)
        {
            await OneCommandAsync(record: true);
        }

        return LatencyRecorder.Summarise("audit record added per command (insert in the command's tx)", "p50 < 1 ms", timings);
    }
}
