namespace EvaraTech.Domain;

/// <summary>Something that happened inside an aggregate, raised while a command runs.</summary>
public interface IDomainEvent
{
    DateTimeOffset OccurredAt { get; }
}
