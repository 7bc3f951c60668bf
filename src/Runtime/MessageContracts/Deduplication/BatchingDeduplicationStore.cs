using System.Threading.Channels;

namespace MessageContracts;

/// <summary>
/// Group commit for the consumer's deduplication store: one writer per store gathers the claims, renewals, marks and
/// releases of every partition worker and applies whatever is waiting in one transaction (so one partition's marks
/// share a commit with another's claims), through the store's <see cref="IDeduplicationGroupWriter"/>.
/// </summary>
/// <remarks>
/// <para>
/// The writer never waits to fill a group: while one group commits, the next gathers, so a lone request costs one
/// commit and a busy consumer pays one commit for many requests. Each request keeps the meaning of its own call
/// (the store applies the group in order, as if the calls came one after another); a request whose ID the store
/// refuses fails alone. A failure of the group (the store unavailable) fails each of its requests, and their callers
/// retry as they would a failed call.
/// </para>
/// <para>
/// Measured on the benchmark (docs/benchmarks-issue12-settle.md): with a SQLite file, per-call transactions from six
/// partition workers spent their time opening pooled connections, preparing statements and waiting for SQLite's one
/// write lock; one writer with a kept connection does none of that.
/// </para>
/// </remarks>
internal sealed class BatchingDeduplicationStore : IDeduplicationStore, IAsyncDisposable, IDisposable
{
    /// <summary>The most message IDs one group holds, so a transaction (and the write lock) stays short.</summary>
    internal const int MaxIdsPerGroup = 4096;

    private readonly IDeduplicationStore store;
    private readonly IDeduplicationGroupWriter writer;
    private readonly Channel<DeduplicationRequest> requests =
        Channel.CreateUnbounded<DeduplicationRequest>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Task writing;
    private DeduplicationRequest? carried;
    private int disposed;

    private BatchingDeduplicationStore(IDeduplicationStore store, IDeduplicationGroupWriter writer)
    {
        this.store = store;
        this.writer = writer;
        writing = Task.Run(WriteAsync);
    }

    /// <summary>The store the consumer uses: <paramref name="store"/> behind group commit when it can apply groups, else itself.</summary>
    public static IDeduplicationStore For(IDeduplicationStore store) =>
        store is IDeduplicationGroupStore groups ? new BatchingDeduplicationStore(store, groups.OpenGroupWriter()) : store;

    /// <summary>The store the requests are written to.</summary>
    public IDeduplicationStore Store => store;

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeduplicationClaim>> TryClaimAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        DeduplicationArguments.Validate(consumerGroup, messageIds, owner, lease);
        var request = DeduplicationRequest.Claim(consumerGroup, messageIds, owner, lease, cancellationToken);
        await SubmitAsync(request).ConfigureAwait(false);
        return request.Claims;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<bool>> RenewAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        DeduplicationArguments.Validate(consumerGroup, messageIds, owner, lease);
        var request = DeduplicationRequest.Renew(consumerGroup, messageIds, owner, lease, cancellationToken);
        await SubmitAsync(request).ConfigureAwait(false);
        return request.Answers;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<bool>> MarkProcessedAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, CancellationToken cancellationToken)
    {
        DeduplicationArguments.Validate(consumerGroup, messageIds, owner);
        var request = DeduplicationRequest.MarkProcessed(consumerGroup, messageIds, owner, cancellationToken);
        await SubmitAsync(request).ConfigureAwait(false);
        return request.Answers;
    }

    /// <inheritdoc />
    public Task ReleaseAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, CancellationToken cancellationToken)
    {
        DeduplicationArguments.Validate(consumerGroup, messageIds, owner);
        return SubmitAsync(DeduplicationRequest.Release(consumerGroup, messageIds, owner, cancellationToken));
    }

    /// <inheritdoc />
    public Task<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken) => store.PurgeAsync(olderThan, cancellationToken);

    /// <summary>Lets the requests already submitted finish, then closes the writer.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        requests.Writer.TryComplete();
        await writing.ConfigureAwait(false);
        await writer.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc cref="DisposeAsync" />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task SubmitAsync(DeduplicationRequest request)
    {
        request.CancellationToken.ThrowIfCancellationRequested();
        if (request.MessageIds.Count == 0)
        {
            return;
        }

        if (!requests.Writer.TryWrite(request))
        {
            throw new ObjectDisposedException(nameof(BatchingDeduplicationStore), "The consumer's deduplication store is closed.");
        }

        // Not cancelled by the caller's token once in a group: the caller learns what the store did (a claim it made
        // and did not hear of would hold the message until the lease runs out).
        await request.Completion.Task.ConfigureAwait(false);
        if (request.Failure is { } failure)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    private async Task WriteAsync()
    {
        var group = new List<DeduplicationRequest>();
        while (carried is not null || await requests.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            Gather(group);
            if (group.Count == 0)
            {
                continue;
            }

            try
            {
                await writer.ApplyAsync(group, CancellationToken.None).ConfigureAwait(false);
                foreach (var request in group)
                {
                    request.Completion.TrySetResult();
                }
            }
            catch (Exception exception)
            {
                foreach (var request in group)
                {
                    request.Completion.TrySetException(exception);
                }
            }

            group.Clear();
        }
    }

    /// <summary>Takes the requests waiting, up to <see cref="MaxIdsPerGroup"/> IDs (a larger request goes alone); drops cancelled ones.</summary>
    private void Gather(List<DeduplicationRequest> group)
    {
        var ids = 0;
        while (true)
        {
            var request = carried;
            carried = null;
            if (request is null && !requests.Reader.TryRead(out request))
            {
                return;
            }

            if (request.CancellationToken.IsCancellationRequested)
            {
                request.Completion.TrySetCanceled(request.CancellationToken);
                continue;
            }

            if (group.Count > 0 && ids + request.MessageIds.Count > MaxIdsPerGroup)
            {
                carried = request;
                return;
            }

            group.Add(request);
            ids += request.MessageIds.Count;
        }
    }
}
