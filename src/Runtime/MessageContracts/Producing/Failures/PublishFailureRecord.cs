namespace MessageContracts;

/// <summary>
/// A message Kafka did not acknowledge, exactly as it was to be produced, kept in an
/// <see cref="IPublishFailureLog"/> until <see cref="IPublishFailureReplayer"/> delivers it.
/// </summary>
public sealed record PublishFailureRecord
{
    /// <summary>
    /// The log's position of the record, assigned by the log when the record is appended (0 before that).
    /// Records are read and replayed in this order, which keeps one key's messages in their original order.
    /// </summary>
    public long Sequence { get; init; }

    /// <summary>The message's unique ID (<c>ce_id</c>); replay keeps it. A log holds at most one record per ID.</summary>
    public required string MessageId { get; init; }

    /// <summary>The message type (<c>ce_type</c>), for people reading the log.</summary>
    public required string MessageType { get; init; }

    /// <summary>The topic the message was meant for.</summary>
    public required string Topic { get; init; }

    /// <summary>The Kafka key (the <c>[PartitionKey]</c> value as UTF-8), or <see langword="null"/> for none.</summary>
    public byte[]? Key { get; init; }

    /// <summary>The Kafka value: the serialized message.</summary>
    public required byte[] Value { get; init; }

    /// <summary>Every Kafka header of the record (CloudEvents and trace context), in order.</summary>
    public IReadOnlyList<PublishFailureHeader> Headers { get; init; } = [];

    /// <summary>Why the latest attempt failed: the Kafka error code and reason.</summary>
    public required string Reason { get; init; }

    /// <summary>When the first attempt failed.</summary>
    public required DateTimeOffset FailedAt { get; init; }

    /// <summary>When the latest attempt failed: <see cref="FailedAt"/> until a replay fails too.</summary>
    public DateTimeOffset LastAttemptAt { get; init; }

    /// <summary>
    /// How many times the toolkit tried to deliver the record: 1 for the original publish, plus one per
    /// failed replay. Each try includes the producer's own retries within the publish timeout.
    /// </summary>
    public int Attempts { get; init; } = 1;
}

/// <summary>One Kafka header of a <see cref="PublishFailureRecord"/>.</summary>
/// <param name="Key">The header name.</param>
/// <param name="Value">The header value as bytes; <see langword="null"/> for a header without a value.</param>
public readonly record struct PublishFailureHeader(string Key, byte[]? Value);
