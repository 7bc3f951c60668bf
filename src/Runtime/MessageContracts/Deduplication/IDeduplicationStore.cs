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

    /// <summary>
    /// Claims several message IDs at once, as <see cref="TryClaimAsync"/> does each; the answers are in the order of
    /// <paramref name="messageIds"/>. An ID given twice is claimed by its first occurrence; the later ones are answered
    /// <see cref="DeduplicationClaim.ClaimedElsewhere"/>.
    /// </summary>
    /// <remarks>
    /// The consumer calls it for the records a partition has queued, so a store pays one round trip (and one commit)
    /// per batch rather than per message. This default claims the IDs one after another; the SQLite and PostgreSQL
    /// stores override it with one transaction.
    /// </remarks>
    async Task<IReadOnlyList<DeduplicationClaim>> TryClaimManyAsync(string consumerGroup, IReadOnlyList<string> messageIds, TimeSpan lease, CancellationToken cancellationToken)
    {
        ValidateMany(consumerGroup, messageIds);
        var claims = new DeduplicationClaim[messageIds.Count];
        for (var i = 0; i < claims.Length; i++)
        {
            claims[i] = await TryClaimAsync(consumerGroup, messageIds[i], lease, cancellationToken).ConfigureAwait(false);
        }

        return claims;
    }

    /// <summary>
    /// Records that the outcomes of several messages are final, as <see cref="MarkProcessedAsync"/> does each. This
    /// default marks them one after another; the SQLite and PostgreSQL stores override it with one transaction.
    /// </summary>
    async Task MarkProcessedManyAsync(string consumerGroup, IReadOnlyList<string> messageIds, CancellationToken cancellationToken)
    {
        ValidateMany(consumerGroup, messageIds);
        foreach (var messageId in messageIds)
        {
            await MarkProcessedAsync(consumerGroup, messageId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Gives up several claims, as <see cref="ReleaseAsync"/> does each. This default releases them one after another;
    /// the SQLite and PostgreSQL stores override it with one transaction.
    /// </summary>
    async Task ReleaseManyAsync(string consumerGroup, IReadOnlyList<string> messageIds, CancellationToken cancellationToken)
    {
        ValidateMany(consumerGroup, messageIds);
        foreach (var messageId in messageIds)
        {
            await ReleaseAsync(consumerGroup, messageId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Checks every argument of a batch call before any of it runs, so a bad ID leaves the store untouched.</summary>
    private static void ValidateMany(string consumerGroup, IReadOnlyList<string> messageIds)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerGroup);
        ArgumentNullException.ThrowIfNull(messageIds);
        foreach (var messageId in messageIds)
        {
            ArgumentException.ThrowIfNullOrEmpty(messageId);
        }
    }

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
