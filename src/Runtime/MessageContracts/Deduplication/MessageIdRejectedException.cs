namespace MessageContracts;

/// <summary>
/// Thrown by a deduplication store (or the transactional inbox) that cannot record a message ID because of the ID
/// itself: a key too long for the store's index, a value its column or a constraint refuses. Retrying cannot help, so
/// the consumer dead-letters the record with <see cref="Exception.Message"/> as the reason and goes on with the partition.
/// </summary>
/// <remarks>
/// Any other exception from a store means the store is unavailable or failing, and the consumer retries it with backoff
/// (the partition waits; nothing is skipped). A custom <see cref="IDeduplicationStore"/> should throw this only when it
/// can tell that the record, not the database or the configuration, is at fault; the stores here check that by writing a
/// known-good ID in a transaction they roll back.
/// </remarks>
public sealed class MessageIdRejectedException : Exception
{
    /// <summary>Creates the exception for <paramref name="messageId"/>.</summary>
    /// <param name="messageId">The ID the store refused.</param>
    /// <param name="message">Why, in words a dead-letter reader understands.</param>
    /// <param name="innerException">The store's own error, when there is one.</param>
    public MessageIdRejectedException(string messageId, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        MessageId = messageId ?? throw new ArgumentNullException(nameof(messageId));
    }

    /// <summary>The ID the store refused.</summary>
    public string MessageId { get; }

    /// <summary>
    /// <paramref name="messageId"/> as a dead-letter reason shows it: its first 40 characters (a hostile ID may be
    /// megabytes long) and its length in characters.
    /// </summary>
    internal static string Describe(string messageId)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        return messageId.Length <= 40
            ? $"'{messageId}'"
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"'{messageId[..40]}...' ({messageId.Length:N0} characters)");
    }
}
