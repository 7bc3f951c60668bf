using MessageContracts.Transports;

namespace MessageContracts;

public sealed partial class MessageContractsOptions
{
    /// <summary>
    /// The broker below the seam: null (the default) for Kafka at <see cref="BootstrapServers"/>. Set it with
    /// <see cref="UseTransport"/> or a transport package's <c>UseX(...)</c> method.
    /// </summary>
    public MessageTransport? Transport { get; private set; }

    /// <summary>
    /// Sends and receives through <paramref name="transport"/> instead of Kafka. With another transport,
    /// <see cref="BootstrapServers"/> and the Kafka settings are not used.
    /// </summary>
    /// <param name="transport">The transport.</param>
    /// <returns>These options, for chaining.</returns>
    public MessageContractsOptions UseTransport(MessageTransport transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        Transport = transport;
        return this;
    }

    /// <summary>Whether the built-in Kafka transport is in use (no other was chosen).</summary>
    internal bool UsesKafka => Transport is null or KafkaTransport;

    /// <summary>The transport in use.</summary>
    internal MessageTransport EffectiveTransport => Transport ?? KafkaTransport.Instance;
}
