using MessageContracts.Transports;

namespace MessageContracts;

/// <summary>Encodes a record's headers as one blob for an outbox row (<see cref="HeaderBlob"/>), and back.</summary>
internal static class OutboxHeaders
{
    public static byte[] Encode(TransportHeaders headers) =>
        HeaderBlob.Encode(headers.Count, Enumerable.Range(0, headers.Count), headers.KeyAt, headers.ValueAt);

    public static TransportHeaderList Decode(byte[] encoded) =>
        HeaderBlob.Decode(encoded, static _ => new TransportHeaderList(), static (headers, _, key, value) => headers.Add(key, value));
}
