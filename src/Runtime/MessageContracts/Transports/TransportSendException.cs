namespace MessageContracts.Transports;

/// <summary>Thrown by <see cref="TransportSenderExtensions.SendAsync"/> when the transport did not deliver the message.</summary>
public sealed class TransportSendException : Exception
{
    /// <summary>Creates the exception for <paramref name="failure"/>; its exception becomes the inner exception.</summary>
    /// <param name="failure">Why the send failed.</param>
    public TransportSendException(TransportSendFailure failure)
        : base((failure ?? throw new ArgumentNullException(nameof(failure))).Description, failure.Exception)
    {
        Failure = failure;
    }

    /// <summary>Why the send failed.</summary>
    public TransportSendFailure Failure { get; }
}
