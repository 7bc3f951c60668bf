namespace MessageContracts.RabbitMQ.Topology;

/// <summary>How the topology is derived: the names, the delayed retries and the broker's redelivery bound.</summary>
internal sealed class RabbitMqTopologyOptions
{
    /// <summary>The names of exchanges and queues.</summary>
    public RabbitMqNaming Naming { get; set; } = RabbitMqNaming.Default;

    /// <summary>
    /// The delays of the retries through TTL queues, in order, after the in-process retries gave up: one retry queue
    /// per delay. Empty for none.
    /// </summary>
    public IReadOnlyList<TimeSpan> RetryDelays { get; set; } = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5)];

    /// <summary>
    /// <c>x-delivery-limit</c> of every consumed queue: how many times the broker redelivers one delivery that was never
    /// acknowledged (a consumer that crashed or lost its connection, a nack) before dead-lettering it. Set explicitly,
    /// never left to the broker's default (unlimited on 3.x, 20 on 4.x, and on 3.x a negative value means 0 and drops).
    /// It must exceed the number of retries (<see cref="RetryDelays"/>) so that the broker's limit never cuts a retry short.
    /// </summary>
    public int DeliveryLimit { get; set; } = 20;

    /// <summary>Every consumed queue with <c>x-single-active-consumer</c>, read by one lane (in order).</summary>
    public bool SingleActiveConsumer { get; set; }

    /// <summary>The topics whose consumed queues have <c>x-single-active-consumer</c>, beside <see cref="SingleActiveConsumer"/>.</summary>
    public IReadOnlySet<string> SingleActiveConsumerTopics { get; set; } = new HashSet<string>();

    /// <summary>Whether <paramref name="contract"/>'s consumed queue is read in order by a single active consumer.</summary>
    public bool InOrder(RabbitMqContract contract) => SingleActiveConsumer || SingleActiveConsumerTopics.Contains(contract.Topic);

    /// <summary>Throws when the settings cannot make a working topology, saying which and why.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Naming);
        ArgumentNullException.ThrowIfNull(RetryDelays);
        foreach (var delay in RetryDelays)
        {
            if (delay <= TimeSpan.Zero || delay.TotalMilliseconds > int.MaxValue || delay.Ticks % TimeSpan.TicksPerMillisecond != 0)
            {
                throw new ArgumentException($"Retry delay {delay} is not a positive whole number of milliseconds up to {int.MaxValue} (a queue's x-message-ttl).", nameof(RetryDelays));
            }
        }

        if (RetryDelays.Distinct().Count() != RetryDelays.Count)
        {
            throw new ArgumentException("Each retry delay may appear once: one retry queue serves one delay.", nameof(RetryDelays));
        }

        if (DeliveryLimit <= RetryDelays.Count)
        {
            throw new ArgumentException(
                $"DeliveryLimit ({DeliveryLimit}) must exceed the number of retries ({RetryDelays.Count}): the broker would otherwise dead-letter a message before its retries are done.",
                nameof(DeliveryLimit));
        }
    }
}
