using MessageContracts.Transports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MessageContracts;

/// <summary>
/// The built-in, default transport. Its receiving side (<see cref="MessageConsumerService"/>) and topic provisioning
/// are registered as hosted services of their own, so this descriptor's receiver is never asked for.
/// </summary>
internal sealed class KafkaTransport : MessageTransport
{
    public static KafkaTransport Instance { get; } = new();

    public override string Name => "kafka";

    public override TransportCapabilities Capabilities =>
        TransportCapabilities.OrderedPerKey | TransportCapabilities.Durable;

    public override ITransportSender CreateSender(IServiceProvider services) =>
        new KafkaTransportSender(services.GetRequiredService<KafkaProducerConnection>(), services.GetRequiredService<TopicProvisioner>());

    public override IHostedService CreateReceiver(IServiceProvider services) =>
        throw new NotSupportedException("Kafka's consumer is the MessageConsumerService hosted service.");
}
