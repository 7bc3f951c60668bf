namespace MessageContracts.Testing;

/// <summary>Settings for <see cref="EmbeddedKafka.StartAsync(EmbeddedKafkaOptions?, CancellationToken)"/>.</summary>
public sealed class EmbeddedKafkaOptions
{
    /// <summary>
    /// The number of brokers in the mock cluster, at least 1. Their ids run from 1 to
    /// <see cref="BrokerCount"/>. Defaults to 1.
    /// </summary>
    public int BrokerCount { get; set; } = 1;

    /// <summary>
    /// How long a new (empty) consumer group waits for more members before its first rebalance: the broker
    /// setting <c>group.initial.rebalance.delay.ms</c>. Defaults to <see cref="TimeSpan.Zero"/>, so a test's
    /// first consumer is assigned partitions at once; the mock's own default, like a real broker's, is 3 s.
    /// </summary>
    public TimeSpan GroupInitialRebalanceDelay { get; set; } = TimeSpan.Zero;
}
