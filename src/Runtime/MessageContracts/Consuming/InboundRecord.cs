using Confluent.Kafka;

namespace MessageContracts;

/// <summary>
/// A received record as the consumer core sees it: where it came from and what it holds, with nothing of the client
/// that fetched it. The edge (<see cref="PartitionWorker"/>) builds it from Confluent's consume result, so the stages of
/// <see cref="RecordProcessor"/> can be driven without Kafka (and, later, by another transport).
/// </summary>
/// <remarks>
/// A struct, so a batch of them costs no allocation per record. The headers are still Confluent's header list, because
/// <see cref="EnvelopeReader"/> and <see cref="EnvelopeLimits"/> read that type; it is a plain list, built freely in
/// tests.
/// </remarks>
internal readonly record struct InboundRecord(string Topic, int Partition, long Offset, byte[]? Key, byte[]? Value, Headers? Headers)
{
    /// <summary>What the record holds in memory, roughly: its key, value and header bytes.</summary>
    public long Size
    {
        get
        {
            long size = (Key?.Length ?? 0) + (Value?.Length ?? 0);
            if (Headers is { } headers)
            {
                for (var i = 0; i < headers.Count; i++)
                {
                    size += headers[i].Key.Length + (headers[i].GetValueBytes()?.Length ?? 0);
                }
            }

            return size;
        }
    }
}
