using Confluent.Kafka;
using MessageContracts.Transports;

namespace MessageContracts.Tests.Envelope;

/// <summary>
/// <see cref="EnvelopeReader"/> over Confluent's header list, as the Kafka consumer hands it over: through the
/// <see cref="KafkaTransportHeaders"/> view (a live view, so a test may change the list between reads).
/// </summary>
internal static class KafkaEnvelope
{
    public static bool TryRead(Headers? headers, out InboundEnvelope envelope, out string? reason) =>
        EnvelopeReader.TryRead(Wrap(headers), out envelope, out reason);

    public static bool TryRead(Headers? headers, in EnvelopeLimits limits, out InboundEnvelope envelope, out string? reason) =>
        EnvelopeReader.TryRead(Wrap(headers), limits, out envelope, out reason);

    public static bool TryRead(TransportHeaders? headers, out InboundEnvelope envelope, out string? reason) =>
        EnvelopeReader.TryRead(headers, out envelope, out reason);

    private static KafkaTransportHeaders? Wrap(Headers? headers) => headers is null ? null : new KafkaTransportHeaders(headers);
}
