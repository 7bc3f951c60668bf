namespace MessageContracts;

/// <summary>
/// Remembers which message IDs a consumer group has processed, so a message delivered twice (a producer retry,
/// a redelivery after a consumer failure) has its effect once. Shared by every instance of a consumer group.
/// </summary>
/// <remarks>
/// A message is claimed before its handlers run and marked processed once its outcome (handled or dead-lettered)
/// is final. A claim is a lease: an instance that dies while holding one does not block the message forever.
/// Implementations: <c>InMemoryDeduplicationStore</c> (tests and demos only), SQLite (the embedded default)
/// and PostgreSQL (shared by the instances of a service).
/// </remarks>
public interface IDeduplicationStore
{
    /// <summary>
    /// Claims <paramref name="messageId"/> for <paramref name="consumerGroup"/> for the length of <paramref name="lease"/>,
    /// unless it was processed already or another instance holds an unexpired claim.
    /// </summary>
    Task<DeduplicationClaim> TryClaimAsync(string consumerGroup, string messageId, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Records that the message's outcome is final; later claims return <see cref="DeduplicationClaim.AlreadyProcessed"/>.</summary>
    Task MarkProcessedAsync(string consumerGroup, string messageId, CancellationToken cancellationToken);

    /// <summary>Gives up a claim without an outcome (shutdown, revocation), so the next delivery can claim it at once.</summary>
    Task ReleaseAsync(string consumerGroup, string messageId, CancellationToken cancellationToken);

    /// <summary>Forgets processed messages older than <paramref name="olderThan"/>; returns how many were removed.</summary>
    Task<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);
}

/// <summary>The answer to <see cref="IDeduplicationStore.TryClaimAsync"/>.</summary>
public enum DeduplicationClaim
{
    /// <summary>This caller holds the claim: run the handlers, then mark the message processed.</summary>
    Claimed = 1,

    /// <summary>The message was processed before: drop this delivery as a duplicate.</summary>
    AlreadyProcessed = 2,

    /// <summary>Another instance is processing it right now: wait and ask again.</summary>
    ClaimedElsewhere = 3,
}
