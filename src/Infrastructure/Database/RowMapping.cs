using Mapster;

namespace EvaraTech.Infrastructure.Database;

/// <summary>
/// Rows as Dapper reads them, mapped to the records a module answers with or publishes: members by name, records
/// through their constructor, and <c>timestamptz</c> values (UTC <see cref="DateTime"/>s from Npgsql) as
/// <see cref="DateTimeOffset"/>s. One configuration, and each mapping is compiled once on first use, so mapping a row
/// costs no reflection.
/// </summary>
public static class RowMapping
{
    public static TypeAdapterConfig Config { get; } = Create();

    /// <returns><paramref name="row"/> as a <typeparamref name="TResult"/></returns>
    public static TResult MapTo<TResult>(this object row) => row.Adapt<TResult>(Config);

    private static TypeAdapterConfig Create()
    {
        var config = new TypeAdapterConfig { RequireDestinationMemberSource = true };
        config.Default.MapToConstructor(true);
        config.NewConfig<DateTime, DateTimeOffset>().MapWith(at => new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)));
        return config;
    }
}
