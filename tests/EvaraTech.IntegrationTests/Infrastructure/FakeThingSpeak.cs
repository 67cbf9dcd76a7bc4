using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EvaraTech.IntegrationTests.Infrastructure;

/// <summary>
/// One entry as ThingSpeak stores it: its id, its time (written with <see cref="Offset"/>, as feeds requested with a
/// timezone are), and each field as the exact JSON it is served with (<c>"12.5\r\n"</c>, <c>null</c>, <c>12.5</c>), a
/// field left out being absent from the entry.
/// </summary>
public sealed record FakeEntry(long Id, DateTimeOffset CreatedAt, IReadOnlyDictionary<string, string> Json, TimeSpan Offset = default)
{
    /// <summary>Fields given as text, served as JSON strings.</summary>
    public static FakeEntry Of(long id, DateTimeOffset createdAt, params (string Field, string? Value)[] fields) =>
        new(id, createdAt, fields.ToDictionary(f => f.Field, f => f.Value is null ? "null" : System.Text.Json.JsonSerializer.Serialize(f.Value)));
}

/// <summary>A channel of the fake: its entries, its read key, and how it misbehaves.</summary>
public sealed class FakeChannel(long id, string readKey)
{
    private readonly List<FakeEntry> _entries = [];

    public long Id { get; } = id;

    public string ReadKey { get; } = readKey;

    /// <summary>Time the answer takes per entry served: a slow channel that only large pages make too slow.</summary>
    public double MillisecondsPerEntry { get; set; }

    /// <summary>Answer the next requests with 429 and this Retry-After header value (seconds, or an HTTP date).</summary>
    public string? RetryAfter { get; set; }

    public int TooManyRequestsLeft { get; set; }

    /// <summary>Leave <c>channel.last_entry_id</c> out of the answer.</summary>
    public bool OmitLastEntryId { get; set; }

    /// <summary>The next requests fail with this status and body (e.g. 500 and ThingSpeak's JSON error).</summary>
    public (int Status, string Body)? Failure { get; set; }

    public int Requests { get; internal set; }

    public List<int> ResultsAsked { get; } = [];

    public void Add(params FakeEntry[] entries)
    {
        lock (_entries)
        {
            _entries.AddRange(entries);
        }
    }

    /// <summary>ThingSpeak's "clear channel": every entry gone, ids start again at 1.</summary>
    public void Clear()
    {
        lock (_entries)
        {
            _entries.Clear();
        }
    }

    public long NextId
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count == 0 ? 1 : _entries.Max(e => e.Id) + 1;
            }
        }
    }

    internal (IReadOnlyList<FakeEntry> Page, long LastEntryId) Read(DateTimeOffset? start, DateTimeOffset? end, int results)
    {
        lock (_entries)
        {
            // ThingSpeak's window is by created_at to the second, both ends inclusive; it answers the newest entries.
            var inWindow = _entries
                .Where(e => (start is null || Second(e.CreatedAt) >= start) && (end is null || Second(e.CreatedAt) <= end))
                .OrderBy(e => e.CreatedAt).ThenBy(e => e.Id).ToList();
            return (inWindow.Skip(Math.Max(0, inWindow.Count - results)).ToList(), _entries.Count == 0 ? 0 : _entries.Max(e => e.Id));
        }
    }

    private static DateTimeOffset Second(DateTimeOffset at) => new(at.Ticks - at.Ticks % TimeSpan.TicksPerSecond, at.Offset);
}

/// <summary>
/// A ThingSpeak read API the tests start on loopback and script entry by entry: <c>feeds.json</c> with
/// <c>start</c>, <c>end</c>, <c>results</c> and <c>api_key</c> as ThingSpeak reads them, <c>-1</c> with 400 for a wrong
/// key, <c>-1</c> with 404 for an unknown channel, and the failures real channels show (slow pages, 429 with a
/// Retry-After in seconds or as a date, JSON error bodies).
/// </summary>
public sealed class FakeThingSpeak : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<long, FakeChannel> _channels = new();

    private FakeThingSpeak(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public FakeChannel Channel(long id, string readKey = "FAKEREADKEY001") => _channels.GetOrAdd(id, _ => new FakeChannel(id, readKey));

    public static async Task<FakeThingSpeak> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeThingSpeak(app);
        app.MapGet("/channels/{id:long}/feeds.json", (long id, HttpContext http, CancellationToken ct) => fake.FeedsAsync(id, http, ct));
        await app.StartAsync();
        fake.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return fake;
    }

    private async Task<IResult> FeedsAsync(long id, HttpContext http, CancellationToken ct)
    {
        if (!_channels.TryGetValue(id, out var channel))
        {
            return Results.Text("-1", "application/json", statusCode: StatusCodes.Status404NotFound);
        }

        channel.Requests++;
        if (channel.TooManyRequestsLeft > 0)
        {
            channel.TooManyRequestsLeft--;
            http.Response.Headers.RetryAfter = channel.RetryAfter;
            return Results.Text("""{"status":"429","error":{"error_code":"error_too_many_requests","message":"Too Many Requests"}}""", "application/json",
                statusCode: StatusCodes.Status429TooManyRequests);
        }

        if (channel.Failure is { } failure)
        {
            return Results.Text(failure.Body, "application/json", statusCode: failure.Status);
        }

        var query = http.Request.Query;
        if (query["api_key"] != channel.ReadKey)
        {
            return Results.Text("-1", "application/json", statusCode: StatusCodes.Status400BadRequest);
        }

        var results = int.TryParse(query["results"], CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 0, 8000) : 100;
        channel.ResultsAsked.Add(results);
        var (page, lastEntryId) = channel.Read(Instant(query["start"]), Instant(query["end"]), results);
        if (channel.MillisecondsPerEntry > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(channel.MillisecondsPerEntry * results), ct);
        }

        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $$"""{"channel":{"id":{{channel.Id}},"name":"Fake","field1":"Level","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z" """);
        if (!channel.OmitLastEntryId)
        {
            body.Append(CultureInfo.InvariantCulture, $",\"last_entry_id\":{lastEntryId}");
        }

        body.Append("},\"feeds\":[");
        body.AppendJoin(',', page.Select(Json));
        body.Append("]}");
        return Results.Text(body.ToString(), "application/json; charset=utf-8");
    }

    private static string Json(FakeEntry entry)
    {
        var createdAt = entry.CreatedAt.ToOffset(entry.Offset).ToString(entry.Offset == TimeSpan.Zero ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:sszzz",
            CultureInfo.InvariantCulture);
        var fields = string.Concat(entry.Json.Select(f => $",\"{f.Key}\":{f.Value}"));
        return $"{{\"created_at\":\"{createdAt}\",\"entry_id\":{entry.Id}{fields}}}";
    }

    private static DateTimeOffset? Instant(string? text) =>
        string.IsNullOrEmpty(text) ? null
        : DateTimeOffset.ParseExact(text, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
