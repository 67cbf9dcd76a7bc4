using System.Buffers.Binary;
using System.Buffers.Text;

namespace EvaraTech.Modules.Telemetry.Application.GetSeries;

/// <summary>
/// The keyset position of a raw series page: the node and the last reading's time (unique per node), as base64url.
/// Opaque to clients; a cursor of another node, or anything else, is refused.
/// </summary>
public static class SeriesCursor
{
    private const int Length = 16 + sizeof(long);

    public static string After(Guid nodeId, DateTimeOffset lastTimestamp)
    {
        Span<byte> bytes = stackalloc byte[Length];
        nodeId.TryWriteBytes(bytes[..16]);
        BinaryPrimitives.WriteInt64BigEndian(bytes[16..], lastTimestamp.UtcTicks);
        return Base64Url.EncodeToString(bytes);
    }

    /// <returns>the time to continue after, or null when <paramref name="cursor"/> is not a cursor of this node's series</returns>
    public static DateTimeOffset? Read(string cursor, Guid nodeId)
    {
        Span<byte> bytes = stackalloc byte[Length];
        if (cursor.Length != Base64Url.GetEncodedLength(Length) || !Base64Url.IsValid(cursor)
            || !Base64Url.TryDecodeFromChars(cursor, bytes, out var written) || written != Length || new Guid(bytes[..16]) != nodeId)
        {
            return null;
        }

        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes[16..]);
        return ticks is >= 0 and <= 3155378975999999999 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
    }
}
