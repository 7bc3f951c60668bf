using Microsoft.Extensions.Hosting;

namespace MessageContracts.Transports;

/// <summary>
/// A broker behind the transport seam: what it can do, and how to build its sending and receiving sides from the
/// service provider. Chosen with <see cref="MessageContractsOptions.UseTransport"/> (a transport package offers its own
/// <c>UseX(...)</c> extension method that calls it); Kafka is the default.
/// </summary>
/// <remarks>
/// Both sides are built once per container, after the options are read. The sending side is what every publisher,
/// command sender, dead letter, outbox relay and publish failure replay sends through. The receiving side is a hosted
/// service that receives the records of <see cref="IInboundRecordPipeline.Sources"/> (resolve the pipeline from the
/// provider), hands each ordered lane's records to <see cref="IInboundRecordPipeline.SettleAsync"/>, and acknowledges
/// what it reports settled.
/// </remarks>
public abstract class MessageTransport
{
    /// <summary>The transport's name, for logs and span attributes (<c>messaging.system</c>: "kafka", "rabbitmq", "redis").</summary>
    public abstract string Name { get; }

    /// <summary>What the broker can do.</summary>
    public abstract TransportCapabilities Capabilities { get; }

    /// <summary>Builds the sending side (once per container).</summary>
    /// <param name="services">The application's services.</param>
    /// <returns>The sender.</returns>
    public abstract ITransportSender CreateSender(IServiceProvider services);

    /// <summary>
    /// Builds the receiving side (once per container, only when the service has handlers): a hosted service that runs
    /// while the host runs.
    /// </summary>
    /// <param name="services">The application's services; <see cref="IInboundRecordPipeline"/> among them.</param>
    /// <returns>The receiver.</returns>
    public abstract IHostedService CreateReceiver(IServiceProvider services);
}
