using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace EvaraTech.Benchmarks;

/// <summary>One timed request of the load test: which endpoint, when it started (stopwatch ticks), how long, whether it succeeded.</summary>
public readonly record struct LoadSample(int Endpoint, long StartedAt, double Milliseconds, bool Succeeded);

/// <summary>
/// One simulated dashboard user of the load test's scenario (the shape of a Locust user with think time): logs in once, then loops over the weighted endpoints,
/// optionally thinking between requests. Each user connects from its own loopback address (127.0.x.y), as real users come
/// from their own addresses: the API's per-client login limit applies to each, not to the load generator as a whole.
/// </summary>
public sealed class VirtualUser : IDisposable
{
    /// <summary>The scenario's tasks and weights, the dashboard read most often: dashboard 3, nodes 2, alerts 1.</summary>
    public static readonly (string Name, string Path, int Weight)[] Endpoints =
    [
        ("GET /api/v1/dashboard/stats", "/api/v1/dashboard/stats", 3),
        ("GET /api/v1/nodes?limit=20", "/api/v1/nodes?limit=20", 2),
        ("GET /api/v1/alerts?limit=10", "/api/v1/alerts?limit=10", 1),
    ];

    private static readonly int TotalWeight = Endpoints.Sum(e => e.Weight);

    private readonly HttpClient _client;
    private readonly Random _random;

    public VirtualUser(int number, Uri baseAddress)
    {
        var local = new IPAddress([127, 0, (byte)(1 + number / 200), (byte)(10 + number % 200)]);
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            MaxConnectionsPerServer = 1,
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        _random = new Random(number);
    }

    public List<LoadSample> Samples { get; } = [];

    public async Task LoginAsync(string email, string password)
    {
        using var response = await _client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
        var token = body.RootElement.GetProperty("data").GetProperty("accessToken").GetString();
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>Requests until <paramref name="until"/> (stopwatch ticks), thinking <paramref name="think"/> between them.</summary>
    public async Task RunAsync(long until, (TimeSpan Min, TimeSpan Max)? think)
    {
        var buffer = new byte[16 * 1024];
        while (Stopwatch.GetTimestamp() < until)
        {
            var endpoint = Pick();
            var started = Stopwatch.GetTimestamp();
            var succeeded = false;
            try
            {
                using var response = await _client.GetAsync(Endpoints[endpoint].Path, HttpCompletionOption.ResponseHeadersRead);
                await using var stream = await response.Content.ReadAsStreamAsync();
                while (await stream.ReadAsync(buffer) > 0)
                {
                }

                succeeded = response.StatusCode == HttpStatusCode.OK;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                // Counted as an error below.
            }

            Samples.Add(new LoadSample(endpoint, started, Stopwatch.GetElapsedTime(started).TotalMilliseconds, succeeded));
            if (think is var (min, max))
            {
                await Task.Delay(min + (max - min) * _random.NextDouble());
            }
        }
    }

    private int Pick()
    {
        var ticket = _random.Next(TotalWeight);
        for (var i = 0; i < Endpoints.Length; i++)
        {
            ticket -= Endpoints[i].Weight;
            if (ticket < 0)
            {
                return i;
            }
        }

        return Endpoints.Length - 1;
    }

    public void Dispose() => _client.Dispose();
}
