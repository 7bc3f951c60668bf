using MessageContracts.RabbitMQ.Topology;

namespace MessageContracts.RabbitMQ;

/// <summary>
/// Settings of the RabbitMQ transport beyond its address, given to
/// <see cref="RabbitMqOptionsExtensions.UseRabbitMq(MessageContractsOptions, string, Action{RabbitMqTransportOptions})"/>.
/// The concurrency (and from it the prefetch), the publish timeout, the dead-letter suffix and the service's name are
/// the core's <see cref="MessageContractsOptions"/>, shared with every transport.
/// </summary>
public sealed class RabbitMqTransportOptions
{
    /// <summary>
    /// The management API (for example <c>http://127.0.0.1:15672/</c>), with the AMQP URI's credentials. When set, the
    /// startup check compares every existing exchange and queue with the declared topology and reports all differences
    /// at once; when null, the broker's own check on declare (PRECONDITION_FAILED) fails startup on the first difference.
    /// </summary>
    public Uri? ManagementUri { get; set; }

    /// <summary>
    /// The delays of the retry queues declared for every consumed queue (one quorum queue per delay, its
    /// <c>x-message-ttl</c> the delay), in order. Default 5 s, 30 s, 5 min.
    /// </summary>
    public IList<TimeSpan> RetryDelays { get; } = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5)];

    /// <summary>
    /// <c>x-delivery-limit</c> of every consumed queue: how often the broker hands out a delivery that was never
    /// acknowledged (a crash, a lost connection) before it dead-letters it. Set explicitly (never the broker's default);
    /// it must exceed the number of <see cref="RetryDelays"/>. Default 20.
    /// </summary>
    public int DeliveryLimit { get; set; } = 20;

    /// <summary>How long the client waits between attempts to recover a lost connection. Default 2 s.</summary>
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Consume every queue of this service in order: each queue is declared with <c>x-single-active-consumer</c> (of the
    /// service's instances, one at a time reads it; another takes over when it goes) and its messages are handled one
    /// at a time, in queue order. Default false: <see cref="MessageContractsOptions.MaxConcurrency"/> handlers per queue.
    /// What holds and what breaks the order (delayed retries, returned deliveries) is in docs/transports.md, "Order".
    /// Changing it for a queue that exists is a startup-check difference: the queue must be recreated.
    /// </summary>
    public bool SingleActiveConsumer { get; set; }

    /// <summary>
    /// Consume the queue of <typeparamref name="TMessage"/> in order, as <see cref="SingleActiveConsumer"/> does for
    /// every queue.
    /// </summary>
    /// <typeparam name="TMessage">A contract this service handles.</typeparam>
    /// <returns>These options, for chaining.</returns>
    public RabbitMqTransportOptions SingleActiveConsumerFor<TMessage>()
        where TMessage : IMessageContract<TMessage>
    {
        orderedTopics.Add(TMessage.Topic);
        return this;
    }

    /// <summary>
    /// Asks for message priorities (higher priority delivered first). The transport cannot honour them yet, so startup
    /// fails with the reason and what to change: on RabbitMQ before 4.0 the queue type this transport declares (quorum
    /// queues, for durability and at-least-once dead-lettering) has no priorities, so the broker must be upgraded; from
    /// 4.0 quorum queues have two priority levels, but a contract carries no priority to publish with yet. Default
    /// false: messages are delivered in queue order.
    /// </summary>
    public bool Priorities { get; set; }

    private readonly HashSet<string> orderedTopics = new(StringComparer.Ordinal);

    /// <summary>The topology settings these options describe, validated.</summary>
    internal RabbitMqTopologyOptions Topology()
    {
        var topology = new RabbitMqTopologyOptions
        {
            RetryDelays = [.. RetryDelays],
            DeliveryLimit = DeliveryLimit,
            SingleActiveConsumer = SingleActiveConsumer,
            SingleActiveConsumerTopics = new HashSet<string>(orderedTopics, StringComparer.Ordinal),
        };
        topology.Validate();
        return topology;
    }
}
