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

    /// <summary>The ordered lane (Kafka: the partition; otherwise 0).</summary>
    public int Lane { get; }

    /// <summary>The position in the lane (Kafka: the offset), or -1 where the broker gives none.</summary>
    public long Position { get; }
}
