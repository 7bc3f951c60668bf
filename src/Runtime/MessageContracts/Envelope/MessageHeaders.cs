namespace MessageContracts;

/// <summary>
/// The Kafka header names a message travels with: the CloudEvents Kafka protocol binding in binary content
/// mode (<c>ce_*</c> and <c>content-type</c>), W3C trace context, and the dead-letter headers this toolkit adds.
/// A record produced by any Kafka client with the CloudEvents headers is consumed like one of ours.
/// </summary>
public static class MessageHeaders
{
    /// <summary>CloudEvents spec version; always <c>1.0</c>.</summary>
    public const string SpecVersion = "ce_specversion";

    /// <summary>The message's unique ID (a UUIDv7 for messages this toolkit creates); the deduplication key.</summary>
    public const string Id = "ce_id";

    /// <summary>The message type name (the contract's stable name).</summary>
    public const string Type = "ce_type";

    /// <summary>The service that created the message.</summary>
    public const string Source = "ce_source";

    /// <summary>When the message was created, RFC 3339.</summary>
    public const string Time = "ce_time";

    /// <summary>The payload's media type; <c>application/json</c>.</summary>
    public const string ContentType = "content-type";

    /// <summary>W3C trace context of the publishing operation.</summary>
    public const string TraceParent = "traceparent";

    /// <summary>W3C trace state that travels with <see cref="TraceParent"/>.</summary>
    public const string TraceState = "tracestate";

    /// <summary>The CloudEvents spec version this toolkit writes.</summary>
    public const string SpecVersionValue = "1.0";

    /// <summary>The media type of the payloads this toolkit writes.</summary>
    public const string JsonContentType = "application/json";

    /// <summary>On a dead-lettered record: why it was dead-lettered.</summary>
    public const string DeadLetterReason = "mc_dlt_reason";

    /// <summary>On a dead-lettered record: the full name of the exception that made handling fail, when there was one.</summary>
    public const string DeadLetterExceptionType = "mc_dlt_exception_type";

    /// <summary>On a dead-lettered record: the topic it was read from.</summary>
    public const string DeadLetterOriginalTopic = "mc_dlt_original_topic";

    /// <summary>On a dead-lettered record: the partition it was read from.</summary>
    public const string DeadLetterOriginalPartition = "mc_dlt_original_partition";

    /// <summary>On a dead-lettered record: its offset in the original partition.</summary>
    public const string DeadLetterOriginalOffset = "mc_dlt_original_offset";

    /// <summary>On a dead-lettered record: the consumer group that gave up on it.</summary>
    public const string DeadLetterConsumerGroup = "mc_dlt_consumer_group";

    /// <summary>On a dead-lettered record: how many attempts were made to handle it.</summary>
    public const string DeadLetterAttempts = "mc_dlt_attempts";
}
