using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Runtime;
using EvaraTech.Infrastructure.Messaging;
using EvaraTech.Modules.Nodes.Persistence;
using EvaraTech.TestSupport;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Npgsql;

namespace EvaraTech.Benchmarks;

/// <summary>
/// The embedded MQTT broker: 1,000 tanks connected at once, each publishing ThingSpeak entries at QoS 1 (the next after
/// the acknowledgement of the one before), stored messages per second beside the HTTP bulk path (bulk_update.json, the
/// same entries, in-process) in the same run; publish → PUBACK at a steady 1,000 messages a second; and the memory 1,000
/// idle connections take (clients and broker share this process, so it is an upper bound of the broker's).
/// </summary>
public static class MqttThroughput
{
    private const int Devices = 1_000;
    /// <summary>
    /// About ten seconds of the throughput phase: long enough that an autovacuum or a checkpoint inside it weighs what it
    /// does under sustained load (in five seconds, one cost a tenth of the figure). At most 60: each phase's readings
    /// take an hour of their own.
    /// </summary>
    private const int MessagesPerDevice = 60;
    private const int PacedSeconds = 10;
    private const int WarmUpRound = 10;
    private const int MaxWarmUpRounds = 20;

    public static async Task<IReadOnlyList<ReportLine>> MeasureAsync(Func<BenchDatabase, IReadOnlyDictionary<string, string?>, WebApplicationFactory<Program>> host)
    {
        var port = FreePorts.Next();
        await using var database = await BenchDatabase.CreateAsync();
        await using var api = host(database, new Dictionary<string, string?>
        {
            ["Mqtt:Mode"] = "embedded",
            ["Mqtt:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Mqtt:MessagesPerSecond"] = "1000",
            ["Mqtt:Burst"] = "1000",
            ["Mqtt:ConnectionsPerAddress"] = "10000",
        });
        _ = api.Server; // migrates, starts the broker
        var channels = await ArrangeTanksAsync(database);

        var before = Memory();
        var clients = new List<IMqttClient>();
        foreach (var chunk in channels.Chunk(100))
        {
            clients.AddRange(await Task.WhenAll(chunk.Select(channel => ConnectAsync(port, channel))));
        }

        var idle = Memory() - before;
        var origin = DateTimeOffset.UtcNow.AddDays(-2);

        // Warm-up, not measured: rounds of messages from every device, their events handled, until a round spends under
        // 2 % of its time compiling, so the figures below are the broker's steady state rather than the JIT at work
        // (under this load the tier-up of hot methods trails the first tens of thousands of messages; measured after a
        // fixed 30 a device, a sixth of the CPU was still the JIT and much of the rest unoptimised code).
        var warmUpMessages = 0;
        for (var round = 0; round < MaxWarmUpRounds; round++)
        {
            var compiling = JitInfo.GetCompilationTime();
            var roundClock = Stopwatch.StartNew();
            var first = warmUpMessages;
            await Task.WhenAll(clients.Select(async (client, d) =>
            {
                for (var m = first; m < first + WarmUpRound; m++)
                {
                    await PublishAsync(client, channels[d], origin.AddHours(3).AddMinutes(m));
                }
            }));
            await DrainedAsync(database, api);
            warmUpMessages += WarmUpRound;
            if (JitInfo.GetCompilationTime() - compiling < roundClock.Elapsed * 0.02)
            {
                break;
            }
        }

        // Throughput: every device at once, each message after the acknowledgement of its last.
        var jitBefore = JitInfo.GetCompilationTime();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(clients.Select(async (client, d) =>
        {
            for (var m = 0; m < MessagesPerDevice; m++)
            {
                await PublishAsync(client, channels[d], origin.AddMinutes(m));
            }
        }));
        var mqttRate = Devices * MessagesPerDevice / clock.Elapsed.TotalSeconds;
        var jitMeasured = JitInfo.GetCompilationTime() - jitBefore;
        // Stored is not the whole cost: the events of those messages are still being handled. Timed to the last one.
        await DrainedAsync(database, api);
        var drainedRate = Devices * MessagesPerDevice / clock.Elapsed.TotalSeconds;

        // The HTTP bulk path, the same number of entries.
        using var http = api.CreateClient();
        clock.Restart();
        await Parallel.ForEachAsync(channels, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (channel, ct) =>
        {
            var updates = Enumerable.Range(0, MessagesPerDevice).Select(m => new Dictionary<string, object>
            {
                ["created_at"] = origin.AddHours(1).AddMinutes(m).ToString("O", CultureInfo.InvariantCulture),
                ["field1"] = 100 + m,
            });
            using var response = await http.PostAsJsonAsync($"/channels/{channel}/bulk_update.json", new { write_api_key = WriteKeyOf(channel), updates }, ct);
            response.EnsureSuccessStatusCode();
        });
        var bulkRate = Devices * MessagesPerDevice / clock.Elapsed.TotalSeconds;
        await DrainedAsync(database, api);

        // Latency at a steady 1,000 messages a second: each device once a second, spread over the second.
        var latencies = new List<double>[Devices];
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(clients.Select(async (client, d) =>
        {
            latencies[d] = [];
            for (var s = 0; s < PacedSeconds; s++)
            {
                var due = TimeSpan.FromSeconds(s) + TimeSpan.FromMilliseconds(d * 1000.0 / Devices);
                var wait = due - Stopwatch.GetElapsedTime(start);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }

                var sent = Stopwatch.GetTimestamp();
                await PublishAsync(client, channels[d], origin.AddHours(2).AddMinutes(s));
                latencies[d].Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            }
        }));
        var sorted = latencies.SelectMany(l => l).Order().ToList();
        double Percentile(double p) => sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];

        foreach (var client in clients)
        {
            await client.DisconnectAsync();
            client.Dispose();
        }

        var stored = await StoredAsync(database);
        var expected = (long)Devices * (warmUpMessages + MessagesPerDevice * 2 + PacedSeconds);
        return
        [
            ReportLine.Value($"mqtt, {Devices:N0} devices publishing QoS 1, each after its last PUBACK", string.Create(CultureInfo.InvariantCulture,
                $"{mqttRate:N0} messages stored/s, {drainedRate:N0}/s to the last event handled (HTTP bulk_update.json, same entries: {bulkRate:N0} readings/s; after {warmUpMessages} warm-up messages a device, JIT {jitMeasured.TotalMilliseconds:N0} ms while measured)"),
                "≥ 5,000 /s, events keeping up", mqttRate >= 5_000 && drainedRate >= 5_000),
            ReportLine.Value($"mqtt, publish → PUBACK at {Devices:N0} messages/s ({sorted.Count:N0} messages)", string.Create(CultureInfo.InvariantCulture,
                $"p50 {Percentile(0.5):F1} ms, p99 {Percentile(0.99):F1} ms"), "p99 < 100 ms", Percentile(0.99) < 100),
            ReportLine.Value($"mqtt, memory of {Devices:N0} idle connections (clients and broker in one process)", string.Create(CultureInfo.InvariantCulture,
                $"{idle / 1048576.0:F1} MiB"), "< 100 MiB", idle < 100 * 1048576L),
            ReportLine.Value("mqtt, every acknowledged message stored", string.Create(CultureInfo.InvariantCulture, $"{stored:N0} of {expected:N0} readings"),
                "all", stored == expected),
        ];
    }

    private static string WriteKeyOf(long channel) => "MQTTKEY" + channel.ToString(CultureInfo.InvariantCulture);

    /// <summary>1,000 tanks (of 3,000 simulated nodes), each channel given a write key.</summary>
    private static async Task<long[]> ArrangeTanksAsync(BenchDatabase database)
    {
        var keys = new ChannelKeyProtection(ChannelKeyOptions.DevelopmentSecret);
        await SimulatedNodes.ArrangeAsync(database.AdminConnectionString, Devices * 3, keys.SealReadKey);
        await using var connection = new NpgsqlConnection(database.AdminConnectionString);
        await connection.OpenAsync();
        var channels = new List<long>();
        await using (var command = new NpgsqlCommand("""
            SELECT c.channel_id FROM nodes.thingspeak_channels c JOIN nodes.nodes n ON n.id = c.node_id
            WHERE n.analytics_type = 'EvaraTank' ORDER BY c.channel_id
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                channels.Add(reader.GetInt64(0));
            }
        }

        await using var update = new NpgsqlCommand("""
            UPDATE nodes.thingspeak_channels c SET write_key_hash = k.hash, write_key_hint = right(c.channel_id::text, 4)
            FROM unnest(@Channels::bigint[], @Hashes::bytea[]) AS k(channel_id, hash) WHERE c.channel_id = k.channel_id
            """, connection);
        update.Parameters.AddWithValue("Channels", channels.ToArray());
        update.Parameters.AddWithValue("Hashes", channels.Select(c => keys.HashWriteKey(WriteKeyOf(c))).ToArray());
        await update.ExecuteNonQueryAsync();
        return [.. channels];
    }

    private static async Task<IMqttClient> ConnectAsync(int port, long channel)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V311)
            .WithCredentials("device", WriteKeyOf(channel)).WithClientId($"bench-{channel}").WithKeepAlivePeriod(TimeSpan.FromMinutes(2))
            .WithTimeout(TimeSpan.FromSeconds(60)).Build());
        return client;
    }

    private static async Task PublishAsync(IMqttClient client, long channel, DateTimeOffset at)
    {
        var result = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"channels/{channel}/publish")
            .WithPayload($"field1={100 + at.Minute % 50}&created_at={Uri.EscapeDataString(at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))}")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"Channel {channel}'s publish was refused: {result.ReasonCode}");
        }
    }

    /// <summary>
    /// Waits until every integration event stored so far has been handled: the host's dispatch queue idle, then the
    /// outbox holding none undispatched (one put off behind another waits for its wake-up there). The outbox is
    /// counted only once the queue is idle, and then every half second: counted every 20 ms throughout, each count
    /// walked a partial index full of settled versions (until vacuum), work taken from the handlers being timed.
    /// </summary>
    private static async Task DrainedAsync(BenchDatabase database, WebApplicationFactory<Program> api)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var queue = api.Services.GetRequiredService<OutboxDispatchQueue>();
        await using var connection = new NpgsqlConnection(database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT {OutboxSweeper.PendingCount}", connection);
        try
        {
            await queue.WhenIdleAsync(timeout.Token);
            while ((long)(await command.ExecuteScalarAsync(timeout.Token))! > 0)
            {
                await Task.Delay(500, timeout.Token);
                await queue.WhenIdleAsync(timeout.Token);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException("The outbox did not drain within two minutes.");
        }
    }

    private static long Memory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private static async Task<long> StoredAsync(BenchDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM telemetry.telemetry_tank", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
