using System.Collections.Concurrent;
using System.Diagnostics;
using EvaraTech.Modules.Realtime;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.Benchmarks;

/// <summary>
/// The realtime fan-out figure: 1,000 SignalR clients of <c>/hubs/realtime</c> (WebSockets through the test server, the
/// JSON protocol), spread over the given users, each subscribed to its scope. An alert of one node is sent as the
/// platform sends one (<see cref="RealtimeBroadcaster.SendAsync"/>: the node's audience looked up, then one send to the
/// groups of its ownership path, which holds every client's scope group); each client's time from just before that
/// call to its handler running is one sample. One alert at a time: the next is sent once every client heard the last.
/// </summary>
/// <remarks>The clients run in this process, on the same cores as the server: their receiving is part of every figure.</remarks>
public static class BroadcastLatency
{
    public const int Clients = 1_000;

    /// <summary>Connections opened at once: a thousand dashboards do not all open in the same millisecond.</summary>
    private const int ConnectingAtOnce = 20;

    private const int Warmup = 10;
    private const int Alerts = 50;

    /// <summary>Longer than any broadcast should take: past it, clients missed the alert.</summary>
    private static readonly TimeSpan GiveUp = TimeSpan.FromSeconds(30);

    public static async Task<IReadOnlyList<LatencyRecorder.Figures>> MeasureAsync(WebApplicationFactory<Program> api, Guid nodeId, IReadOnlyList<BenchUser> users)
    {
        var broadcasts = new ConcurrentDictionary<Guid, Broadcast>();
        var connections = new HubConnection?[Clients];
        var connecting = new double[Clients];
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, Clients), new ParallelOptions { MaxDegreeOfParallelism = ConnectingAtOnce }, async (i, ct) =>
            {
                var started = Stopwatch.GetTimestamp();
                connections[i] = await ConnectAsync(api.Server, users[i % users.Count], broadcasts, ct);
                connecting[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            });

            var broadcaster = api.Services.GetRequiredService<RealtimeBroadcaster>();
            var rule = Guid.CreateVersion7();
            var latencies = new List<double>(Clients * Alerts);
            for (var sample = 0; sample < Warmup + Alerts; sample++)
            {
                var alert = new AlertMessage(Guid.CreateVersion7(), rule, nodeId, "critical", "raised", "Tank low", 20, DateTimeOffset.UtcNow);
                var broadcast = broadcasts[alert.AlertId] = new Broadcast(Clients);
                broadcast.Start();
                await broadcaster.SendAsync(nodeId, clients => clients.AlertRaised(alert), CancellationToken.None);
                await broadcast.HeardByAllAsync(GiveUp, sample);
                if (sample >= Warmup)
                {
                    latencies.AddRange(broadcast.Latencies);
                }
            }

            EnsureNoneHeardTwice(broadcasts.Values);
            return
            [
                LatencyRecorder.Summarise($"broadcast publish → receipt, {Clients:N0} clients, {users.Count} users", "p99 < 250 ms", latencies),
                LatencyRecorder.Summarise($"  hub connect + SubscribeScope, {ConnectingAtOnce} at a time", "p99 < 1 s", connecting),
            ];
        }
        finally
        {
            await Task.WhenAll(connections.OfType<HubConnection>().Select(c => c.DisposeAsync().AsTask()));
        }
    }

    private static async Task<HubConnection> ConnectAsync(
        TestServer server, BenchUser user, ConcurrentDictionary<Guid, Broadcast> broadcasts, CancellationToken ct)
    {
        var connection = new HubConnectionBuilder().WithUrl(new Uri(server.BaseAddress, "/hubs/realtime"), options =>
        {
            options.Transports = HttpTransportType.WebSockets;
            options.SkipNegotiation = true;
            // The test server's WebSocket client, with the token where a browser puts it (the query string).
            options.WebSocketFactory = async (context, token) =>
            {
                var uri = new UriBuilder(context.Uri) { Query = "access_token=" + Uri.EscapeDataString(user.Token) };
                return await server.CreateWebSocketClient().ConnectAsync(uri.Uri, token);
            };
        }).Build();
        connection.On<AlertMessage>(nameof(IRealtimeClient.AlertRaised), alert =>
        {
            if (broadcasts.TryGetValue(alert.AlertId, out var broadcast))
            {
                broadcast.Receive();
            }
        });
        await connection.StartAsync(ct);
        await connection.InvokeAsync("SubscribeScope", ct);
        return connection;
    }

    private static void EnsureNoneHeardTwice(IEnumerable<Broadcast> broadcasts)
    {
        if (broadcasts.FirstOrDefault(b => b.Received != Clients) is { } twice)
        {
            throw new InvalidOperationException($"An alert was received {twice.Received} times by {Clients} clients: some heard it twice.");
        }
    }

    /// <summary>One alert's receipts: each client's time from <see cref="Start"/> to its handler.</summary>
    private sealed class Broadcast(int clients)
    {
        private readonly double[] _latencies = new double[clients];
        private readonly TaskCompletionSource _heardByAll = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _sentAt;
        private int _received;

        public int Received => Volatile.Read(ref _received);

        public IReadOnlyList<double> Latencies => _latencies;

        public void Start() => _sentAt = Stopwatch.GetTimestamp();

        public void Receive()
        {
            var elapsed = Stopwatch.GetElapsedTime(_sentAt).TotalMilliseconds;
            var index = Interlocked.Increment(ref _received) - 1;
            if (index < _latencies.Length)
            {
                _latencies[index] = elapsed;
            }

            if (index == _latencies.Length - 1)
            {
                _heardByAll.SetResult();
            }
        }

        public async Task HeardByAllAsync(TimeSpan giveUp, int sample)
        {
            try
            {
                await _heardByAll.Task.WaitAsync(giveUp);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"Alert {sample}: {Received} of {clients} clients heard it within {giveUp.TotalSeconds} s.");
            }
        }
    }
}
