namespace MessageContracts.RabbitMQ.Topology;

/// <summary>
/// The broker holds an exchange or a queue under a declared name with other settings than the ones this service
/// declares. Startup stops here rather than go on with a topology that does not do what the contracts say (a queue
/// without its delivery limit, a classic queue where a quorum queue was meant). The message lists every difference.
/// </summary>
internal sealed class TopologyMismatchException : Exception
{
    public TopologyMismatchException(string virtualHost, IReadOnlyList<string> differences, Exception? innerException = null)
        : base(Describe(virtualHost, differences), innerException)
    {
        Differences = differences;
    }

    /// <summary>One line per difference: the entity, the setting, the declared value and the broker's.</summary>
    public IReadOnlyList<string> Differences { get; }

    private static string Describe(string virtualHost, IReadOnlyList<string> differences) =>
        $"The RabbitMQ topology in virtual host '{virtualHost}' differs from the one the contracts declare "
        + $"({differences.Count} difference{(differences.Count == 1 ? "" : "s")}):{Environment.NewLine}"
        + string.Join(Environment.NewLine, differences.Select(difference => "  " + difference))
        + Environment.NewLine
        + "An existing queue's arguments cannot change in place: delete the entity (after draining it) so that it is "
        + "declared anew, or change the declared settings or names (RabbitMqNaming) to match.";
}
