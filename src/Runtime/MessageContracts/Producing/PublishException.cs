namespace MessageContracts;

/// <summary>
/// Kafka did not acknowledge a message within <see cref="MessageContractsOptions.PublishTimeout"/> (or refused it).
/// <see cref="Persistence"/> says whether it may have been stored anyway, and <see cref="MessageId"/> is the ID it
/// carried.
/// </summary>
/// <remarks>
/// <para>
/// To finish what the failure left open, publish the same message again with the same ID:
/// <c>PublishAsync(message, new PublishOptions { MessageId = exception.MessageId }, cancellationToken)</c>. If the
/// first attempt was stored after all, the consumers' deduplication drops the second copy, so the message has one
/// effect. Publishing it again without the ID gives it a new one (unless the contract derives its ID from a
/// <c>[MessageId]</c> member), and consumers would then handle both copies.
/// </para>
/// <para>
/// When <see cref="Persistence"/> is <see cref="MessagePersistence.NotWritten"/>, Kafka certainly does not have the
/// message: publishing again cannot make a second copy.
/// </para>
/// </remarks>
public sealed class PublishException : Exception
{
    /// <summary>Creates the exception for a message whose storage by Kafka is unknown (<see cref="MessagePersistence.PossiblyWritten"/>).</summary>
    /// <param name="messageId">The ID the message carried.</param>
    /// <param name="topic">The topic it was meant for.</param>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The Kafka error.</param>
    public PublishException(string messageId, string topic, string message, Exception? innerException = null)
        : this(messageId, topic, MessagePersistence.PossiblyWritten, message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="messageId">The ID the message carried.</param>
    /// <param name="topic">The topic it was meant for.</param>
    /// <param name="persistence">Whether Kafka may have stored the message.</param>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The Kafka error.</param>
    public PublishException(string messageId, string topic, MessagePersistence persistence, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        MessageId = messageId;
        Topic = topic;
        Persistence = persistence;
    }

    /// <summary>The ID the message carried: give it to <see cref="PublishOptions.MessageId"/> to publish the same message again.</summary>
    public string MessageId { get; }

    /// <summary>The topic it was meant for.</summary>
    public string Topic { get; }

    /// <summary>Whether Kafka may have stored the message despite the failure.</summary>
    public MessagePersistence Persistence { get; }
}
