using Confluent.Kafka;

namespace MessageContracts;

/// <summary>Encodes Kafka headers as one blob for an outbox row (<see cref="HeaderBlob"/>), and back.</summary>
internal static class OutboxHeaders
{
    public static byte[] Encode(Headers headers) =>
        HeaderBlob.Encode(headers.Count, headers, static header => header.Key, static header => header.GetValueBytes());

    public static Headers Decode(byte[] encoded) =>
        HeaderBlob.Decode(encoded, static _ => new Headers(), static (headers, _, key, value) => headers.Add(key, value));
}
