using System.Text;

namespace MessageContracts.RabbitMQ.Connections;

/// <summary>
/// The startup check behind <see cref="RabbitMqTransportOptions.Priorities"/>: message priorities are asked for, and the
/// transport cannot honour them, so it says why and what to change, using the broker's version from the connection's
/// server properties (the queue type is fixed: every queue this transport declares is a quorum queue).
/// </summary>
internal static class PrioritiesCheck
{
    /// <summary>The first RabbitMQ version whose quorum queues take message priorities.</summary>
    public static readonly Version QuorumQueuePriorities = new(4, 0);

    /// <summary>Throws <see cref="NotSupportedException"/> when priorities are asked for; does nothing otherwise.</summary>
    /// <param name="settings">The transport's settings.</param>
    /// <param name="serverProperties">The connection's server properties (<c>version</c>, as the broker announces it).</param>
    public static void Verify(RabbitMqTransportOptions settings, IDictionary<string, object?>? serverProperties)
    {
        if (settings.Priorities)
        {
            throw new NotSupportedException(Reason(BrokerVersion(serverProperties)));
        }
    }

    /// <summary>Why priorities cannot be honoured on a broker of <paramref name="version"/> (null: not announced).</summary>
    public static string Reason(string? version)
    {
        const string Off = "or set RabbitMqTransportOptions.Priorities = false to have messages delivered in queue order.";
        if (version is null || !Version.TryParse(version.Split('-', '+')[0], out var parsed))
        {
            return $"Message priorities were asked for (RabbitMqTransportOptions.Priorities), but the broker did not announce a version ('{version}'): "
                + $"this transport's queues are quorum queues, which have priorities only from RabbitMQ {QuorumQueuePriorities}. Check the broker, " + Off;
        }

        return parsed < QuorumQueuePriorities
            ? $"Message priorities were asked for (RabbitMqTransportOptions.Priorities), but RabbitMQ {version} cannot honour them on this transport's queues: "
                + $"they are quorum queues (durable, replicated, dead-lettering at least once), which have priorities only from RabbitMQ {QuorumQueuePriorities} "
                + $"(classic priority queues would give up that durability, so they are not declared). Upgrade the broker to {QuorumQueuePriorities} or later, " + Off
            : $"Message priorities were asked for (RabbitMqTransportOptions.Priorities); RabbitMQ {version} quorum queues take them, but MessageContracts does not "
                + "carry a priority on a contract or a publish yet, so every message would go out at one priority. " + Off;
    }

    private static string? BrokerVersion(IDictionary<string, object?>? serverProperties) =>
        serverProperties is not null && serverProperties.TryGetValue("version", out var value)
            ? value switch
            {
                byte[] bytes => Encoding.UTF8.GetString(bytes),
                string text => text,
                _ => null,
            }
            : null;
}
