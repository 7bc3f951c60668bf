namespace MessageContracts.Transports;

/// <summary>Where the broker stored a sent message.</summary>
public readonly struct TransportDelivery
{
    /// <summary>Creates the delivery.</summary>
    /// <param name="lane">The ordered lane (Kafka: the partition; otherwise 0).</param>
    /// <param name="position">The position in the lane (Kafka: the offset), or -1 where the broker gives none.</param>
    public TransportDelivery(int lane, long position)
    {
        Lane = lane;
        Position = position;
    }

    /// <summary>Creates the delivery of a message the broker handed to its listeners instead of storing it.</summary>
    /// <param name="lane">The ordered lane (Kafka: the partition; otherwise 0).</param>
    /// <param name="position">The position in the lane, or -1 where the broker gives none.</param>
    /// <param name="receivers">How many subscribers received the message (Redis <c>PUBLISH</c>'s reply); 0 means it is lost.</param>
    public TransportDelivery(int lane, long position, long receivers)
        : this(lane, position)
    {
        Receivers = receivers;
    }

    /// <summary>The ordered lane (Kafka: the partition; otherwise 0).</summary>
    public int Lane { get; }

    /// <summary>The position in the lane (Kafka: the offset), or -1 where the broker gives none.</summary>
    public long Position { get; }

    /// <summary>
    /// How many subscribers received the message, for a transport that delivers to listeners rather than storing
    /// (Redis pub/sub); <see langword="null"/> when the transport cannot say (a stored message).
    /// </summary>
    public long? Receivers { get; }
}
