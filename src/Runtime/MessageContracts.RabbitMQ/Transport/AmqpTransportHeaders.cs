using System.Globalization;
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

    public static BasicProperties Properties(in OutboundMessage message, TimeProvider clock)
    {
        var source = message.Headers;
        var headers = new Dictionary<string, object?>(source.Count + 1, StringComparer.Ordinal);
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
            AppId = Text(source, MessageHeaders.Source),
            ContentType = Text(source, MessageHeaders.ContentType) ?? MessageHeaders.JsonContentType,
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
        if (delivery.RawHeaders is { } raw)
        {
            foreach (var (name, value) in raw)
            {
                if (Bytes(value) is not { } bytes)
                {
                    continue;
                }

                if (name == Key)
                {
                    key = bytes;
                    continue;
                }

                headers.Add(name, bytes);
            }
        }

        AddIfAbsent(headers, MessageHeaders.Id, delivery.MessageId);
        AddIfAbsent(headers, MessageHeaders.Type, delivery.MessageType);
        AddIfAbsent(headers, MessageHeaders.ContentType, delivery.ContentType);
        return new InboundRecord(source, lane, (long)delivery.DeliveryTag, key, delivery.Body.ToArray(), headers);
    }

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

    private static string? Text(TransportHeaders headers, string name)
    {
        try
        {
            return headers.TryGetLast(name, out var value) && value is { Length: > 0 and <= 1024 } ? Encoding.UTF8.GetString(value) : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
