namespace MessageContracts;

/// <summary>
/// A record's payload could not be read as the contract it claims to be. The consumer dead-letters such a
/// record at once (retrying cannot fix it) with this exception's message as the reason.
/// </summary>
public sealed class MessageDeserializationException : Exception
{
    /// <summary>Creates the exception with a message that says what was wrong with the payload.</summary>
    public MessageDeserializationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public MessageDeserializationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
