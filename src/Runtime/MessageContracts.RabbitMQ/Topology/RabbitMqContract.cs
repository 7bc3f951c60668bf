using MessageContracts.Infrastructure;

namespace MessageContracts.RabbitMQ.Topology;

/// <summary>
/// What the topology needs to know of one contract: its stable type name, the topic name the Kafka side uses (the
/// base of every RabbitMQ name, so a contract is called the same on both brokers) and whether it is an event or a command.
/// </summary>
internal sealed record RabbitMqContract(string MessageType, string Topic, MessageKind Kind)
{
    /// <summary>The description a generated contract carries as static members.</summary>
    public static RabbitMqContract Of<T>()
        where T : IMessageContract<T> =>
        new(T.MessageType, T.Topic, T.Kind);

    /// <summary>A contract one of the generated modules handles (the same list the Kafka consumer subscribes from).</summary>
    public static RabbitMqContract Of(MessageSubscription subscription) =>
        new(subscription.MessageType, subscription.Topic, subscription.Kind);

    /// <summary>
    /// The contracts the generated modules of the loaded assemblies have handlers for, one per topic and type,
    /// ordinal-sorted so the declared topology (and its diff) reads the same on every start.
    /// </summary>
    public static IReadOnlyList<RabbitMqContract> HandledBy(IEnumerable<GeneratedMessageModule> modules) =>
        modules.SelectMany(module => module.Subscriptions)
            .Select(Of)
            .Distinct()
            .OrderBy(contract => contract.Topic, StringComparer.Ordinal)
            .ThenBy(contract => contract.MessageType, StringComparer.Ordinal)
            .ToList();
}
