using System.Collections.Concurrent;
using System.Globalization;
using System.Net;

namespace EvaraTech.FaultTests;

/// <summary>One reading a device sent, with the time it carries (unique per node) and whether the platform acknowledged it.</summary>
public sealed record SentReading(Guid Node, DateTimeOffset At, double Level)
{
    public bool Breaches => Level > FaultWorld.Threshold;
}

/// <summary>
/// Devices pushing through <c>/update</c> as firmware does: each reading carries its own <c>created_at</c>, is sent
/// to the instances in turn (as a load balancer would) and sent again until acknowledged; every eighth reading
/// breaches its node's rule. Half the devices send a GET with the key in the query and UTC times; the other half post
/// a form as the Arduino library does (the key in <c>X-THINGSPEAKAPIKEY</c>, the value ending in CR LF, the time with
/// a +05:30 offset). Counts what the instances answered: acknowledgements, 503s with <c>Retry-After</c>, and
/// any other 5xx (which must not happen).
/// </summary>
public sealed class DevicePushers(FaultWorld world, Func<IReadOnlyList<Uri>> instances, TimeSpan every) : IAsyncDisposable
{
    private readonly ConcurrentQueue<SentReading> _sent = new();
    private readonly ConcurrentQueue<SentReading> _acknowledged = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly List<Task> _devices = [];
    private volatile bool _paused;
    private int _unavailable;
    private int _otherServerErrors;
    private int _refused;
    private int _inFlight;

    /// <summary>Every reading sent at least once, acknowledged or not.</summary>
    public IReadOnlyCollection<SentReading> Sent => _sent;

    public IReadOnlyCollection<SentReading> Acknowledged => _acknowledged;

    /// <summary>503 answers carrying Retry-After: the platform saying "not now", which devices honour.</summary>
    public int Unavailable => _unavailable;

    /// <summary>Any other 5xx: a defect.</summary>
    public int OtherServerErrors => _otherServerErrors;

    /// <summary>A reading answered <c>0</c> on its first attempt: refused, which these readings must never be.</summary>
    public int Refused => _refused;

    public void Start()
    {
        foreach (var (node, index) in world.PushNodes.Select((n, i) => (n, i)))
        {
            _devices.Add(Task.Run(() => DeviceAsync(node, index, _stop.Token)));
        }
    }

    /// <summary>Stops sending new readings (a reading being sent is still sent until acknowledged).</summary>
    public void Pause() => _paused = true;

    public void Resume() => _paused = false;

    /// <summary>Waits until no reading is in flight.</summary>
    public async Task QuietAsync()
    {
        while (_inFlight > 0)
        {
            await Task.Delay(50);
        }
    }

    private async Task DeviceAsync(PushNode node, int index, CancellationToken stop)
    {
        var last = DateTimeOffset.MinValue;
        for (var sequence = 0; !stop.IsCancellationRequested; sequence++)
        {
            while (_paused && !stop.IsCancellationRequested)
            {
                await Task.Delay(50, CancellationToken.None);
            }

            Interlocked.Increment(ref _inFlight);
            try
            {
                var now = DateTimeOffset.UtcNow;
                var at = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
                at = at > last ? at : last.AddMilliseconds(1);
                last = at;
                var reading = new SentReading(node.Id, at, sequence % 8 == 7 ? 280 : 100 + sequence % 50);
                _sent.Enqueue(reading);
                await SendUntilAcknowledgedAsync(node, index, reading, stop);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }

            await Task.Delay(every, CancellationToken.None);
        }
    }

    private async Task SendUntilAcknowledgedAsync(PushNode node, int index, SentReading reading, CancellationToken stop)
    {
        var arduino = index % 2 == 1;
        var level = reading.Level.ToString(CultureInfo.InvariantCulture);
        HttpRequestMessage Request(Uri target) => arduino
            ? new HttpRequestMessage(HttpMethod.Post, new Uri(target, "update"))
            {
                Headers = { { "X-THINGSPEAKAPIKEY", node.WriteKey } },
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["field1"] = level + "\r\n",
                    ["created_at"] = reading.At.ToOffset(TimeSpan.FromMinutes(330)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture),
                }),
            }
            : new HttpRequestMessage(HttpMethod.Get, new Uri(target, string.Create(CultureInfo.InvariantCulture,
                $"update?api_key={node.WriteKey}&field1={level}&created_at={Uri.EscapeDataString(reading.At.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture))}")));

        for (var attempt = 0; ; attempt++)
        {
            var targets = instances();
            var target = targets[(index + attempt) % targets.Count];
            try
            {
                using var request = Request(target);
                using var response = await _http.SendAsync(request, CancellationToken.None);
                var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    if (body.Trim() == "0" && attempt == 0)
                    {
                        Interlocked.Increment(ref _refused);
                        return;
                    }

                    // An entry id, or 0 on a repeat: an earlier attempt whose answer was lost stored it.
                    _acknowledged.Enqueue(reading);
                    return;
                }

                if (response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is not null)
                {
                    Interlocked.Increment(ref _unavailable);
                }
                else if ((int)response.StatusCode >= 500)
                {
                    Interlocked.Increment(ref _otherServerErrors);
                    Console.WriteLine($"fault run: {target} answered {(int)response.StatusCode}: {body}");
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // The instance is down or did not answer in time; the next attempt goes to the other one.
            }

            if (stop.IsCancellationRequested)
            {
                return; // never acknowledged: the device keeps it; not counted
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_devices);
        _http.Dispose();
        _stop.Dispose();
    }
}
