using Confluent.Kafka;
using MessageContracts.Transports;

namespace MessageContracts;

/// <summary>
/// Confluent's header list of a consumed record seen as <see cref="TransportHeaders"/>: a view, not a copy (one small
/// object per record).
/// </summary>
internal sealed class KafkaTransportHeaders(Headers inner) : TransportHeaders
{
    public Headers Inner { get; } = inner;

    public override int Count => Inner.Count;

    public override string KeyAt(int index) => Inner[index].Key;

    public override byte[]? ValueAt(int index) => Inner[index].GetValueBytes();

    public override bool TryGetLast(string key, out byte[]? value)
    {
        if (Inner.TryGetLastBytes(key, out var bytes))
        {
            value = bytes;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>
    /// Confluent headers for an outgoing record. A consumed record's are unwrapped; the core's envelope gets the shared
    /// constant header objects (Confluent copies header values into librdkafka and never writes to them, so one object
    /// each serves every record); anything else is copied.
    /// </summary>
    public static Headers ToKafka(TransportHeaders headers)
    {
        switch (headers)
        {
            case KafkaTransportHeaders kafka:
                return kafka.Inner;
            case EnvelopeHeaders envelope:
                var constants = envelope.Constants.TransportCache as ConstantHeaders
                    ?? (ConstantHeaders)(envelope.Constants.TransportCache = new ConstantHeaders(envelope.Constants));
                var built = new Headers
                {
                    SpecVersionHeader,
                    { MessageHeaders.Id, envelope.Id },
                    constants.Type,
                    constants.Source,
                    { MessageHeaders.Time, envelope.Time },
                    JsonContentTypeHeader,
                };
                if (envelope.TraceParent is { } traceParent)
                {
                    built.Add(MessageHeaders.TraceParent, traceParent);
                    if (envelope.TraceState is { } traceState)
                    {
                        built.Add(MessageHeaders.TraceState, traceState);
                    }
                }

                return built;
            default:
                var copy = new Headers();
                for (var i = 0; i < headers.Count; i++)
                {
                    copy.Add(headers.KeyAt(i), headers.ValueAt(i));
                }

                return copy;
        }
    }

    private static readonly Header SpecVersionHeader = new(MessageHeaders.SpecVersion, EnvelopeHeaders.SpecVersionValue);
    private static readonly Header JsonContentTypeHeader = new(MessageHeaders.ContentType, EnvelopeHeaders.JsonContentTypeValue);

    /// <summary>A producer's ce_type and ce_source as header objects, built once.</summary>
    private sealed class ConstantHeaders(EnvelopeConstants constants)
    {
        public Header Type { get; } = new(MessageHeaders.Type, constants.Type);

        public Header Source { get; } = new(MessageHeaders.Source, constants.Source);
    }
}
