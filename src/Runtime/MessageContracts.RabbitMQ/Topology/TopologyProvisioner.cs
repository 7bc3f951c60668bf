using MessageContracts.RabbitMQ.Management;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace MessageContracts.RabbitMQ.Topology;

/// <summary>
/// Puts a service's topology on the broker at startup, or fails fast saying what differs. First, when the management
/// API is at hand, every declared exchange and queue that already exists is compared with the broker's definition and
/// all differences are reported at once; then everything is declared (a no-op for what exists and matches). Without the
/// management API the broker's own check is the safety net: a re-declare with other arguments fails with
/// PRECONDITION_FAILED, whose text names the argument, and that fails startup the same way. Never a silent fallback.
/// </summary>
internal static class TopologyProvisioner
{
    private const ushort PreconditionFailed = 406;

    public static async Task EnsureAsync(
        IConnection connection,
        string virtualHost,
        RabbitMqTopology topology,
        RabbitMqManagementClient? management,
        CancellationToken cancellationToken)
    {
        if (management is not null)
        {
            var differences = await DiffAsync(management, virtualHost, topology, cancellationToken).ConfigureAwait(false);
            if (differences.Count > 0)
            {
                throw new TopologyMismatchException(virtualHost, differences);
            }
        }

        await DeclareAsync(connection, virtualHost, topology, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every difference between the declared topology and the broker's, for the entities that exist.</summary>
    public static async Task<IReadOnlyList<string>> DiffAsync(
        RabbitMqManagementClient management, string virtualHost, RabbitMqTopology topology, CancellationToken cancellationToken)
    {
        List<string> differences = [];
        foreach (var exchange in topology.Exchanges)
        {
            if (await management.GetExchangeAsync(virtualHost, exchange.Name, cancellationToken).ConfigureAwait(false) is { } held)
            {
                differences.AddRange(TopologyComparer.Compare(exchange, held));
            }
        }

        foreach (var queue in topology.Queues)
        {
            if (await management.GetQueueAsync(virtualHost, queue.Name, cancellationToken).ConfigureAwait(false) is { } held)
            {
                differences.AddRange(TopologyComparer.Compare(queue, held));
            }
        }

        return differences;
    }

    private static async Task DeclareAsync(IConnection connection, string virtualHost, RabbitMqTopology topology, CancellationToken cancellationToken)
    {
        // A channel of its own: a refused declare closes the channel it was made on.
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var exchange in topology.Exchanges)
            {
                await channel.ExchangeDeclareAsync(exchange.Name, exchange.Type, durable: true, autoDelete: false,
                    arguments: new Dictionary<string, object?>(exchange.Arguments), cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            foreach (var queue in topology.Queues)
            {
                await channel.QueueDeclareAsync(queue.Name, durable: true, exclusive: false, autoDelete: false,
                    arguments: new Dictionary<string, object?>(queue.Arguments), cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            foreach (var binding in topology.Bindings)
            {
                await channel.QueueBindAsync(binding.Queue, binding.Exchange, binding.RoutingKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationInterruptedException exception) when (exception.ShutdownReason?.ReplyCode == PreconditionFailed)
        {
            throw new TopologyMismatchException(virtualHost, [exception.ShutdownReason.ReplyText], exception);
        }
    }
}
