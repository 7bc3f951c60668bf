namespace MessageContracts;

/// <summary>
/// The outcome of a publish: the ID the message carries, where Kafka stored it, or, when it was not
/// delivered and the failure policy did not throw, what happened to it instead.
/// </summary>
/// <param name="MessageId">The message's unique ID (<c>ce_id</c>).</param>
/// <param name="Topic">The topic written to.</param>
/// <param name="Partition">The partition written to; -1 when the message was not delivered.</param>
/// <param name="Offset">The offset Kafka assigned; -1 when the message was not delivered.</param>
public readonly record struct PublishResult(string MessageId, string Topic, int Partition, long Offset)
{
    /// <summary>
    /// What became of the message. <see cref="PublishOutcome.Delivered"/> unless a failure policy other than
    /// <see cref="PublishFailurePolicy.Retry"/> handled a delivery failure.
    /// </summary>
    public PublishOutcome Outcome { get; init; }

    /// <summary>Whether Kafka acknowledged the message (<see cref="Outcome"/> is <see cref="PublishOutcome.Delivered"/>).</summary>
    public bool Delivered => Outcome == PublishOutcome.Delivered;

    /// <summary>Why delivery failed (the Kafka error code and reason); <see langword="null"/> when delivered.</summary>
    public string? FailureReason { get; init; }

    /// <summary>
    /// How many subscribers received the message, where the transport can say: a contract marked
    /// <c>[Event(Delivery = Delivery.AtMostOnce)]</c> over Redis pub/sub reports the <c>PUBLISH</c> reply, and 0 means
    /// nobody was listening and the message is gone (a warning is logged too). <see langword="null"/> for a message the
    /// broker stored (Kafka, RabbitMQ, Redis Streams), whose readers are not known when it is written.
    /// </summary>
    public long? Receivers { get; init; }

    /// <summary>A result for a message Kafka did not acknowledge.</summary>
    internal static PublishResult NotDeliveredResult(string messageId, string topic, PublishOutcome outcome, string reason) =>
        new(messageId, topic, Partition: -1, Offset: -1) { Outcome = outcome, FailureReason = reason };
}
