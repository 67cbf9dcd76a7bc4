using System.Diagnostics;
using Npgsql;

namespace EvaraTech.Benchmarks;

/// <summary>
/// Sees a tank's pushed reading and then its alert become visible, from a connection of its own that polls every
/// 2 ms (the platform has no LISTEN/NOTIFY, and a trigger added for the benchmark would change what it measures). Each
/// commit is seen within a poll of happening, both alike, so their difference is good to about a poll.
/// </summary>
public sealed class AlertWatcher : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(2);

    /// <summary>Longer than any alert should take; the outbox sweeper, which would retry a failed dispatch, is not running.</summary>
    private static readonly TimeSpan GiveUp = TimeSpan.FromSeconds(30);

    // 0: nothing yet; 1: the reading; 2: its alert (committed after the reading, whose commit dispatches the event).
    // The reading is looked for in the last hour only, so only the current week's partition is searched.
    private const string Progress = """
        SELECT CASE WHEN EXISTS (SELECT 1 FROM alerts.alert_history WHERE node_id = @Node) THEN 2
                    WHEN EXISTS (SELECT 1 FROM telemetry.telemetry_tank WHERE node_id = @Node AND "timestamp" > now() - interval '1 hour') THEN 1
                    ELSE 0 END
        """;

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlParameter<Guid> _node = new() { ParameterName = "Node" };
    private readonly NpgsqlCommand _progress;

    private AlertWatcher(NpgsqlConnection connection)
    {
        _connection = connection;
        _progress = new NpgsqlCommand(Progress, connection) { Parameters = { _node } };
    }

    public static async Task<AlertWatcher> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var watcher = new AlertWatcher(connection);
        await watcher._progress.PrepareAsync();
        return watcher;
    }

    /// <returns>from the moment <paramref name="node"/>'s reading was seen to the moment its alert was</returns>
    public async Task<TimeSpan> WatchAsync(Guid node)
    {
        _node.TypedValue = node;
        var started = Stopwatch.GetTimestamp();
        long? accepted = null;
        while (Stopwatch.GetElapsedTime(started) < GiveUp)
        {
            var progress = (int)(await _progress.ExecuteScalarAsync())!;
            var seen = Stopwatch.GetTimestamp();
            accepted ??= progress > 0 ? seen : null;
            if (progress == 2)
            {
                return Stopwatch.GetElapsedTime(accepted!.Value, seen);
            }

            await Task.Delay(Interval);
        }

        throw new TimeoutException($"No alert for {node} within {GiveUp.TotalSeconds} s of watching.");
    }

    public async ValueTask DisposeAsync()
    {
        await _progress.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
