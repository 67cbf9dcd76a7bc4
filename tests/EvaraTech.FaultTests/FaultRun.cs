using System.Diagnostics;
using System.Globalization;
using Dapper;
using EvaraTech.Simulator;
using EvaraTech.Simulator.Channels;
using EvaraTech.Simulator.Faults;
using EvaraTech.Simulator.Signals;
using EvaraTech.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EvaraTech.FaultTests;

/// <summary>One fault and what came of it.</summary>
/// <param name="ReadySeconds">from the fault's end until both instances answer <c>/health/ready</c></param>
/// <param name="PollingSeconds">from the fault's end until every polled node has been polled successfully again</param>
/// <param name="SettledSeconds">from the fault's end until every event was delivered and every notification sent</param>
/// <param name="Kills">instances killed (SIGKILL) so far in the run</param>
public sealed record FaultRow(
    string Fault, double ReadySeconds, double PollingSeconds, double SettledSeconds, FaultCounts Counts, int Unavailable, int OtherServerErrors, int Refused,
    int Kills);

/// <summary>
/// Two API processes (Release build, Development, their own Hangfire servers) on a PostgreSQL cluster and a Redis of
/// the run's own, the ThingSpeak simulator for their pollers and a webhook receiver; devices push unique readings to
/// both. One fault after another: Redis stopped, PostgreSQL restarted mid-ingest, one instance killed (SIGKILL)
/// mid-poll and started again, then stopped (SIGTERM) mid-poll and started again, the simulator stalled, PostgreSQL's
/// connection slots filled. After each: how long until ready and polling again, then, with the devices paused and the
/// event queues drained, the counts.
/// </summary>
public sealed class FaultRun(FaultRunSettings settings, Action<string> log)
{
    private const string UrlA = "http://127.0.0.1:55480";
    private const string UrlB = "http://127.0.0.1:55481";
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromMinutes(3);

    private PlatformProcess? _a;
    private PlatformProcess? _b;
    private int _kills;

    public async Task<IReadOnlyList<FaultRow>> RunAsync()
    {
        await using var postgres = await PrivatePostgres.CreateAsync();
        using var redis = new PrivateRedis();
        redis.Start();
        await using var webhooks = await WebhookReceiver.StartAsync();
        var simulator = SimulatorHost.Build(["--urls", "http://127.0.0.1:0", "--channels", $"{settings.PolledNodes}", "--interval", "5", "--history-days", "1"]);
        await simulator.StartAsync();
        try
        {
            var environment = Environment(postgres, redis, simulator.Urls.Single());
            _a = await PlatformProcess.StartAsync(UrlA, environment, "faults-a"); // migrates
            var seededAt = DateTimeOffset.UtcNow;
            var world = await FaultWorld.SeedAsync(postgres.AdminConnectionString, settings, new Uri(webhooks.Url));
            _b = await PlatformProcess.StartAsync(UrlB, environment, "faults-b");
            var tally = new FaultTally(postgres.AdminConnectionString, world, simulator.Services.GetRequiredService<FeedGenerator>(),
                simulator.Services.GetRequiredService<ChannelCatalog>(), seededAt);
            await using var pushers = new DevicePushers(world, () => [_a.BaseAddress, _b.BaseAddress], settings.PushEvery);
            pushers.Start();

            var rows = new List<FaultRow>();
            async Task Fault(string name, Func<Task<DateTimeOffset>> inflict)
            {
                await Task.Delay(settings.Steady);
                log($"fault run: {name}");
                var cleared = await inflict();
                var row = await RecoverAndCountAsync(name, cleared, postgres, pushers, tally, webhooks);
                log($"fault run: {Format(row)}");
                rows.Add(row);
            }

            await Fault("none (steady load)", () => Task.FromResult(DateTimeOffset.UtcNow));
            await Fault($"Redis stopped for {settings.RedisDown.TotalSeconds:F0} s", async () =>
            {
                redis.Kill();
                await Task.Delay(settings.RedisDown);
                redis.Start();
                return DateTimeOffset.UtcNow;
            });
            await Fault("PostgreSQL restarted mid-ingest", async () =>
            {
                await postgres.StopAsync();
                await postgres.StartAsync();
                return DateTimeOffset.UtcNow;
            });
            await Fault("instance B killed (SIGKILL) mid-poll, started again", async () =>
            {
                await WaitUntilPollingAsync(postgres, _b);
                _b.Kill();
                _kills++;
                var killed = DateTimeOffset.UtcNow;
                _b.Dispose();
                _b = await PlatformProcess.StartAsync(UrlB, environment, "faults-b");
                return killed;
            });
            await Fault("instance B stopped (SIGTERM) mid-poll, started again", async () =>
            {
                await WaitUntilPollingAsync(postgres, _b);
                var stopped = DateTimeOffset.UtcNow;
                await _b.TerminateAsync(TimeSpan.FromSeconds(60));
                _b.Dispose();
                _b = await PlatformProcess.StartAsync(UrlB, environment, "faults-b");
                return stopped;
            });
            await Fault($"simulator stalled for {settings.SimulatorStall.TotalSeconds:F0} s", async () =>
            {
                var faults = simulator.Services.GetRequiredService<FaultRegistry>();
                faults.Set(new FaultSettings { StallSeconds = 60 });
                await Task.Delay(settings.SimulatorStall);
                faults.Clear();
                return DateTimeOffset.UtcNow;
            });
            await Fault($"PostgreSQL's connection slots filled for {settings.PoolFilled.TotalSeconds:F0} s", async () =>
            {
                var held = await FillConnectionSlotsAsync(postgres);
                log($"fault run: holding {held.Count} connections");
                await Task.Delay(settings.PoolFilled);
                foreach (var connection in held)
                {
                    await connection.DisposeAsync();
                }

                return DateTimeOffset.UtcNow;
            });
            return rows;
        }
        finally
        {
            _a?.Dispose();
            _b?.Dispose();
            await simulator.StopAsync();
            await simulator.DisposeAsync();
        }
    }

    private Dictionary<string, string> Environment(PrivatePostgres postgres, PrivateRedis redis, string simulatorUrl) => new()
    {
        ["ConnectionStrings__Postgres"] = postgres.AppConnectionString,
        ["ConnectionStrings__PostgresAdmin"] = postgres.AdminConnectionString,
        ["ConnectionStrings__Redis"] = redis.ConnectionString,
        ["ThingSpeak__BaseUrl"] = simulatorUrl + "/",
        ["ThingSpeak__AttemptTimeoutSeconds"] = "2",
        ["ThingSpeak__TotalTimeoutSeconds"] = "5",
        ["Demo__Seed"] = "false",
        ["Notifications__AllowPrivateNetworkWebhooks"] = "true",
        // A cycle every 5 s, each node due every 10 s: recovery is measured in seconds, not in minutes.
        ["Polling__IntervalSeconds"] = "10",
        ["Polling__SpreadSeconds"] = "2",
        ["Polling__BackfillHours"] = "0.05",
        ["Polling__PollTimeoutSeconds"] = "10",
        ["Jobs__Schedules__telemetry-thingspeak-poll"] = "*/5 * * * * *",
        ["Jobs__Schedules__outbox-sweep"] = "*/10 * * * * *",
        ["Jobs__Schedules__alerts-notification-repeats"] = "*/10 * * * * *",
        ["Notifications__UnattemptedAfterSeconds"] = "20",
        ["Jobs__QueuePollIntervalSeconds"] = "1",
        ["Jobs__SchedulePollingIntervalSeconds"] = "1",
    };

    private async Task<FaultRow> RecoverAndCountAsync(
        string fault, DateTimeOffset cleared, PrivatePostgres postgres, DevicePushers pushers, FaultTally tally, WebhookReceiver webhooks)
    {
        log("fault run: cleared; waiting for recovery");
        var ready = await SecondsUntilAsync(cleared, async () => await _a!.IsReadyAsync() && await _b!.IsReadyAsync());
        var polling = await SecondsUntilAsync(cleared, async () =>
            await QueryAsync(postgres, "SELECT min(last_success_at) >= @cleared FROM telemetry.poll_schedule", new { cleared }) is true);

        log("fault run: recovered; draining");
        pushers.Pause();
        await pushers.QuietAsync();
        var settled = await SecondsUntilAsync(cleared, async () => await QueryAsync(postgres, """
            SELECT NOT EXISTS (SELECT 1 FROM integration.outbox WHERE dispatched_at IS NULL)
               AND NOT EXISTS (SELECT 1 FROM alerts.alert_notifications WHERE status = 'pending')
            """, null) is true);
        log("fault run: counting");
        var counts = await tally.CountAsync([.. pushers.Sent], [.. pushers.Acknowledged], webhooks);
        pushers.Resume();
        return new FaultRow(fault, ready, polling, settled, counts, pushers.Unavailable, pushers.OtherServerErrors, pushers.Refused, _kills);
    }

    /// <returns>seconds from <paramref name="since"/> until <paramref name="condition"/> held, or -1 when it did not within the limit</returns>
    private static async Task<double> SecondsUntilAsync(DateTimeOffset since, Func<Task<bool>> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < RecoveryLimit)
        {
            try
            {
                if (await condition())
                {
                    return (DateTimeOffset.UtcNow - since).TotalSeconds;
                }
            }
            catch (NpgsqlException)
            {
                // The database is not back yet.
            }

            await Task.Delay(250);
        }

        return -1;
    }

    private static async Task<bool?> QueryAsync(PrivatePostgres postgres, string sql, object? parameters)
    {
        await using var connection = new NpgsqlConnection(postgres.AdminConnectionString);
        await connection.OpenAsync();
        return await connection.ExecuteScalarAsync<bool?>(sql, parameters);
    }

    /// <summary>Waits (up to 20 s) until <paramref name="instance"/> holds leases on nodes it is polling.</summary>
    private static async Task WaitUntilPollingAsync(PrivatePostgres postgres, PlatformProcess instance)
    {
        var owner = $"%:{instance.ProcessId}:%";
        for (var attempt = 0; attempt < 400; attempt++)
        {
            if (await QueryAsync(postgres, "SELECT EXISTS (SELECT 1 FROM telemetry.poll_schedule WHERE lease_owner LIKE @owner AND lease_until > now())",
                    new { owner }) is true)
            {
                return;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Opens connections as the application's login until PostgreSQL refuses more.</summary>
    private static async Task<List<NpgsqlConnection>> FillConnectionSlotsAsync(PrivatePostgres postgres)
    {
        var held = new List<NpgsqlConnection>();
        while (true)
        {
            var connection = new NpgsqlConnection(postgres.AppConnectionString + ";Pooling=false");
            try
            {
                await connection.OpenAsync();
                held.Add(connection);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.TooManyConnections)
            {
                await connection.DisposeAsync();
                return held;
            }
        }
    }

    public static string Format(FaultRow row)
    {
        var c = row.Counts;
        return string.Create(CultureInfo.InvariantCulture,
            $"| {row.Fault} | {Seconds(row.ReadySeconds)} | {Seconds(row.PollingSeconds)} | {Seconds(row.SettledSeconds)} | {c.Acknowledged:N0} | {c.Lost} | {c.PolledEntries:N0} | {c.PolledLost} | {c.StoredTwice} | {c.Alerts:N0} | {c.AlertsTwice} | {c.AlertsMissed} | {c.WebhooksNotOnce} | {c.WebhooksResent} | {row.Unavailable} | {row.OtherServerErrors} |");
    }

    public const string Header = """
        | fault | ready after (s) | polling after (s) | events settled after (s) | pushed readings acknowledged | lost | polled entries due | lost | stored twice | alerts | raised twice | missed | webhook not told once | webhook re-sent, same key | 503 + Retry-After | other 5xx |
        |---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
        """;

    private static string Seconds(double seconds) => seconds < 0 ? "not within 3 min" : seconds.ToString("F1", CultureInfo.InvariantCulture);
}
