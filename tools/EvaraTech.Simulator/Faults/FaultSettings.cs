namespace EvaraTech.Simulator.Faults;

/// <summary>
/// What goes wrong with a channel's responses. A set with a <see cref="ChannelId"/> replaces the global set (the
/// one without) for that channel.
/// </summary>
public sealed record FaultSettings
{
    public long? ChannelId { get; init; }

    /// <summary>Added to every response.</summary>
    public int LatencyMs { get; init; }

    /// <summary>Share of requests (0..1) answered with HTTP 500.</summary>
    public double ErrorRate { get; init; }

    /// <summary>Share of requests (0..1) answered with HTTP 429 and <c>Retry-After: RetryAfterSeconds</c>.</summary>
    public double TooManyRequests { get; init; }

    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary>The body is cut in half, so it does not parse.</summary>
    public bool MalformedJson { get; init; }

    /// <summary>The response is held this long before it is sent (on top of the latency), to trip client timeouts.</summary>
    public double StallSeconds { get; init; }

    public IReadOnlyList<InvalidValue> InvalidValues { get; init; } = [];

    /// <summary>
    /// The status text the channel's entries carry when a client asks for it (<c>status=true</c>), as a device sets it
    /// (<c>fw=1.4.2</c>): not a fault, but set per channel through the same knob.
    /// </summary>
    public string? Status { get; init; }
}

/// <summary>Replaces <see cref="Field"/> (<c>field1</c>..) with <see cref="Value"/> in entry <see cref="EntryId"/>, or in every entry when null.</summary>
public sealed record InvalidValue(long? EntryId, string Field, string Value);
