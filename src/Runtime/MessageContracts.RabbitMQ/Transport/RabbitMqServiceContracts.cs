using MessageContracts.Infrastructure;
using MessageContracts.RabbitMQ.Topology;

namespace MessageContracts.RabbitMQ.Transport;

/// <summary>
/// What the transport knows of this service's contracts: the ones it handles (its queues) and the RabbitMQ names derived
/// from them, the same for the sender (dead letters go to the service's own dead-letter queues) and the receiver.
/// </summary>
internal sealed class RabbitMqServiceContracts
{
    private readonly Dictionary<string, RabbitMqContract> consumed = new(StringComparer.Ordinal);

    /// <param name="sources">The topics the core receives (<c>IInboundRecordPipeline.Sources</c>); empty for a service without handlers.</param>
    /// <param name="consumerGroup">The consuming service's name: it names its event queues.</param>
    /// <param name="topology">Names, retries and the delivery limit.</param>
    public RabbitMqServiceContracts(IEnumerable<string> sources, string consumerGroup, RabbitMqTopologyOptions topology)
    {
        Topology = topology;
        Builder = new RabbitMqTopologyBuilder(consumerGroup, topology);

        // The generated modules know each handled topic's kind; the pipeline's sources say which of them this service kept.
        var known = RabbitMqContract.HandledBy(GeneratedMessageModules.All);
        foreach (var source in sources)
        {
            var contract = known.FirstOrDefault(candidate => candidate.Topic == source)
                ?? throw new InvalidOperationException($"Topic '{source}' has handlers, but no generated module describes its contract (event or command).");
            consumed.TryAdd(source, contract);
        }

        Builder.Consumes(consumed.Values);
    }

    public RabbitMqTopologyOptions Topology { get; }

    public RabbitMqNaming Naming => Topology.Naming;

    /// <summary>The topology builder with every consumed contract added.</summary>
    public RabbitMqTopologyBuilder Builder { get; }

    /// <summary>The handled contracts by topic, ordinal-sorted.</summary>
    public IEnumerable<RabbitMqContract> Consumed => consumed.Values.OrderBy(contract => contract.Topic, StringComparer.Ordinal);

    /// <summary>The contract this service handles on <paramref name="topic"/>, or null.</summary>
    public RabbitMqContract? ConsumedOn(string topic) => consumed.GetValueOrDefault(topic);

    /// <summary>The queue this service reads <paramref name="contract"/> from.</summary>
    public string QueueOf(RabbitMqContract contract) => Builder.ConsumedQueue(contract);
}
