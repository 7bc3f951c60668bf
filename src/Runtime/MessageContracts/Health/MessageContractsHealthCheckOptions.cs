using Microsoft.Extensions.DependencyInjection;

namespace MessageContracts;

/// <summary>Thresholds of the health checks that <see cref="MessageContractsHealthChecksBuilderExtensions.AddMessageContracts(IHealthChecksBuilder)"/> adds.</summary>
public sealed class MessageContractsHealthCheckOptions
{
    /// <summary>
    /// How long the consumer may have no partitions before its assignment check reports Degraded. Default: 2 minutes
    /// (a rebalance takes seconds; longer means more instances than partitions, or a group that cannot settle).
    /// </summary>
    public TimeSpan UnassignedThreshold { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long the producer check waits for a metadata answer, asked only after the producer reported every broker
    /// down, to see whether one is back. Default: 2 seconds.
    /// </summary>
    public TimeSpan BrokerProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the deduplication store check waits for its probe. Default: 5 seconds.</summary>
    public TimeSpan StoreProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How old the oldest unsent outbox row may be before the outbox backlog check reports Degraded. Default: 1 minute
    /// (the relay publishes a committed row within its poll interval; a minute means it falls behind or cannot publish).
    /// </summary>
    public TimeSpan OutboxAgeDegradedThreshold { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How old the oldest unsent outbox row may be before the outbox backlog check reports Unhealthy. Default: 10
    /// minutes. Must not be shorter than <see cref="OutboxAgeDegradedThreshold"/>.
    /// </summary>
    public TimeSpan OutboxAgeUnhealthyThreshold { get; set; } = TimeSpan.FromMinutes(10);
}
