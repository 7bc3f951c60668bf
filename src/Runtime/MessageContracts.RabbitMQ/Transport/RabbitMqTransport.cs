using MessageContracts.Transports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MessageContracts.RabbitMQ.Transport;

/// <summary>
/// RabbitMQ behind the transport seam: the sender publishes confirmed and persistent (<see cref="RabbitMqTransportSender"/>),
/// the receiver declares and checks the topology, then consumes this service's queues (<see cref="RabbitMqReceiver"/>).
/// </summary>
internal sealed class RabbitMqTransport(Uri uri, RabbitMqTransportOptions settings) : MessageTransport
{
    public override string Name => "rabbitmq";

    // Quorum queues replicate and write to disk before the publisher's confirmation. Priorities are not offered (quorum
    // queues of RabbitMQ 3.x have none; the Priorities option fails at startup saying so). Order per queue holds with a
    // single active consumer on every queue (docs/transports.md, "Order"), not otherwise.
    public override TransportCapabilities Capabilities =>
        Settings.SingleActiveConsumer ? TransportCapabilities.Durable | TransportCapabilities.OrderedPerKey : TransportCapabilities.Durable;

    public Uri Uri { get; } = uri;

    public RabbitMqTransportOptions Settings { get; } = settings;

    public override ITransportSender CreateSender(IServiceProvider services) =>
        new RabbitMqTransportSender(
            Uri,
            Settings,
            services.GetRequiredService<IOptions<MessageContractsOptions>>().Value,
            () => Contracts(services),
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            Logger<RabbitMqTransportSender>(services));

    public override IHostedService CreateReceiver(IServiceProvider services) =>
        new RabbitMqReceiver(
            Uri,
            Settings,
            services.GetRequiredService<IOptions<MessageContractsOptions>>().Value,
            services.GetRequiredService<IInboundRecordPipeline>(),
            Contracts(services),
            Logger<RabbitMqReceiver>(services));

    /// <summary>This service's handled contracts (none without handlers: then the core registers no pipeline).</summary>
    private RabbitMqServiceContracts Contracts(IServiceProvider services) =>
        new(
            services.GetService<IInboundRecordPipeline>()?.Sources ?? [],
            services.GetRequiredService<IOptions<MessageContractsOptions>>().Value.ConsumerGroup,
            Settings.Topology());

    private static ILogger Logger<T>(IServiceProvider services) =>
        services.GetService<ILoggerFactory>()?.CreateLogger<T>() ?? NullLogger<T>.Instance;
}
