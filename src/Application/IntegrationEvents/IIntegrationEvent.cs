namespace EvaraTech.Application.IntegrationEvents;

/// <summary>
/// A fact one module publishes for others: written to the outbox in the same transaction as the change, handed to
/// handlers in-process right after commit, redelivered by the sweeper after a crash. Handlers must be idempotent
/// (they may see an event twice; <see cref="EventId"/> tells them apart). Why: docs/adr/0005-outbox-dispatch-after-commit.md.
/// </summary>
public interface IIntegrationEvent
{
    Guid EventId { get; }

    DateTimeOffset OccurredAt { get; }
}

/// <summary>
/// An event whose handlers must see the events of one subject in the order they were published (a node's telemetry
/// batches: judging a later batch before an earlier one would leave an alert open past the reading that cleared it).
/// Each handler of such an event waits while an earlier event of the same <see cref="OrderingKey"/> still owes that
/// handler its delivery; other handlers and other keys are not held up.
/// </summary>
public interface IOrderedIntegrationEvent : IIntegrationEvent
{
    Guid OrderingKey { get; }
}

public interface IIntegrationEventHandler<in TEvent>
    where TEvent : IIntegrationEvent
{
    Task HandleAsync(TEvent integrationEvent, CancellationToken cancellationToken);
}

public interface IIntegrationEventPublisher
{
    /// <summary>Records the event in the current unit of work: it exists only if the work commits.</summary>
    Task PublishAsync(IIntegrationEvent integrationEvent, CancellationToken cancellationToken);

    /// <summary>Records many events in the current unit of work in one statement (a batch of many nodes publishes one per node).</summary>
    Task PublishAsync(IReadOnlyCollection<IIntegrationEvent> integrationEvents, CancellationToken cancellationToken);

    /// <summary>
    /// Records the event in a transaction of its own, committed at once: for facts about work that is failing
    /// and will roll back (a refused login), which must not be lost with it.
    /// </summary>
    Task PublishDetachedAsync(IIntegrationEvent integrationEvent, CancellationToken cancellationToken);
}
