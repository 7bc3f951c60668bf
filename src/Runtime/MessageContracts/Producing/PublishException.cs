namespace MessageContracts;

/// <summary>
/// Kafka did not acknowledge a message. The message keeps its ID, so publishing the same message again
/// after this exception cannot cause a second effect at a consumer that deduplicates.
/// </summary>
public sealed class PublishException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PublishException(string messageId, string topic, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        MessageId = messageId;
        Topic = topic;
    }

    /// <summary>The ID of the message that was not delivered.</summary>
    public string MessageId { get; }

    /// <summary>The topic it was meant for.</summary>
    public string Topic { get; }
}
