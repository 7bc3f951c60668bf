using Confluent.Kafka;

namespace MessageContracts;

/// <summary>
/// What one Kafka client (the producer or the consumer) has observed about its brokers, for the health checks:
/// librdkafka reports "all brokers down" through the error callback but says nothing when one comes back, so the state
/// is set by that error and cleared by evidence of a working connection (an assignment, a record, a metadata answer).
/// </summary>
internal sealed class KafkaClientHealth(TimeProvider timeProvider)
{
    // Ticks of the UTC time since when every broker is down; 0 while some broker is reachable (or none was tried yet).
    private long allBrokersDownSinceTicks;

    /// <summary>When the client reported every broker down, or null while it has not (or has seen one since).</summary>
    public DateTimeOffset? AllBrokersDownSince
    {
        get
        {
            var ticks = Interlocked.Read(ref allBrokersDownSinceTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    /// <summary>Called from the client's error callback.</summary>
    public void Report(Error error)
    {
        if (error.Code == ErrorCode.Local_AllBrokersDown)
        {
            // Keep the first time of an outage: the repeats librdkafka sends while it lasts do not move it.
            Interlocked.CompareExchange(ref allBrokersDownSinceTicks, timeProvider.GetUtcNow().UtcTicks, 0);
        }
    }

    /// <summary>Called on evidence that a broker answers.</summary>
    public void MarkReachable()
    {
        if (Interlocked.Read(ref allBrokersDownSinceTicks) != 0)
        {
            Interlocked.Exchange(ref allBrokersDownSinceTicks, 0);
        }
    }
}
