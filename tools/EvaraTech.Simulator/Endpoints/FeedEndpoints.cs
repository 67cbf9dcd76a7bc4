using System.Buffers;
using System.Globalization;
using System.Text.Json;
using EvaraTech.Simulator.Channels;
using EvaraTech.Simulator.Faults;
using EvaraTech.Simulator.Signals;

namespace EvaraTech.Simulator.Endpoints;

/// <summary>ThingSpeak's public read API, as its clients see it: <c>feeds.json</c> and <c>feeds/last.json</c>.</summary>
internal static class FeedEndpoints
{
    private const int DefaultResults = 100;

    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    // A ThingSpeak channel has at most eight fields.
    private static readonly string[] FieldNames = [.. Enumerable.Range(1, 8).Select(i => $"field{i}")];

    // ThingSpeak's own spelling of start/end (URL-decoded), then anything ISO 8601; always UTC.
    private static readonly string[] ThingSpeakFormats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd"];

    public static void MapFeeds(this IEndpointRouteBuilder app)
    {
        app.MapGet("/channels/{id:long}/feeds.json", (long id, HttpContext http, ChannelCatalog catalog, FeedGenerator feeds,
            FaultRegistry faults, RequestStats stats, TimeProvider clock, CancellationToken ct) =>
            Serve(id, http, catalog, faults, stats, ct, channel =>
            {
                var query = http.Request.Query;
                if (!TryParseInstant(query["start"], out var start) || !TryParseInstant(query["end"], out var end)
                    || !TryParseSpan(query["minutes"], 60, out var minutes) || !TryParseSpan(query["days"], 86_400, out var days))
                {
                    return null;
                }

                // minutes/days reach back from now; with start as well, the later bound wins.
                if ((minutes ?? days) is { } back)
                {
                    var from = clock.GetUtcNow() - back;
                    start = start > from ? start : from;
                }

                var results = int.TryParse(query["results"], CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 0, FeedGenerator.MaxResults) : DefaultResults;
                var status = string.Equals(query["status"], "true", StringComparison.OrdinalIgnoreCase);
                return FeedsDocument(channel, feeds.Range(channel, start, end, results), feeds.Last(channel), status);
            }));

        app.MapGet("/channels/{id:long}/feeds/last.json", (long id, HttpContext http, ChannelCatalog catalog, FeedGenerator feeds,
            FaultRegistry faults, RequestStats stats, CancellationToken ct) =>
            Serve(id, http, catalog, faults, stats, ct, channel => feeds.Last(channel) is { } last
                ? EntryDocument(last, string.Equals(http.Request.Query["status"], "true", StringComparison.OrdinalIgnoreCase))
                : null));
    }

    /// <summary>
    /// Applies the channel's faults in the order a client would meet them on the wire (slow, then refused, then a
    /// bad body) and answers ThingSpeak's <c>-1</c> for an unknown channel, a wrong key or a bad parameter.
    /// </summary>
    private static async Task<IResult> Serve(long id, HttpContext http, ChannelCatalog catalog, FaultRegistry faults,
        RequestStats stats, CancellationToken ct, Func<SimChannel, Action<Utf8JsonWriter, FaultSettings>?> document)
    {
        using var lease = stats.Enter(id);
        var fault = faults.For(id);
        var requestNumber = lease.Number;

        var hold = fault.LatencyMs + (int)(fault.StallSeconds * 1_000);
        if (hold > 0)
        {
            await Task.Delay(hold, ct);
        }

        if (Noise.Unit(id, requestNumber, Salt.TooManyRequests) < fault.TooManyRequests)
        {
            http.Response.Headers.RetryAfter = fault.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return Results.StatusCode(StatusCodes.Status429TooManyRequests);
        }

        if (Noise.Unit(id, requestNumber, Salt.Fault) < fault.ErrorRate)
        {
            return Results.StatusCode(StatusCodes.Status500InternalServerError);
        }

        if (catalog.Find(id) is not { } channel)
        {
            return NoAccess(StatusCodes.Status404NotFound);
        }

        if (http.Request.Query["api_key"] != channel.ReadKey)
        {
            return NoAccess(StatusCodes.Status400BadRequest);
        }

        if (document(channel) is not { } write)
        {
            return NoAccess(StatusCodes.Status400BadRequest);
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer, fault);
        }

        var body = fault.MalformedJson ? buffer.WrittenMemory[..(buffer.WrittenCount / 2)] : buffer.WrittenMemory;
        return Results.Bytes(body, "application/json; charset=utf-8");
    }

    private static IResult NoAccess(int status) => Results.Text("-1", "application/json; charset=utf-8", statusCode: status);

    private static Action<Utf8JsonWriter, FaultSettings> FeedsDocument(SimChannel channel, IReadOnlyList<FeedEntry> entries, FeedEntry? last, bool status) =>
        (writer, fault) =>
        {
            writer.WriteStartObject();
            writer.WriteStartObject("channel");
            writer.WriteNumber("id", channel.Id);
            writer.WriteString("name", channel.Name);
            for (var i = 0; i < channel.Fields.Count; i++)
            {
                writer.WriteString(FieldNames[i], channel.Fields[i]);
            }

            writer.WriteString("created_at", Timestamp(ChannelCatalog.Epoch));
            writer.WriteString("updated_at", Timestamp(last?.CreatedAt ?? ChannelCatalog.Epoch));
            writer.WriteNumber("last_entry_id", last?.EntryId ?? 0);
            writer.WriteEndObject();
            writer.WriteStartArray("feeds");
            foreach (var entry in entries)
            {
                WriteEntry(writer, entry, fault, status);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        };

    private static Action<Utf8JsonWriter, FaultSettings> EntryDocument(FeedEntry entry, bool status) =>
        (writer, fault) => WriteEntry(writer, entry, fault, status);

    private static void WriteEntry(Utf8JsonWriter writer, FeedEntry entry, FaultSettings fault, bool status)
    {
        writer.WriteStartObject();
        Span<char> createdAt = stackalloc char[TimestampFormat.Length];
        entry.CreatedAt.UtcDateTime.TryFormat(createdAt, out var length, TimestampFormat, CultureInfo.InvariantCulture);
        writer.WriteString("created_at", createdAt[..length]);
        writer.WriteNumber("entry_id", entry.EntryId);
        for (var i = 0; i < entry.Values.Length; i++)
        {
            var value = entry.Values[i];
            foreach (var invalid in fault.InvalidValues)
            {
                if (invalid.Field == FieldNames[i] && (invalid.EntryId is null || invalid.EntryId == entry.EntryId))
                {
                    value = invalid.Value;
                }
            }

            writer.WriteString(FieldNames[i], value);
        }

        if (status && fault.Status is { } text)
        {
            writer.WriteString("status", text);
        }

        writer.WriteEndObject();
    }

    private static string Timestamp(DateTimeOffset instant) => instant.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    private static bool TryParseSpan(string? text, int secondsPerUnit, out TimeSpan? span)
    {
        span = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (int.TryParse(text, CultureInfo.InvariantCulture, out var units) && units >= 0)
        {
            span = TimeSpan.FromSeconds((long)units * secondsPerUnit);
            return true;
        }

        return false;
    }

    private static bool TryParseInstant(string? text, out DateTimeOffset? instant)
    {
        instant = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        const DateTimeStyles Utc = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        if (DateTimeOffset.TryParseExact(text, ThingSpeakFormats, CultureInfo.InvariantCulture, Utc, out var parsed)
            || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, Utc, out parsed))
        {
            instant = parsed;
            return true;
        }

        return false;
    }
}
