using RabbitMQ.Client;

namespace MessageContracts.RabbitMQ.Connections;

/// <summary>
/// Connections made the one way this package needs them: automatic recovery on (the connection, its channels, their
/// prefetch, and the consumers come back after a broker restart or a dropped connection, without this package
/// re-creating anything), retried every <c>recoveryInterval</c>.
/// </summary>
internal static class RabbitMqConnections
{
    public static ConnectionFactory CreateFactory(Uri uri, string clientName, TimeSpan? recoveryInterval = null) => new()
    {
        Uri = uri,
        ClientProvidedName = clientName,
        AutomaticRecoveryEnabled = true,
        TopologyRecoveryEnabled = true,
        NetworkRecoveryInterval = recoveryInterval ?? TimeSpan.FromSeconds(2),
        RequestedHeartbeat = TimeSpan.FromSeconds(20),
    };

    /// <summary>Opens a recovering connection to <paramref name="uri"/> (its path is the virtual host).</summary>
    public static Task<IConnection> ConnectAsync(Uri uri, string clientName, TimeSpan? recoveryInterval = null, CancellationToken cancellationToken = default) =>
        CreateFactory(uri, clientName, recoveryInterval).CreateConnectionAsync(cancellationToken);

    /// <summary>The virtual host an AMQP URI names (<c>/</c> when its path is empty).</summary>
    public static string VirtualHostOf(Uri uri) => new ConnectionFactory { Uri = uri }.VirtualHost;
}
