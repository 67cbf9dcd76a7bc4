namespace EvaraTech.Infrastructure.Database;

/// <summary>
/// Text from outside systems kept as it came (a refused reading's raw fields), made storable: PostgreSQL refuses a NUL
/// in text and jsonb alike, and a statement failing on one would lose the whole batch it belongs to.
/// </summary>
public static class StorableText
{
    public static string? Of(string? text) => text?.Replace('\0', '\uFFFD');

    public static IReadOnlyDictionary<string, string?> Of(IReadOnlyDictionary<string, string?> fields)
    {
        var storable = new Dictionary<string, string?>(fields.Count);
        foreach (var (name, value) in fields)
        {
            storable.TryAdd(Of(name)!, Of(value));
        }

        return storable;
    }
}
