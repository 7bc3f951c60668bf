using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace MessageContracts;

/// <summary>
/// Creates message IDs. By default UUID version 7 (RFC 9562), a 48-bit Unix millisecond timestamp followed by random
/// bits: time-ordered IDs keep deduplication-store indexes append-mostly, and the random part makes a collision
/// between producers vanishingly unlikely. For a contract with a <c>[MessageId]</c> member, a name-based UUID
/// version 8 derived from the message type and the member's value (<see cref="Derive"/>).
/// </summary>
internal static class MessageIds
{
    /// <summary>
    /// The namespace of derived IDs (RFC 9562 name-based UUIDs), fixed forever: changing it would change every derived
    /// ID and break deduplication across versions.
    /// </summary>
    public static readonly Guid DerivedIdNamespace = new("5b1f3c2e-8d4a-4f6b-9e07-2c8a1d6e4b93");

    /// <summary>The ID of <paramref name="message"/>: derived from its <c>[MessageId]</c> member when it has one, else a new UUIDv7.</summary>
    public static string For<TMessage>(TMessage message, TimeProvider timeProvider)
        where TMessage : IMessageContract<TMessage> =>
        TMessage.GetMessageIdValue(message) is { } value ? Derive(TMessage.MessageType, value) : NewId(timeProvider);

    /// <summary>The ID of <paramref name="message"/>: derived from its <c>[MessageId]</c> member when it has one, else a new UUIDv7 of <paramref name="now"/>.</summary>
    public static string For<TMessage>(TMessage message, DateTimeOffset now)
        where TMessage : IMessageContract<TMessage> =>
        TMessage.GetMessageIdValue(message) is { } value ? Derive(TMessage.MessageType, value) : NewId(now);

    /// <summary>
    /// The derived ID of a message of type <paramref name="messageType"/> (its <c>ce_type</c>) whose <c>[MessageId]</c>
    /// value is <paramref name="value"/>: a name-based UUID version 8 over SHA-256 as in RFC 9562 (section 5.8 and
    /// appendix B.2). SHA-256 over the 16 bytes of <see cref="DerivedIdNamespace"/> (in network order) followed by the
    /// UTF-8 bytes of <c>messageType + "\n" + value</c>; the first 16 bytes of the hash, with the version nibble set to
    /// 8 and the variant bits to 10; written lowercase <c>8-4-4-4-12</c>. A message type has no control characters, so
    /// the first line feed separates the two parts.
    /// </summary>
    public static string Derive(string messageType, string value)
    {
        var name = messageType + "\n" + value;
        var nameLength = Encoding.UTF8.GetByteCount(name);
        var input = nameLength <= 1024 ? stackalloc byte[16 + nameLength] : new byte[16 + nameLength];
        DerivedIdNamespace.TryWriteBytes(input, bigEndian: true, out _);
        Encoding.UTF8.GetBytes(name, input[16..]);

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input, hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true).ToString("D");
    }

    /// <summary>Returns a new UUIDv7 in its canonical lowercase <c>8-4-4-4-12</c> form.</summary>
    public static string NewId(TimeProvider timeProvider) => NewId(timeProvider.GetUtcNow());

    /// <summary>Returns a new UUIDv7 of <paramref name="now"/> in its canonical lowercase <c>8-4-4-4-12</c> form.</summary>
    public static string NewId(DateTimeOffset now)
    {
        // The random bits come from Guid.NewGuid: cryptographically secure random bytes, as RandomNumberGenerator's are,
        // at a fraction of the cost per call (RandomNumberGenerator.Fill was a fifth of a publish's CPU time in the
        // publish profile of issue 12). Bytes 0..5 and the version and variant bits are overwritten below.
        Span<byte> bytes = stackalloc byte[16];
        Guid.NewGuid().TryWriteBytes(bytes);

        var unixMilliseconds = now.ToUnixTimeMilliseconds();
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
