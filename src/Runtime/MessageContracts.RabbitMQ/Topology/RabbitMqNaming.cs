using System.Globalization;

namespace MessageContracts.RabbitMQ.Topology;

/// <summary>
/// The names of the exchanges and queues derived from the contracts. Every name starts from the contract's topic (the
/// name it has on Kafka), so one contract is recognisable on both brokers. Derive from this class and override a method
/// to rename; the defaults, for topic <c>orders.order-placed</c>, service <c>billing</c> and a 5 s retry:
/// <list type="table">
/// <item><term>event exchange (fanout)</term><description><c>orders.order-placed</c></description></item>
/// <item><term>event queue of a service</term><description><c>orders.order-placed.billing</c></description></item>
/// <item><term>command queue</term><description><c>orders.ship-order</c> (the topic; published through the default exchange)</description></item>
/// <item><term>retry queue of a queue</term><description><c>orders.order-placed.billing.retry.5s</c></description></item>
/// <item><term>dead-letter queue of a queue</term><description><c>orders.order-placed.billing.dead-letter</c></description></item>
/// </list>
/// A retry queue's name carries its delay: a queue's TTL cannot change once declared, so a new delay is a new queue
/// rather than a mismatch with the old one.
/// </summary>
internal class RabbitMqNaming
{
    /// <summary>The shared instance of the default names.</summary>
    public static RabbitMqNaming Default { get; } = new();

    /// <summary>The fanout exchange an event is published to.</summary>
    public virtual string EventExchange(RabbitMqContract contract) => contract.Topic;

    /// <summary>The queue through which <paramref name="service"/> receives its copy of an event.</summary>
    public virtual string EventQueue(RabbitMqContract contract, string service) => $"{contract.Topic}.{service}";

    /// <summary>The one queue a command's owner reads.</summary>
    public virtual string CommandQueue(RabbitMqContract contract) => contract.Topic;

    /// <summary>The queue a delivery of <paramref name="queue"/> waits in for <paramref name="delay"/> before it is retried.</summary>
    public virtual string RetryQueue(string queue, TimeSpan delay) => $"{queue}.retry.{FormatDelay(delay)}";

    /// <summary>The queue the deliveries of <paramref name="queue"/> that cannot be handled end in.</summary>
    public virtual string DeadLetterQueue(string queue) => $"{queue}.dead-letter";

    /// <summary><c>250ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c>: the largest whole unit.</summary>
    protected static string FormatDelay(TimeSpan delay)
    {
        var milliseconds = (long)delay.TotalMilliseconds;
        return milliseconds switch
        {
            _ when milliseconds % 3_600_000 == 0 => (milliseconds / 3_600_000).ToString(CultureInfo.InvariantCulture) + "h",
            _ when milliseconds % 60_000 == 0 => (milliseconds / 60_000).ToString(CultureInfo.InvariantCulture) + "m",
            _ when milliseconds % 1_000 == 0 => (milliseconds / 1_000).ToString(CultureInfo.InvariantCulture) + "s",
            _ => milliseconds.ToString(CultureInfo.InvariantCulture) + "ms",
        };
    }
}
