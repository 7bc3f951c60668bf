namespace MessageContracts.RabbitMQ.Topology;

/// <summary>An exchange to declare. Always durable and never auto-deleted: the topology outlives every process.</summary>
internal sealed record ExchangeDeclaration(string Name, string Type, IReadOnlyDictionary<string, object?> Arguments);

/// <summary>
/// A queue to declare. Always durable, neither exclusive nor auto-deleted; <paramref name="Arguments"/> carry the rest
/// (<c>x-queue-type</c>, dead-lettering, limits), and are what the broker compares on a re-declare.
/// </summary>
internal sealed record QueueDeclaration(string Name, IReadOnlyDictionary<string, object?> Arguments);

/// <summary>A binding of a queue to an exchange.</summary>
internal sealed record BindingDeclaration(string Exchange, string Queue, string RoutingKey);

/// <summary>Where a contract's messages are published.</summary>
/// <param name="Exchange">The exchange: an event's fanout exchange, or the default exchange (<c>""</c>) for a command.</param>
/// <param name="RoutingKey">Empty for an event (fanout ignores it); a command's queue name.</param>
/// <param name="Mandatory">
/// True for commands: a command no queue receives comes back (basic.return) and the publish fails, instead of being
/// dropped. False for events: an event nobody subscribes to is not an error.
/// </param>
internal sealed record RabbitMqRoute(string Exchange, string RoutingKey, bool Mandatory);

/// <summary>The exchanges, queues and bindings a service needs, in declaration order (exchanges, queues, bindings).</summary>
internal sealed record RabbitMqTopology(
    IReadOnlyList<ExchangeDeclaration> Exchanges,
    IReadOnlyList<QueueDeclaration> Queues,
    IReadOnlyList<BindingDeclaration> Bindings)
{
    public QueueDeclaration Queue(string name) =>
        Queues.FirstOrDefault(queue => queue.Name == name) ?? throw new KeyNotFoundException($"The topology declares no queue '{name}'.");
}
