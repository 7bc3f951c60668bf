namespace MessageContracts.Transports;

/// <summary>
/// A received record as the core sees it: where it came from and what it holds, with nothing of the client that
/// fetched it. A transport builds one per delivery and hands a lane's records, in order, to
/// <see cref="IInboundRecordPipeline.SettleAsync"/>.
/// </summary>
/// <remarks>A struct, so a batch of them costs no allocation per record.</remarks>
public readonly struct InboundRecord
{
    /// <summary>Creates the record.</summary>
    /// <param name="source">The topic, queue or stream it was read from: the contract's topic name.</param>
    /// <param name="lane">The ordered lane within the source (Kafka: the partition; a transport with one lane per source: 0).</param>
    /// <param name="position">The record's position in its lane, for logs and dead-letter headers (Kafka: the offset; RabbitMQ: the delivery tag).</param>
    /// <param name="key">The key (Kafka: the partition key; UTF-8), or null.</param>
    /// <param name="value">The body (the contract's JSON), or null.</param>
    /// <param name="headers">The headers (the CloudEvents envelope among them), or null when the record has none.</param>
    public InboundRecord(string source, int lane, long position, byte[]? key, byte[]? value, TransportHeaders? headers)
    {
        Source = source;
        Lane = lane;
        Position = position;
        Key = key;
        Value = value;
        Headers = headers;
    }

    /// <summary>The topic, queue or stream it was read from: the contract's topic name.</summary>
    public string Source { get; }

    /// <summary>The ordered lane within the source (Kafka: the partition; otherwise 0).</summary>
    public int Lane { get; }

    /// <summary>The record's position in its lane, for logs and dead-letter headers.</summary>
    public long Position { get; }

    /// <summary>The key (UTF-8), or null.</summary>
    public byte[]? Key { get; }

    /// <summary>The body, or null.</summary>
    public byte[]? Value { get; }

    /// <summary>The headers, or null when the record has none.</summary>
    public TransportHeaders? Headers { get; }

    /// <summary>What the record holds in memory, roughly: its key, value and header bytes.</summary>
    public long Size => SizeOf(Key, Value, Headers);

    /// <summary>What a record of <paramref name="key"/>, <paramref name="value"/> and <paramref name="headers"/> holds in memory, roughly.</summary>
    internal static long SizeOf(byte[]? key, byte[]? value, TransportHeaders? headers)
    {
        long size = (key?.Length ?? 0) + (value?.Length ?? 0);
        if (headers is not null)
        {
            for (var i = 0; i < headers.Count; i++)
            {
                size += headers.KeyAt(i).Length + (headers.ValueAt(i)?.Length ?? 0);
            }
        }

        return size;
    }
}
