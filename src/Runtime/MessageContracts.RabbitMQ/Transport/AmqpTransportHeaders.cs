using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using MessageContracts.RabbitMQ.Consuming;
using MessageContracts.Transports;
using RabbitMQ.Client;

namespace MessageContracts.RabbitMQ.Transport;

/// <summary>
/// The seam's messages as AMQP 0-9-1 carries them, and back. Every header of an outgoing message travels as an AMQP
/// header with its bytes as given (so a retry or a dead letter re-sends the same ones); the AMQP properties repeat what
/// they were made for (<c>message-id</c> = <c>ce_id</c>, <c>type</c> = <c>ce_type</c>, <c>app-id</c> = <c>ce_source</c>,
/// <c>content-type</c>, persistent delivery). The ordering key, which AMQP has no place for, is the <c>mc_key</c> header.
/// </summary>
internal static class AmqpTransportHeaders
{
    /// <summary>The header that carries <see cref="OutboundMessage.Key"/>; removed again on receipt (it becomes <see cref="InboundRecord.Key"/>).</summary>
    public const string Key = "mc_key";

    // The ce_source and content-type decoded last (see RepeatedText).
    private static DecodedText? lastSource;
    private static DecodedText? lastContentType;

    public static BasicProperties Properties(in OutboundMessage message, TimeProvider clock)
    {
        var source = message.Headers;
        // Room for the key and for the header the client adds to track the publisher confirmation
        // (x-dotnet-pub-seq-no): a table one entry short is copied into a larger one on every publish.
        var headers = new Dictionary<string, object?>(source.Count + 2, StringComparer.Ordinal);
        for (var i = 0; i < source.Count; i++)
        {
            // A key may repeat in the seam's list (the last wins when read); an AMQP table holds one, the last.
            headers[source.KeyAt(i)] = source.ValueAt(i);
        }

        if (message.Key is { } key)
        {
            headers[Key] = key;
        }

        return new BasicProperties
        {
            MessageId = message.MessageId.Length > 0 ? message.MessageId : null,
            Type = message.MessageType.Length > 0 ? message.MessageType : null,
            AppId = RepeatedText(source, MessageHeaders.Source, ref lastSource),
            ContentType = RepeatedText(source, MessageHeaders.ContentType, ref lastContentType) ?? MessageHeaders.JsonContentType,
            Timestamp = new AmqpTimestamp(clock.GetUtcNow().ToUnixTimeSeconds()),
            DeliveryMode = DeliveryModes.Persistent,
            Headers = headers,
        };
    }

    /// <summary>
    /// A delivery as the seam's record of <paramref name="source"/>. Headers of text or bytes keep their bytes; numbers the
    /// broker adds (<c>x-delivery-count</c>) become invariant text; nested tables (<c>x-death</c>) are left out. A message
    /// from a plain AMQP publisher that set only the properties gets <c>ce_id</c>, <c>ce_type</c> and
    /// <c>content-type</c> from them, so the envelope reader finds what it needs either way.
    /// </summary>
    public static InboundRecord ToRecord(string source, int lane, RabbitMqDelivery delivery)
    {
        var headers = new TransportHeaderList((delivery.RawHeaders?.Count ?? 0) + 3);
        byte[]? key = null;
        if (delivery.RawHeaders is Dictionary<string, object?> table)
        {
            // The client's own table: enumerated without boxing an enumerator per delivery.
            foreach (var (name, value) in table)
            {
                Take(name, value);
            }
        }
        else if (delivery.RawHeaders is { } raw)
        {
            foreach (var (name, value) in raw)
            {
                Take(name, value);
            }
        }

        AddIfAbsent(headers, MessageHeaders.Id, delivery.MessageId);
        AddIfAbsent(headers, MessageHeaders.Type, delivery.MessageType);
        AddIfAbsent(headers, MessageHeaders.ContentType, delivery.ContentType);
        return new InboundRecord(source, lane, (long)delivery.DeliveryTag, key, BodyArray(delivery.Body), headers);

        void Take(string name, object? value)
        {
            if (Bytes(value) is not { } bytes)
            {
                return;
            }

            if (name == Key)
            {
                key = bytes;
                return;
            }

            headers.Add(name, bytes);
        }
    }

    /// <summary>
    /// The body's array itself when the body is a whole array (the consumer copies each delivery's body out of the
    /// client's buffer into one on receipt), so it is not copied a second time; otherwise a copy.
    /// </summary>
    private static byte[] BodyArray(ReadOnlyMemory<byte> body) =>
        MemoryMarshal.TryGetArray(body, out var segment) && segment.Array is { } array && segment.Offset == 0 && segment.Count == array.Length
            ? array
            : body.ToArray();

    private static void AddIfAbsent(TransportHeaderList headers, string name, string? value)
    {
        if (value is not null && !headers.TryGetLast(name, out _))
        {
            headers.Add(name, Encoding.UTF8.GetBytes(value));
        }
    }

    private static byte[]? Bytes(object? value) => value switch
    {
        byte[] bytes => bytes,
        string text => Encoding.UTF8.GetBytes(text),
        IFormattable formattable => Encoding.UTF8.GetBytes(formattable.ToString(null, CultureInfo.InvariantCulture)),
        _ => null,
    };

    /// <summary>
    /// As <see cref="Text"/>, but a value equal to the one decoded last for the same header gives the string decoded then:
    /// <c>ce_source</c> and <c>content-type</c> are the same on every publish of a service, and decoding them was a
    /// string per header per message. A race between two publishes only decodes once more.
    /// </summary>
    private static string? RepeatedText(TransportHeaders headers, string name, ref DecodedText? last)
    {
        if (!headers.TryGetLast(name, out var value) || value is not { Length: > 0 and <= 1024 })
        {
            return null;
        }

        if (Volatile.Read(ref last) is { } previous && value.AsSpan().SequenceEqual(previous.Bytes))
        {
            return previous.Text;
        }

        var text = Text(value);
        if (text is not null)
        {
            // A copy: the array is the message's, which its sender might reuse.
            Volatile.Write(ref last, new DecodedText(value.AsSpan().ToArray(), text));
        }

        return text;
    }

    private static string? Text(byte[] value)
    {
        try
        {
            return Encoding.UTF8.GetString(value);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>A header's bytes and the string they decode to.</summary>
    private sealed record DecodedText(byte[] Bytes, string Text);
}
