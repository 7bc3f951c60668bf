using MessageContracts.RabbitMQ;
using MessageContracts.RabbitMQ.Transport;

namespace MessageContracts;

/// <summary>Chooses RabbitMQ as the transport of <c>AddMessageContracts</c>.</summary>
public static class RabbitMqOptionsExtensions
{
    /// <summary>
    /// Sends and receives through the RabbitMQ broker at <paramref name="uri"/> instead of Kafka. The same contracts,
    /// handlers, <see cref="IEventPublisher{TMessage}"/>, <see cref="ICommandSender{TMessage}"/> and outbox work
    /// unchanged: an event goes to its fanout exchange and every consuming service's own quorum queue, a command to its
    /// one queue (published mandatory, so a command without a queue fails); publishes are persistent and confirmed; the
    /// topology is declared and checked at startup (docs/transports.md, "RabbitMQ").
    /// </summary>
    /// <param name="options">The options.</param>
    /// <param name="uri">The AMQP URI, e.g. <c>amqp://user:pass@host:5672/vhost</c> (its path is the virtual host).</param>
    /// <returns>The options, for chaining.</returns>
    public static MessageContractsOptions UseRabbitMq(this MessageContractsOptions options, string uri) =>
        UseRabbitMq(options, uri, configure: null);

    /// <summary>As <see cref="UseRabbitMq(MessageContractsOptions, string)"/>, with the transport's own settings.</summary>
    /// <param name="options">The options.</param>
    /// <param name="uri">The AMQP URI, e.g. <c>amqp://user:pass@host:5672/vhost</c> (its path is the virtual host).</param>
    /// <param name="configure">Sets the management API for the startup check, the retry delays, the delivery limit, the recovery interval.</param>
    /// <returns>The options, for chaining.</returns>
    /// <exception cref="ArgumentException">The URI is not amqp:// or amqps://, or the settings cannot make a working topology (a retry delay that is not a positive whole number of milliseconds, or a delivery limit not above the number of retries).</exception>
    public static MessageContractsOptions UseRabbitMq(this MessageContractsOptions options, string uri, Action<RabbitMqTransportOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(uri);
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("amqp" or "amqps"))
        {
            throw new ArgumentException($"'{uri}' is not an amqp:// or amqps:// URI.", nameof(uri));
        }

        var settings = new RabbitMqTransportOptions();
        configure?.Invoke(settings);

        // Checked here, where the settings are made: a delivery limit at or below the retry count fails now, not at startup.
        settings.Topology();
        return options.UseTransport(new RabbitMqTransport(parsed, settings));
    }
}
