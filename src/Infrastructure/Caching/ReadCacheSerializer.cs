using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.Extensions.Caching.Hybrid;

namespace EvaraTech.Infrastructure.Caching;

/// <summary>
/// Cached values as the API writes them (camelCase). A member typed as object (a node's per-type configuration) comes
/// back from the cache as JSON and is written out as read, so the cache has to store it with the API's names, not
/// HybridCache's default PascalCase.
/// </summary>
internal sealed class ReadCacheSerializerFactory : IHybridCacheSerializerFactory
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public bool TryCreateSerializer<T>([NotNullWhen(true)] out IHybridCacheSerializer<T>? serializer)
    {
        serializer = typeof(T) == typeof(string) || typeof(T) == typeof(byte[]) ? null : new Serializer<T>();
        return serializer is not null;
    }

    private sealed class Serializer<T> : IHybridCacheSerializer<T>
    {
        public T Deserialize(ReadOnlySequence<byte> source)
        {
            var reader = new Utf8JsonReader(source);
            return JsonSerializer.Deserialize<T>(ref reader, Options)!;
        }

        public void Serialize(T value, IBufferWriter<byte> target)
        {
            using var writer = new Utf8JsonWriter(target);
            JsonSerializer.Serialize(writer, value, Options);
        }
    }
}
