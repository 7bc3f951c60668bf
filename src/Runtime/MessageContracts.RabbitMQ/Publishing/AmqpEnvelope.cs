using System.Globalization;
using System.Text;
using RabbitMQ.Client;

namespace MessageContracts.RabbitMQ.Publishing;

/// <summary>
/// The CloudEvents attributes of a message as AMQP 0-9-1 carries them. The AMQP properties hold what they were made for
/// (<c>message-id</c> = <c>ce_id</c>, <c>type</c>, <c>content-type</c>, <c>timestamp</c>, <c>app-id</c> = source,
/// persistent delivery mode); the headers repeat every attribute under the names the Kafka binding uses
/// (<see cref="MessageHeaders"/>: <c>ce_id</c>, <c>ce_type</c>, ...), so the envelope reader above the transport seam
/// reads both brokers alike and <c>ce_time</c> keeps the precision the AMQP timestamp (whole seconds) drops.
/// </summary>
internal static class AmqpEnvelope
{
    public static BasicProperties Properties(OutgoingRabbitMessage message)
    {
        var headers = new Dictionary<string, object?>(8)
        {
            [MessageHeaders.SpecVersion] = MessageHeaders.SpecVersionValue,
            [MessageHeaders.Id] = message.MessageId,
            [MessageHeaders.Type] = message.MessageType,
            [MessageHeaders.Source] = message.Source,
            [MessageHeaders.Time] = message.Time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        };
        if (message.TraceParent is not null)
        {
            headers[MessageHeaders.TraceParent] = message.TraceParent;
        }

        if (!string.IsNullOrEmpty(message.TraceState))
        {
            headers[MessageHeaders.TraceState] = message.TraceState;
        }

        return new BasicProperties
        {
            MessageId = message.MessageId,
            Type = message.MessageType,
            AppId = message.Source,
            ContentType = MessageHeaders.JsonContentType,
            Timestamp = new AmqpTimestamp(message.Time.ToUnixTimeSeconds()),
            DeliveryMode = DeliveryModes.Persistent,
            Headers = headers,
        };
    }

    /// <summary>
    /// A delivery's headers as text (AMQP long strings arrive as bytes), with <c>content-type</c> from the property;
    /// headers of other types (numbers the broker adds, such as <c>x-delivery-count</c>) in invariant text.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ReadHeaders(IReadOnlyBasicProperties properties) =>
        ReadHeaders(properties.Headers, properties.ContentType);

    /// <summary>As <see cref="ReadHeaders(IReadOnlyBasicProperties)"/>, from the headers and the content type as delivered.</summary>
    public static IReadOnlyDictionary<string, string> ReadHeaders(IDictionary<string, object?>? rawHeaders, string? contentType)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (rawHeaders is { } raw)
        {
            foreach (var (name, value) in raw)
            {
                if (Text(value) is { } text)
                {
                    headers[name] = text;
                }
            }
        }

        if (contentType is not null)
        {
            headers[MessageHeaders.ContentType] = contentType;
        }

        return headers;
    }

    private static string? Text(object? value) => value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        string text => text,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => null,
    };
}
