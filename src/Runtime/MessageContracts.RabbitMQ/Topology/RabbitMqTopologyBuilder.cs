namespace MessageContracts.RabbitMQ.Topology;

/// <summary>
/// Derives a service's topology from the contracts it consumes and publishes:
/// <list type="bullet">
/// <item>a consumed event: the event's durable fanout exchange, the service's own durable quorum queue bound to it;</item>
/// <item>a consumed command: the command's one durable quorum queue (its owner);</item>
/// <item>every consumed queue: one retry queue per retry delay, and a dead-letter queue; <c>x-single-active-consumer</c>
/// when it is read in order;</item>
/// <item>a published event: its exchange (a publish to a missing exchange is a channel error);</item>
/// <item>a published command: nothing: its queue belongs to its owner, and a command published before the owner declared
/// its queue comes back as an error (mandatory).</item>
/// </list>
/// </summary>
internal sealed class RabbitMqTopologyBuilder
{
    private const string DefaultExchange = "";

    private readonly string service;
    private readonly RabbitMqTopologyOptions options;
    private readonly SortedDictionary<string, ExchangeDeclaration> exchanges = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, QueueDeclaration> queues = new(StringComparer.Ordinal);
    private readonly SortedSet<(string Exchange, string Queue)> bindings = [];

    /// <param name="service">The consuming service's name: it names the service's event queues.</param>
    /// <param name="options">Names, retries and the delivery limit.</param>
    public RabbitMqTopologyBuilder(string service, RabbitMqTopologyOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        options.Validate();
        this.service = service;
        this.options = options;
    }

    /// <summary>Where <paramref name="contract"/>'s messages are published.</summary>
    public static RabbitMqRoute RouteOf(RabbitMqContract contract, RabbitMqNaming naming) =>
        contract.Kind == MessageKind.Command
            ? new RabbitMqRoute(DefaultExchange, naming.CommandQueue(contract), Mandatory: true)
            : new RabbitMqRoute(naming.EventExchange(contract), RoutingKey: "", Mandatory: false);

    /// <summary>The queue this service reads <paramref name="contract"/> from.</summary>
    public string ConsumedQueue(RabbitMqContract contract) =>
        contract.Kind == MessageKind.Command
            ? options.Naming.CommandQueue(contract)
            : options.Naming.EventQueue(contract, service);

    public RabbitMqTopologyBuilder Consumes(RabbitMqContract contract)
    {
        var queue = ConsumedQueue(contract);
        if (contract.Kind == MessageKind.Event)
        {
            var exchange = AddEventExchange(contract);
            bindings.Add((exchange, queue));
        }

        AddConsumedQueue(queue, options.InOrder(contract));
        return this;
    }

    public RabbitMqTopologyBuilder Consumes(IEnumerable<RabbitMqContract> contracts)
    {
        foreach (var contract in contracts)
        {
            Consumes(contract);
        }

        return this;
    }

    public RabbitMqTopologyBuilder Publishes(RabbitMqContract contract)
    {
        if (contract.Kind == MessageKind.Event)
        {
            AddEventExchange(contract);
        }

        return this;
    }

    public RabbitMqTopology Build() => new(
        [.. exchanges.Values],
        [.. queues.Values],
        [.. bindings.Select(binding => new BindingDeclaration(binding.Exchange, binding.Queue, RoutingKey: ""))]);

    private string AddEventExchange(RabbitMqContract contract)
    {
        var name = options.Naming.EventExchange(contract);
        exchanges.TryAdd(name, new ExchangeDeclaration(name, "fanout", new Dictionary<string, object?>()));
        return name;
    }

    /// <summary>
    /// The queue, its retry queues and its dead-letter queue. The queue dead-letters (a delivery past the delivery limit,
    /// or rejected without requeue) into its dead-letter queue through the default exchange, at least once; each retry
    /// queue holds a message for its TTL, then dead-letters it back into the queue.
    /// </summary>
    private void AddConsumedQueue(string queue, bool singleActiveConsumer)
    {
        var deadLetterQueue = options.Naming.DeadLetterQueue(queue);
        var arguments = new Dictionary<string, object?>
        {
            [QueueArguments.QueueType] = QueueArguments.Quorum,
            [QueueArguments.DeliveryLimit] = options.DeliveryLimit,
            [QueueArguments.DeadLetterExchange] = DefaultExchange,
            [QueueArguments.DeadLetterRoutingKey] = deadLetterQueue,
            [QueueArguments.DeadLetterStrategy] = QueueArguments.AtLeastOnce,
            [QueueArguments.Overflow] = QueueArguments.RejectPublish,
        };
        if (singleActiveConsumer)
        {
            // Only set when asked: an argument absent and one set to false are different definitions to the startup check.
            arguments[QueueArguments.SingleActiveConsumer] = true;
        }

        queues.TryAdd(queue, new QueueDeclaration(queue, arguments));

        foreach (var delay in options.RetryDelays)
        {
            var retryQueue = options.Naming.RetryQueue(queue, delay);
            queues.TryAdd(retryQueue, new QueueDeclaration(retryQueue, new Dictionary<string, object?>
            {
                [QueueArguments.QueueType] = QueueArguments.Quorum,
                [QueueArguments.MessageTtl] = (int)delay.TotalMilliseconds,
                [QueueArguments.DeadLetterExchange] = DefaultExchange,
                [QueueArguments.DeadLetterRoutingKey] = queue,
                [QueueArguments.DeadLetterStrategy] = QueueArguments.AtLeastOnce,
                [QueueArguments.Overflow] = QueueArguments.RejectPublish,
            }));
        }

        queues.TryAdd(deadLetterQueue, new QueueDeclaration(deadLetterQueue, new Dictionary<string, object?>
        {
            [QueueArguments.QueueType] = QueueArguments.Quorum,
        }));
    }
}
