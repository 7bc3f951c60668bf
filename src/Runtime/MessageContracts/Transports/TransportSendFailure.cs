namespace MessageContracts.Transports;

/// <summary>
/// Why a send failed, as the core's publish failure policy needs it: a code and reason for the log, whether the broker
/// may have stored the message anyway, and the transport's own exception (kept as the inner exception).
/// </summary>
public sealed class TransportSendFailure
{
    /// <summary>Describes a failed send.</summary>
    /// <param name="code">A short code (Kafka: the librdkafka error code, e.g. <c>Local_MsgTimedOut</c>).</param>
    /// <param name="reason">The broker's or client's description.</param>
    /// <param name="persistence">Whether the broker may have stored the message.</param>
    /// <param name="exception">The transport's own exception.</param>
    /// <param name="timedOut">Whether the send timed out (no answer), rather than being refused.</param>
    /// <param name="tooLarge">Whether the message is over the broker's or client's size limit: sending it again cannot succeed.</param>
    public TransportSendFailure(string code, string reason, MessagePersistence persistence, Exception exception, bool timedOut = false, bool tooLarge = false)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(reason);
        ArgumentNullException.ThrowIfNull(exception);
        Code = code;
        Reason = reason;
        Persistence = persistence;
        Exception = exception;
        TimedOut = timedOut;
        TooLarge = tooLarge;
    }

    /// <summary>A short code (Kafka: the librdkafka error code).</summary>
    public string Code { get; }

    /// <summary>The broker's or client's description.</summary>
    public string Reason { get; }

    /// <summary>Whether the broker may have stored the message.</summary>
    public MessagePersistence Persistence { get; }

    /// <summary>The transport's own exception.</summary>
    public Exception Exception { get; }

    /// <summary>Whether the send timed out (no answer), rather than being refused.</summary>
    public bool TimedOut { get; }

    /// <summary>Whether the message is over a size limit: sending it again cannot succeed.</summary>
    public bool TooLarge { get; }

    /// <summary><c>Code: Reason</c>, as logs and failure records show it.</summary>
    public string Description => Code + ": " + Reason;
}
