namespace MessageContracts.RabbitMQ.Publishing;

/// <summary>Why a publish did not complete.</summary>
internal enum RabbitMqPublishFailure
{
    /// <summary>The broker refused the message (basic.nack): it is not stored.</summary>
    Nacked,

    /// <summary>No queue received the mandatory message (basic.return): a command without its owner's queue.</summary>
    Returned,

    /// <summary>No confirmation came within the publish timeout: the message may or may not be stored.</summary>
    TimedOut,

    /// <summary>The connection or channel closed before the confirmation: the message may or may not be stored.</summary>
    ConnectionLost,
}

/// <summary>
/// A publish failed. It carries the message's ID, so that the caller's failure policy can log it or publish it again
/// under the same ID (which the consumer's deduplication then drops if the first attempt was stored after all).
/// </summary>
internal sealed class RabbitMqPublishException : Exception
{
    public RabbitMqPublishException(string messageId, RabbitMqPublishFailure failure, string message, Exception? innerException = null)
        : base($"{message} (message ID {messageId})", innerException)
    {
        MessageId = messageId;
        Failure = failure;
    }

    public string MessageId { get; }

    public RabbitMqPublishFailure Failure { get; }
}
