using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;

namespace EvaraTech.Modules.Telemetry.Ingestion;

/// <summary>Why a channel could not be read: the poller records it as the node's last error.</summary>
public sealed class ThingSpeakException(string message, HttpStatusCode? status = null, TimeSpan? retryAfter = null) : Exception(message)
{
    public HttpStatusCode? Status { get; } = status;

    /// <summary>How long ThingSpeak asked us to wait (429 Retry-After, in seconds or as a date).</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>One read of a channel's feed: its entries, ascending, and the channel's <c>last_entry_id</c> when given.</summary>
public sealed record ThingSpeakFeed(IReadOnlyList<RawEntry> Entries, long? LastEntryId);

/// <summary>
/// Reads a channel's feed from ThingSpeak's public API (<c>GET /channels/{id}/feeds.json</c>): entries ascending in
/// time, <c>created_at</c>, <c>entry_id</c> and <c>field1</c>..<c>field8</c> as strings, numbers, null or absent. There
/// is no id cursor, so the caller asks for a time window (<c>start</c>, <c>end</c>) and at most <c>results</c> of its
/// newest entries. Timeouts, retries with jittered backoff, a short 429 Retry-After and the circuit breaker come from
/// the client's resilience pipeline (<see cref="ThingSpeakRegistration"/>).
/// </summary>
public sealed class ThingSpeakClient(HttpClient http, TimeProvider clock)
{
    /// <summary>ThingSpeak returns at most this many entries per request.</summary>
    public const int MaxResults = 8000;

    /// <returns>the last <paramref name="results"/> entries within [start, end] (both optional, inclusive), ascending</returns>
    public async Task<ThingSpeakFeed> ReadFeedAsync(
        long channelId, string? readKey, DateTimeOffset? start, DateTimeOffset? end, int results, CancellationToken cancellationToken)
    {
        var query = $"channels/{channelId.ToString(CultureInfo.InvariantCulture)}/feeds.json?results={Math.Clamp(results, 1, MaxResults)}&status=true"
            + (readKey is null ? "" : $"&api_key={Uri.EscapeDataString(readKey)}")
            + (start is { } from ? $"&start={Instant(from)}" : "")
            + (end is { } to ? $"&end={Instant(to)}" : "");
        using var response = await http.GetAsync(query, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var said = await ErrorMessageAsync(response, cancellationToken);
            throw response.StatusCode switch
            {
                HttpStatusCode.BadRequest => new ThingSpeakException($"channel {channelId}: no access (wrong or missing read key){said}", response.StatusCode),
                HttpStatusCode.NotFound => new ThingSpeakException($"channel {channelId}: not found{said}", response.StatusCode),
                HttpStatusCode.TooManyRequests => new ThingSpeakException($"channel {channelId}: rate limited{said}", response.StatusCode,
                    RetryAfter(response.Headers.RetryAfter, clock.GetUtcNow())),
                var status => new ThingSpeakException($"channel {channelId}: HTTP {(int)status}{said}", status),
            };
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        try
        {
            using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("feeds", out var feeds) || feeds.ValueKind != JsonValueKind.Array)
            {
                throw new ThingSpeakException($"channel {channelId}: the response has no feeds");
            }

            long? lastEntryId = root.TryGetProperty("channel", out var channel) && channel.ValueKind == JsonValueKind.Object
                && channel.TryGetProperty("last_entry_id", out var last) && last.ValueKind == JsonValueKind.Number ? last.GetInt64() : null;
            return new ThingSpeakFeed([.. feeds.EnumerateArray().Select(Entry).OrderBy(e => e.Timestamp).ThenBy(e => e.EntryId)], lastEntryId);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            throw new ThingSpeakException($"channel {channelId}: malformed response ({ex.GetType().Name})");
        }
    }

    /// <summary>How long a 429 asks us to wait: Retry-After in seconds or as an HTTP date (never negative).</summary>
    public static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now) =>
        header?.Delta ?? (header?.Date is { } date ? (date > now ? date - now : TimeSpan.Zero) : null);

    /// <summary>What ThingSpeak's error body says (its JSON error message, or a short text such as <c>-1</c>), briefly.</summary>
    private static async Task<string> ErrorMessageAsync(HttpResponseMessage response, CancellationToken ct)
    {
        string text;
        try
        {
            text = (await response.Content.ReadAsStringAsync(ct)).Trim();
        }
        catch (HttpRequestException)
        {
            return "";
        }

        if (text.StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                text = document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                    && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String ? message.GetString() ?? "" : "";
            }
            catch (JsonException)
            {
                text = "";
            }
        }

        text = new string([.. text.Where(c => !char.IsControl(c))]);
        return text.Length == 0 ? "" : $": {(text.Length <= 120 ? text : text[..120] + "…")}";
    }

    /// <summary>ThingSpeak's spelling of an instant in a query: whole seconds, UTC.</summary>
    private static string Instant(DateTimeOffset at) =>
        Uri.EscapeDataString(at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));

    private static RawEntry Entry(JsonElement feed)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 1; i <= 8; i++)
        {
            if (feed.TryGetProperty($"field{i}", out var value))
            {
                fields[$"field{i}"] = value.ValueKind switch
                {
                    JsonValueKind.Null => null,
                    JsonValueKind.String => value.GetString(),
                    _ => value.GetRawText(),
                };
            }
        }

        // Asked for with status=true: devices put their own word there, the firmware they run among it (fw=1.4.2).
        if (feed.TryGetProperty(ReportedFirmware.Status, out var status) && status.ValueKind == JsonValueKind.String)
        {
            fields[ReportedFirmware.Status] = status.GetString();
        }

        var entryId = feed.GetProperty("entry_id");
        return new RawEntry(
            DateTimeOffset.Parse(feed.GetProperty("created_at").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            entryId.ValueKind == JsonValueKind.String ? long.Parse(entryId.GetString()!, CultureInfo.InvariantCulture) : entryId.GetInt64(),
            fields);
    }
}
