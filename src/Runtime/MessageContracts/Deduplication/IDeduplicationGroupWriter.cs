namespace MessageContracts;

/// <summary>
/// A store that can apply a group of <see cref="DeduplicationRequest"/>s of several callers in one transaction (group
/// commit). <see cref="BatchingDeduplicationStore"/> uses it; the store's public calls stay as they are.
/// </summary>
internal interface IDeduplicationGroupStore
{
    /// <summary>A writer of its own (e.g. a dedicated connection with its statements prepared), for one caller at a time.</summary>
    IDeduplicationGroupWriter OpenGroupWriter();
}

/// <summary>Applies groups of requests, one group at a time, each in one transaction.</summary>
internal interface IDeduplicationGroupWriter : IAsyncDisposable
{
    /// <summary>
    /// Applies <paramref name="group"/> in order, in one transaction, as if each request were its own call to the store.
    /// A request the store refuses because of one of its IDs gets <see cref="DeduplicationRequest.Failure"/> (and
    /// none of its writes); the others are committed. Throws when the store is unavailable: then nothing was written.
    /// </summary>
    Task ApplyAsync(IReadOnlyList<DeduplicationRequest> group, CancellationToken cancellationToken);
}
