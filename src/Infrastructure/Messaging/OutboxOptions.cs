namespace EvaraTech.Infrastructure.Messaging;

/// <summary>How integration events are retried, dead-lettered and kept (configuration section <c>Outbox</c>).</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>How many events an instance hands to their handlers at once, off the publishers' stacks.</summary>
    public int DispatchWorkers { get; set; } = 4;

    /// <summary>
    /// How long a dispatcher's claim on an event lasts: how long a crashed instance's claims delay their events. A chunk
    /// still being handled renews the claims of its remaining events every third of this, so only a single event whose
    /// handlers take longer than this can be claimed again by a sweeper (handlers are idempotent).
    /// </summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts of one handler before its delivery is dead-lettered.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait after a handler's first failure; it doubles with each further failure.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long delivered events are kept before pruning; dead letters and pending events are kept until settled.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);
}
