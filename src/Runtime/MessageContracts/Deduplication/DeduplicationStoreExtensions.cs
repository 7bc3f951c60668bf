namespace MessageContracts;

/// <summary>The single-message forms of the set-oriented <see cref="IDeduplicationStore"/> calls.</summary>
public static class DeduplicationStoreExtensions
{
    /// <summary>Claims one message ID; see <see cref="IDeduplicationStore.TryClaimAsync"/>.</summary>
    /// <param name="store">The store.</param>
    /// <param name="consumerGroup">The consumer group the message is processed for.</param>
    /// <param name="messageId">The message ID.</param>
    /// <param name="owner">The claim's owner token; not <see cref="Guid.Empty"/>.</param>
    /// <param name="lease">How long the claim lasts unless renewed.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The store's answer.</returns>
    public static async Task<DeduplicationClaim> TryClaimAsync(this IDeduplicationStore store, string consumerGroup, string messageId, Guid owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return (await store.TryClaimAsync(consumerGroup, [messageId], owner, lease, cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>Renews one claim; see <see cref="IDeduplicationStore.RenewAsync"/>.</summary>
    /// <returns>True when <paramref name="owner"/> still holds the claim (now renewed).</returns>
    public static async Task<bool> RenewAsync(this IDeduplicationStore store, string consumerGroup, string messageId, Guid owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return (await store.RenewAsync(consumerGroup, [messageId], owner, lease, cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>Marks one message processed; see <see cref="IDeduplicationStore.MarkProcessedAsync"/>.</summary>
    /// <returns>True when the message is recorded as processed; false when another owner holds a live claim on it.</returns>
    public static async Task<bool> MarkProcessedAsync(this IDeduplicationStore store, string consumerGroup, string messageId, Guid owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return (await store.MarkProcessedAsync(consumerGroup, [messageId], owner, cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>Releases one claim; see <see cref="IDeduplicationStore.ReleaseAsync"/>.</summary>
    /// <returns>A task that completes when the claim is released.</returns>
    public static Task ReleaseAsync(this IDeduplicationStore store, string consumerGroup, string messageId, Guid owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.ReleaseAsync(consumerGroup, [messageId], owner, cancellationToken);
    }
}
