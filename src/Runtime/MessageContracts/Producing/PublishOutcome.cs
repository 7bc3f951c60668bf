namespace MessageContracts;

/// <summary>What became of a published message (<see cref="PublishResult.Outcome"/>).</summary>
public enum PublishOutcome
{
    /// <summary>Kafka acknowledged the message; <see cref="PublishResult.Partition"/> and <see cref="PublishResult.Offset"/> say where it is.</summary>
    Delivered = 0,

    /// <summary>
    /// Kafka did not acknowledge the message and the <see cref="PublishFailurePolicy.Ignore"/> policy dropped it
    /// (counted and logged). It may still have reached Kafka if only the acknowledgement was lost.
    /// </summary>
    NotDelivered = 1,

    /// <summary>
    /// Kafka did not acknowledge the message and the <see cref="PublishFailurePolicy.LogFailure"/> policy wrote it to
    /// the <see cref="IPublishFailureLog"/>, from where <see cref="IPublishFailureReplayer"/> re-sends it.
    /// </summary>
    Logged = 2,
}
