using System.Globalization;
using System.Net;
using System.Text.Json;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;

namespace EvaraTech.Modules.Telemetry.Ingestion;

/// <summary>Why a channel could not be read: the poller records it as the node's last error.</summary>
public sealed class ThingSpeakException(string message, HttpStatusCode? status = null, TimeSpan? retryAfter = null) : Exception(message)
{
    public HttpStatusCode? Status { get; } = status;

    /// <summary>How long ThingSpeak asked us to wait (429 Retry-After).</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>
/// Reads a channel's feed from ThingSpeak's public API (<c>GET /channels/{id}/feeds.json</c>): entries ascending in
/// time, <c>created_at</c>, <c>entry_id</c> and <c>field1</c>..<c>field8</c> as strings, null or absent. There is no
/// id cursor, so the caller asks from a time (<c>start</c>) and drops what it has already seen. Timeouts, retries with
/// jittered backoff, 429 Retry-After and the circuit breaker come from the client's resilience pipeline.
/// </summary>
public sealed class ThingSpeakClient(HttpClient http)
{
    /// <summary>ThingSpeak returns at most this many entries per request.</summary>
    public const int MaxResults = 8000;

    /// <returns>the last <see cref="MaxResults"/> entries within [start, end] (both optional, inclusive), ascending</returns>
    public async Task<IReadOnlyList<RawEntry>> ReadFeedAsync(
        long channelId, string? readKey, DateTimeOffset? start, DateTimeOffset? end, CancellationToken cancellationToken)
    {
        var query = $"channels/{channelId.ToString(CultureInfo.InvariantCulture)}/feeds.json?results={MaxResults}"
            + (readKey is null ? "" : $"&api_key={Uri.EscapeDataString(readKey)}")
            + (start is { } from ? $"&start={Instant(from)}" : "")
            + (end is { } to ? $"&end={Instant(to)}" : "");
        using var response = await http.GetAsync(query, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw response.StatusCode switch
            {
                HttpStatusCode.BadRequest => new ThingSpeakException($"channel {channelId}: no access (wrong or missing read key)", response.StatusCode),
                HttpStatusCode.NotFound => new ThingSpeakException($"channel {channelId}: not found", response.StatusCode),
                HttpStatusCode.TooManyRequests => new ThingSpeakException($"channel {channelId}: rate limited", response.StatusCode,
                    response.Headers.RetryAfter?.Delta),
                var status => new ThingSpeakException($"channel {channelId}: HTTP {(int)status}", status),
            };
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        try
        {
            using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
            return document.RootElement.TryGetProperty("feeds", out var feeds) && feeds.ValueKind == JsonValueKind.Array
                ? [.. feeds.EnumerateArray().Select(Entry)]
                : throw new ThingSpeakException($"channel {channelId}: the response has no feeds");
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            throw new ThingSpeakException($"channel {channelId}: malformed response ({ex.GetType().Name})");
        }
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

        return new RawEntry(
            DateTimeOffset.Parse(feed.GetProperty("created_at").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            feed.GetProperty("entry_id").GetInt64(),
            fields);
    }
}
