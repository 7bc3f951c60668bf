using System.Buffers;
using System.Text;
using System.Text.Json;

namespace MessageContracts.Redis;

/// <summary>
/// How a message is laid out in one pub/sub payload: a JSON object with the stream entry's fields, in the same order and
/// under the same names (<see cref="StreamFields"/>): every header (<c>ce_specversion</c>, <c>ce_id</c>, <c>ce_type</c>,
/// <c>ce_source</c>, <c>ce_time</c>, <c>content-type</c>, <c>traceparent</c>, ...) as a string member, the ordering key
/// as <c>partitionkey</c>, and the body, the contract's JSON, as <c>data</c>. A foreign publisher can write one with any
/// JSON library (or redis-cli); a payload that is not such an object arrives without headers and is dead-lettered as
/// unreadable.
/// </summary>
internal static class RedisPubSubPayload
{
    /// <summary>The payload of <paramref name="message"/>.</summary>
    /// <exception cref="ArgumentException">A header is not UTF-8 text, or the body is not JSON: nothing is sent.</exception>
    public static byte[] Encode(in OutboundMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(message.Body.Length + 512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            var headers = message.Headers;
            for (var i = 0; i < headers.Count; i++)
            {
                writer.WriteString(headers.KeyAt(i), headers.ValueAt(i) ?? []);
            }

            if (message.Key is { } key)
            {
                writer.WriteString(StreamFields.PartitionKey, key);
            }

            writer.WritePropertyName(StreamFields.Data);
            try
            {
                // Validated: a body that is not JSON would make the whole payload unreadable for every subscriber.
                writer.WriteRawValue(message.Body, skipInputValidation: false);
            }
            catch (JsonException exception)
            {
                throw new ArgumentException("The body is not JSON, which a pub/sub payload carries as 'data'.", nameof(message), exception);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The record of a payload received on <paramref name="source"/>'s channel; one that cannot be read keeps its bytes as the value and has no headers.</summary>
    public static InboundRecord Decode(string source, byte[] payload)
    {
        try
        {
            return Read(source, payload);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or ArgumentException)
        {
            // No envelope: the core dead-letters it as unreadable, with the payload as it came.
            return new InboundRecord(source, 0, -1, null, payload, null);
        }
    }

    private static InboundRecord Read(string source, byte[] payload)
    {
        var reader = new Utf8JsonReader(payload);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Not a JSON object.");
        }

        byte[]? key = null;
        byte[]? value = null;
        var headers = new TransportHeaderList(8);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (name == StreamFields.Data)
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                value = payload[start..(int)reader.BytesConsumed];
            }
            else if (reader.TokenType == JsonTokenType.String)
            {
                var text = Encoding.UTF8.GetBytes(reader.GetString()!);
                if (name == StreamFields.PartitionKey)
                {
                    key = text;
                }
                else
                {
                    headers.Add(name, text);
                }
            }
            else
            {
                throw new JsonException($"Member '{name}' is not a string.");
            }
        }

        return new InboundRecord(source, 0, -1, key, value, headers.Count > 0 ? headers : null);
    }
}
