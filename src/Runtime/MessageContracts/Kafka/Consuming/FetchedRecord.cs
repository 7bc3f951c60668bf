using MessageContracts.Transports;

namespace MessageContracts;

/// <summary>
/// A consumed Kafka record as a partition worker keeps it between the poll loop and its settlement: the offset, the
/// key, the value and a compact copy of the headers, and nothing else of Confluent's <c>ConsumeResult</c>.
/// </summary>
/// <remarks>
/// Why not keep the <c>ConsumeResult</c>: a record waits for its batch's claim commit, its handlers and the next batch's
/// claim, which under load outlives a gen0 and a gen1 collection. Confluent's graph for one record (the result, the
/// message, the topic string, a header list with a <c>Header</c>, a key string and a value array per header: about
/// 1.4 KB in some 20 objects) was copied by both collections and ended in gen2 (docs/benchmarks.md, "Session 7"). What
/// is kept here is the key and value arrays and <see cref="RetainedHeaders"/> (about 0.55 KB in 6 objects); the rest
/// dies young on the poll thread.
/// </remarks>
internal readonly struct FetchedRecord
{
    public FetchedRecord(long offset, int? leaderEpoch, byte[]? key, byte[]? value, TransportHeaders? headers)
    {
        Offset = offset;
        LeaderEpoch = leaderEpoch;
        Key = key;
        Value = value;
        Headers = headers;
        Size = InboundRecord.SizeOf(key, value, headers);
    }

    /// <summary>The record's offset in its partition.</summary>
    public long Offset { get; }

    /// <summary>The partition leader's epoch when the record was fetched, stored with the offset (log truncation detection).</summary>
    public int? LeaderEpoch { get; }

    public byte[]? Key { get; }

    public byte[]? Value { get; }

    public TransportHeaders? Headers { get; }

    /// <summary>What the record holds in memory, roughly: its key, value and header bytes (the back-pressure by bytes).</summary>
    public long Size { get; }
}
