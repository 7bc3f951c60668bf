using System.Text;
using System.Text.Json;

namespace MessageContracts.Behaviour.Tests.Support;

/// <summary>Records as a foreign producer writes them, for <see cref="Transports.TransportUnderTest.SendRawAsync"/>: any headers, any bytes.</summary>
public static class RawEnvelope
{
    /// <summary>The CloudEvents headers of a message of <paramref name="type"/> with <paramref name="messageId"/> (given as bytes, so it can be anything).</summary>
    public static List<KeyValuePair<string, byte[]>> Headers(byte[] messageId, string type) =>
    [
        new(MessageHeaders.SpecVersion, "1.0"u8.ToArray()),
        new(MessageHeaders.Id, messageId),
        new(MessageHeaders.Type, Encoding.UTF8.GetBytes(type)),
        new(MessageHeaders.Source, "foreign-producer"u8.ToArray()),
        new(MessageHeaders.ContentType, "application/json"u8.ToArray()),
    ];

    /// <summary>As <see cref="Headers(byte[], string)"/>, for an ASCII ID.</summary>
    public static List<KeyValuePair<string, byte[]>> Headers(string messageId, string type) => Headers(Encoding.ASCII.GetBytes(messageId), type);

    /// <summary>A contract's JSON, as its generated serializer writes it.</summary>
    public static byte[] Serialize<T>(T message)
        where T : IMessageContract<T>
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            T.Serialize(writer, message);
        }

        return buffer.ToArray();
    }

    /// <summary><paramref name="headers"/> without <paramref name="name"/>.</summary>
    public static List<KeyValuePair<string, byte[]>> Without(List<KeyValuePair<string, byte[]>> headers, string name)
    {
        headers.RemoveAll(h => h.Key == name);
        return headers;
    }

    /// <summary><paramref name="headers"/> with <paramref name="name"/> set to <paramref name="value"/>.</summary>
    public static List<KeyValuePair<string, byte[]>> Replace(List<KeyValuePair<string, byte[]>> headers, string name, byte[] value)
    {
        headers.RemoveAll(h => h.Key == name);
        headers.Add(new(name, value));
        return headers;
    }
}
