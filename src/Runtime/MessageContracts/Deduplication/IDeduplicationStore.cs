namespace MessageContracts;

/// <summary>
/// Remembers which message IDs a consumer group has processed, so a message delivered twice (a producer retry,
/// a redelivery after a consumer failure) has its effect once. Shared by every instance of a consumer group.
/// </summary>
/// <remarks>
/// <para>
/// A message is claimed before its handlers run and marked processed once its outcome (handled or dead-lettered)
/// is final. A claim is a lease held by an <em>owner</em>: a token the caller makes for one claim call (the consumer
/// uses a new <see cref="Guid"/> per call) and gives back to renew, mark or release what it claimed. An instance that
/// dies while holding a claim does not block the message forever (the lease runs out and another owner takes it over),
/// and an instance whose lease was taken over cannot renew, mark or release the newer owner's claim.
/// </para>
/// <para>
/// Every call works on a set of message IDs, so a store pays one round trip (and one commit) for a batch of records.
/// The single-ID forms are extension methods (<see cref="DeduplicationStoreExtensions"/>). Implementations:
/// <c>InMemoryDeduplicationStore</c> (tests and demos only), SQLite (the embedded default) and PostgreSQL (shared by the
/// instances of a service).
/// </para>
/// <para>
/// A store that cannot record a message ID because of the ID itself (too long for its key, refused by a constraint)
/// throws <see cref="MessageIdRejectedException"/>: the consumer dead-letters that record and goes on. Any other
/// exception means the store is unavailable: the consumer retries with backoff, and the partition waits.
/// </para>
/// </remarks>
public interface IDeduplicationStore
{
    /// <summary>
    /// Claims each of <paramref name="messageIds"/> for <paramref name="owner"/> for the length of <paramref name="lease"/>,
    /// unless it was processed already or another claim on it is unexpired. A claim whose lease has run out is taken
    /// over: it passes to <paramref name="owner"/>.
    /// </summary>
    /// <param name="consumerGroup">The consumer group the messages are processed for.</param>
    /// <param name="messageIds">The IDs; an ID given twice is claimed by its first occurrence, the later ones are answered <see cref="DeduplicationClaim.ClaimedElsewhere"/>.</param>
    /// <param name="owner">The claim's owner token; not <see cref="Guid.Empty"/>.</param>
    /// <param name="lease">How long the claims last unless renewed; longer than zero.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The answer for each ID, in the order of <paramref name="messageIds"/>.</returns>
    /// <exception cref="MessageIdRejectedException">The store cannot record one of the IDs, because of the ID itself; none of the IDs was claimed.</exception>
    Task<IReadOnlyList<DeduplicationClaim>> TryClaimAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// Extends the claims <paramref name="owner"/> holds on <paramref name="messageIds"/> to <paramref name="lease"/> from
    /// now. A claim held by <paramref name="owner"/> is renewed even if its lease ran out, as long as no other owner
    /// took it over.
    /// </summary>
    /// <returns>
    /// For each ID: true when <paramref name="owner"/> still holds the claim (now renewed); false when it does not (another
    /// owner took it over, or it was released or processed), and then nothing was changed.
    /// </returns>
    Task<IReadOnlyList<bool>> RenewAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// Records that the outcomes of <paramref name="messageIds"/> are final; later claims on them return
    /// <see cref="DeduplicationClaim.AlreadyProcessed"/>. A message is marked unless another owner holds an unexpired
    /// claim on it: then that owner's outcome counts, and this call leaves its claim alone.
    /// </summary>
    /// <returns>
    /// For each ID: true when the message is now recorded as processed (by this call or before); false when another owner
    /// holds a live claim on it (the claim of <paramref name="owner"/> was taken over), and then nothing was changed.
    /// </returns>
    /// <exception cref="MessageIdRejectedException">The store cannot record one of the IDs, because of the ID itself; none of the IDs was marked.</exception>
    Task<IReadOnlyList<bool>> MarkProcessedAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, CancellationToken cancellationToken);

    /// <summary>
    /// Gives up the claims <paramref name="owner"/> holds on <paramref name="messageIds"/> without an outcome (shutdown,
    /// revocation), so the next delivery can claim them at once. Claims of other owners and processed messages are left alone.
    /// </summary>
    Task ReleaseAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, CancellationToken cancellationToken);

    /// <summary>Forgets processed messages older than <paramref name="olderThan"/>; returns how many were removed.</summary>
    Task<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);
}

/// <summary>The answer to <see cref="IDeduplicationStore.TryClaimAsync"/> for one message ID.</summary>
public enum DeduplicationClaim
{
    /// <summary>This caller holds the claim: run the handlers, then mark the message processed.</summary>
    Claimed = 1,

    /// <summary>The message was processed before: drop this delivery as a duplicate.</summary>
    AlreadyProcessed = 2,

    /// <summary>Another owner is processing it right now: wait and ask again.</summary>
    ClaimedElsewhere = 3,
}
