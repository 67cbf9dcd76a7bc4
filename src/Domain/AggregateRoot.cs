namespace EvaraTech.Domain;

/// <summary>
/// Base for aggregates written through optimistic versioning: the persisted <see cref="Version"/> is the
/// compare-and-set token of <c>UPDATE … WHERE id = @id AND version = @expected</c>.
/// </summary>
public abstract class AggregateRoot<TId>
    where TId : notnull
{
    protected AggregateRoot(TId id, long version)
    {
        Id = id;
        Version = version;
    }

    public TId Id { get; }

    /// <summary>The version the aggregate was loaded at; a write succeeds only while the row still has it.</summary>
    public long Version { get; private set; }

    /// <summary>Called by persistence after a successful versioned write.</summary>
    public void MarkPersisted(long newVersion) => Version = newVersion;
}
