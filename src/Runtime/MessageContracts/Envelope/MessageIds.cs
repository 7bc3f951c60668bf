using System.Buffers.Binary;
using System.Security.Cryptography;

namespace MessageContracts;

/// <summary>
/// Creates message IDs: UUID version 7 (RFC 9562), a 48-bit Unix millisecond timestamp followed by random
/// bits. Time-ordered IDs keep deduplication-store indexes append-mostly; the random part makes a collision
/// between producers vanishingly unlikely.
/// </summary>
internal static class MessageIds
{
    /// <summary>Returns a new UUIDv7 in its canonical lowercase <c>8-4-4-4-12</c> form.</summary>
    public static string NewId(TimeProvider timeProvider)
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes[6..]);

        var unixMilliseconds = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        // Big-endian 48-bit timestamp in bytes 0..5 (write 64 bits into 0..7, then overwrite 6..7 with random).
        Span<byte> timestamp = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(timestamp, unixMilliseconds);
        timestamp[2..].CopyTo(bytes);

        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x70); // version 7
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant

        // bigEndian: the bytes are in RFC order, so the text form shows the timestamp first.
        return new Guid(bytes, bigEndian: true).ToString("D");
    }
}
