namespace MessageContracts;

/// <summary>What the runtime observes for the health checks: one singleton, written by the clients, read by the checks.</summary>
internal sealed class MessageContractsHealthState(TimeProvider timeProvider)
{
    public KafkaClientHealth Producer { get; } = new(timeProvider);

    public KafkaClientHealth Consumer { get; } = new(timeProvider);

    public ConsumerAssignmentHealth Assignment { get; } = new(timeProvider);
}
