namespace MessageContracts;

/// <summary>
/// Where records that cannot be handled go: the transport's dead-letter destination. <see cref="DeadLetterPublisher"/>
/// sends through the transport's <see cref="ITransportSender"/>; the consumer core sees only this, so it can be tested
/// without a broker.
/// </summary>
internal interface IDeadLetterSink
{
    /// <summary>The dead-letter destination of records from <paramref name="topic"/> (for the log).</summary>
    string DeadLetterTopicFor(string topic);

    /// <summary>Writes <paramref name="record"/> with its reason; completes once the write is durable.</summary>
    Task PublishAsync(InboundRecord record, string reason, Exception? exception, int attempts, CancellationToken cancellationToken);

    /// <summary>
    /// Hands <paramref name="record"/> back to the transport for a delayed retry (<see cref="IDelayedRetrySender"/>);
    /// false when the transport keeps none or the record's retries are used up.
    /// </summary>
    Task<bool> TryRetryLaterAsync(InboundRecord record, CancellationToken cancellationToken) => Task.FromResult(false);
}
