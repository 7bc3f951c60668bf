namespace MessageContracts;

/// <summary>
/// Creates topics on a cluster: the seam between <see cref="TopicProvisioner"/> (which topics, when, and what to log)
/// and the cluster's way of creating them (<see cref="AdminClientTopicCreator"/> on a real cluster; the embedded Kafka
/// brings its own).
/// </summary>
internal interface ITopicCreator
{
    /// <summary>
    /// Creates those of <paramref name="topics"/> that do not exist yet. Never throws for a refused or failed topic:
    /// each topic gets its outcome.
    /// </summary>
    /// <param name="topics">Distinct topic names.</param>
    /// <param name="partitions">The partitions of a created topic; null for the cluster's default.</param>
    /// <param name="replicationFactor">The replication factor of a created topic; null for the cluster's default.</param>
    /// <param name="timeout">How long to wait for the cluster.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>One outcome per topic.</returns>
    Task<IReadOnlyList<TopicOutcome>> CreateAsync(
        IReadOnlyList<string> topics, int? partitions, short? replicationFactor, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>What became of one topic.</summary>
internal enum TopicOutcomeKind
{
    /// <summary>It was created now.</summary>
    Created,

    /// <summary>It existed already (perhaps with other settings, which are left alone).</summary>
    Existed,

    /// <summary>The cluster refused: the application may not create topics.</summary>
    NotAuthorized,

    /// <summary>It could not be created (the cluster did not answer in time, or refused for another reason).</summary>
    Failed,
}

/// <summary>The outcome of one topic; <paramref name="Reason"/> says why when it was not created or found.</summary>
internal readonly record struct TopicOutcome(string Topic, TopicOutcomeKind Kind, string? Reason = null);
