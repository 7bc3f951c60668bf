namespace MessageContracts.RabbitMQ.Topology;

/// <summary>The <c>x-</c> arguments the topology sets on queues, by name.</summary>
internal static class QueueArguments
{
    public const string QueueType = "x-queue-type";
    public const string DeliveryLimit = "x-delivery-limit";
    public const string DeadLetterExchange = "x-dead-letter-exchange";
    public const string DeadLetterRoutingKey = "x-dead-letter-routing-key";
    public const string DeadLetterStrategy = "x-dead-letter-strategy";
    public const string Overflow = "x-overflow";
    public const string MessageTtl = "x-message-ttl";
    public const string SingleActiveConsumer = "x-single-active-consumer";

    public const string Quorum = "quorum";

    /// <summary>
    /// Dead-letters a quorum queue's message only once the target queue confirmed it (3.10+); the default, at-most-once,
    /// loses it when the target is unavailable. It needs <c>x-overflow = reject-publish</c>.
    /// </summary>
    public const string AtLeastOnce = "at-least-once";

    public const string RejectPublish = "reject-publish";
}
