namespace MessageContracts;

/// <summary>
/// Whether Kafka may have stored a message whose publish failed (<see cref="PublishException.Persistence"/>): the
/// answer to "if I publish it again, can there be two copies?". Taken from the producer's delivery report.
/// </summary>
public enum MessagePersistence
{
    /// <summary>
    /// Kafka certainly did not store the message: it was refused before it was sent, or the request carrying it
    /// never left this process or was answered with an error. Publishing it again cannot make a second copy.
    /// </summary>
    NotWritten = 0,

    /// <summary>
    /// Kafka may have stored the message: a request carrying it was sent but its answer did not come in time (a
    /// timeout or a dropped connection). Publish it again with the same ID (<see cref="PublishOptions.MessageId"/>);
    /// consumers that deduplicate drop the second copy if the first one was stored.
    /// </summary>
    PossiblyWritten = 1,

    /// <summary>
    /// Kafka reported the message as stored although the publish failed (rare). Publishing it again makes a second
    /// copy, which consumers that deduplicate drop when it carries the same ID.
    /// </summary>
    Written = 2,
}
